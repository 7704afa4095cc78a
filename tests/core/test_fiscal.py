from datetime import date

import pytest

from s75.core.fiscal import FinancialYear, financial_years_between


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
