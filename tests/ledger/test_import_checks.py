"""The checks of a file's rows: dates in the forms finance systems write, and problems listed up to a limit."""

from datetime import date

import pytest

from s75.ledger.import_checks import Problem, Problems, parse_ledger_date


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("2024-04-30", date(2024, 4, 30)), ("30/04/2024", date(2024, 4, 30)), ("30-Apr-2024", date(2024, 4, 30)),
     ("1-sept-2024", date(2024, 9, 1)), ("2024-02-30", None), ("30/04/24", None), ("April 30", None),
     ("2024-04-30 12:00", None), ("", None)],
)
def test_dates_are_read_in_three_forms_and_nothing_else(text, parsed):
    assert parse_ledger_date(text) == parsed


def test_a_problem_says_where_it_is_and_what_is_wrong():
    assert str(Problem(12, "Amount", "x", "not an amount")) == "row 12, column Amount, value x: not an amount"
    assert str(Problem(None, "", "", "the file is empty")) == "the file is empty"


def test_problems_beyond_the_limit_are_counted_not_listed(monkeypatch):
    monkeypatch.setattr("s75.ledger.import_checks.PROBLEMS_LISTED", 2)
    problems = Problems()
    for number in range(5):
        problems.add(number + 2, "Amount", date(2024, 4, 30), "bad")
    assert (len(problems.listed), problems.not_listed, len(problems)) == (2, 3, 5)
    assert problems.listed[0].value == "2024-04-30"
