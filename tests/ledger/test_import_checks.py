"""The checks of a file's rows: dates in the forms finance systems write, and problems listed up to a limit."""

from datetime import date

import pytest

from s75.ledger.import_checks import NotADate, Problem, Problems, parse_ledger_date


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("2024-04-30", date(2024, 4, 30)), ("30/04/2024", date(2024, 4, 30)), ("30-Apr-2024", date(2024, 4, 30)),
     ("1-sept-2024", date(2024, 9, 1)), ("30-OCT-24", date(2024, 10, 30)), ("29/02/2024", date(2024, 2, 29)),
     ("2024-04-30 00:00:00", date(2024, 4, 30)), ("2024-04-30T00:00", date(2024, 4, 30))],
)
def test_dates_are_read_in_three_forms_with_or_without_a_midnight_time(text, parsed):
    assert parse_ledger_date(text) == parsed


@pytest.mark.parametrize(
    ("text", "reason"),
    [("31/02/2026", "31/02/2026 is not a date: February 2026 has 28 days"),
     ("2024-02-30", "2024-02-30 is not a date: February 2024 has 29 days"),
     ("31-Apr-2025", "31-Apr-2025 is not a date: April 2025 has 30 days"),
     ("30/13/2026", "30/13/2026 is not a date: there is no month 13"),
     ("00/01/2026", "00/01/2026 is not a date: there is no day 0"),
     ("0000-01-01", "0000-01-01 is not a date: there is no year 0"),
     ("30/04/24", "30/04/24 is not a date: give the year in four digits, like 30/04/2024"),
     ("April 30", "April 30 is not a date: write it like 2024-04-30, 30/04/2024 or 30-Apr-2024"),
     ("2024-04-30 12:00", "2024-04-30 12:00 is not a date alone: it has a time of day, 12:00; give the date without a "
                          "time"),
     ("", "the posting date is blank")],
)
def test_a_cell_that_is_not_a_date_says_why(text, reason):
    with pytest.raises(NotADate) as refused:
        parse_ledger_date(text)
    assert str(refused.value) == reason


def test_a_problem_says_where_it_is_and_what_is_wrong_without_a_stray_value():
    assert str(Problem(12, "Amount", "x", "x is not an amount")) == "row 12, column Amount: x is not an amount"
    assert str(Problem(None, "", "", "the file is empty")) == "the file is empty"
    assert str(Problem(None, "", "2024-25/M01", "period 2024-25/M01 was closed")) == "period 2024-25/M01 was closed"


def test_problems_beyond_the_limit_are_counted_not_listed(monkeypatch):
    monkeypatch.setattr("s75.ledger.import_checks.PROBLEMS_LISTED", 2)
    problems = Problems()
    for number in range(5):
        problems.add(number + 2, "Amount", date(2024, 4, 30), "bad")
    assert (len(problems.listed), problems.not_listed, len(problems)) == (2, 3, 5)
    assert problems.listed[0].value == "2024-04-30"
