from datetime import date

import pytest

from s75.core.fiscal import (
    FinancialMonth,
    FinancialYear,
    financial_years_between,
    month_label,
    month_parse,
    month_problem,
)


@pytest.mark.parametrize("text", ["2024-25", "2024/25", "2024-2025", " 2024-25 "])
def test_parse_accepts_the_usual_spellings(text):
    assert FinancialYear.parse(text) == FinancialYear(2024)


@pytest.mark.parametrize("text", ["2024-26", "2024", "24-25", "2024-2026", "1999-00x"])
def test_parse_refuses_with_the_expected_form(text):
    with pytest.raises(ValueError, match="2024-25|must follow"):
        FinancialYear.parse(text)


def test_century_boundary():
    assert FinancialYear.parse("1999-00") == FinancialYear(1999)
    assert FinancialYear(1999).label == "1999-00"


def test_year_runs_april_to_march():
    year = FinancialYear(2013)
    assert (year.starts_on, year.ends_on, year.label) == (date(2013, 4, 1), date(2014, 3, 31), "2013-14")
    assert FinancialYear.containing(date(2014, 3, 31)) == year
    assert FinancialYear.containing(date(2014, 4, 1)) == FinancialYear(2014)


def test_years_of_a_term():
    assert [y.label for y in financial_years_between(date(2013, 4, 1), date(2016, 3, 31))] == [
        "2013-14", "2014-15", "2015-16"
    ]


def test_a_month_of_the_year_is_written_M01_for_april_to_M12_for_march():
    assert [month_label(month) for month in (1, 6, 12)] == ["M01", "M06", "M12"]
    assert month_parse("M06") == month_parse("m6") == 6
    assert month_problem(12) == "" and month_problem(0) and month_problem(13) and month_problem(True)


@pytest.mark.parametrize("text", ["M00", "M13", "06", "June", ""])
def test_a_month_that_is_not_M01_to_M12_says_how_to_write_it(text):
    with pytest.raises(ValueError, match="M01 \\(April\\) to M12 \\(March\\)"):
        month_parse(text)


def test_a_month_of_a_year_reads_and_writes_2024_25_M06():
    september = FinancialMonth.parse("2024-25/M06")
    assert (september.year, september.month, september.label, september.month_name) == (
        FinancialYear(2024), 6, "2024-25/M06", "Sep")
    assert FinancialMonth.containing(date(2025, 3, 31)) == FinancialMonth(FinancialYear(2024), 12)
    assert FinancialMonth.containing(date(2024, 4, 1)) == FinancialMonth(FinancialYear(2024), 1)


@pytest.mark.parametrize("text", ["2024-25/M13", "2024-25/06", "2024-25", "2024-26/M01"])
def test_a_period_that_cannot_be_read_says_how_to_write_it(text):
    with pytest.raises(ValueError, match="2024-25/M06|second year"):
        FinancialMonth.parse(text)
