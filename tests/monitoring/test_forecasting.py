"""Each forecast method and the RAG thresholds against figures worked by hand."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from s75.monitoring.forecasting import (
    budget_to_date,
    monthly_budget,
    profile_forecast,
    rag,
    run_rate,
)


def test_flat_twelfths_of_whole_pounds_are_whole_pounds():
    # £1,000 over twelve months: £83.33 each; the £4 left over go to the first four months, a pound each.
    assert monthly_budget(1_000_00) == [84_00] * 4 + [83_00] * 8
    assert budget_to_date(1_000_00, 6) == 4 * 84_00 + 2 * 83_00
    # £68,000: eight months of £5,667 and four of £5,666, so the budget to the end of M06 is £34,002.
    assert monthly_budget(68_000_00) == [5_667_00] * 8 + [5_666_00] * 4
    assert budget_to_date(68_000_00, 6) == 34_002_00


def test_flat_twelfths_of_a_budget_with_pence_are_to_the_penny():
    # £1,000.01 over twelve months: 8,333.42p each; the 5 leftover pennies go to the first five months.
    assert monthly_budget(1_000_01) == [8334] * 5 + [8333] * 7
    assert budget_to_date(1_000_01, 6) == 5 * 8334 + 8333


annual_budgets = st.integers(min_value=-10**12, max_value=10**12)


@given(annual_budgets)
def test_flat_months_add_up_to_the_annual_budget(annual):
    months = monthly_budget(annual)
    assert len(months) == 12 and sum(months) == annual
    assert [budget_to_date(annual, month) for month in range(1, 13)] == [sum(months[:m]) for m in range(1, 13)]


@given(annual_budgets.map(lambda pounds: pounds * 100))
def test_flat_months_of_whole_pounds_are_whole_pounds_within_a_pound_of_each_other(annual):
    months = monthly_budget(annual)
    assert all(month % 100 == 0 for month in months)
    assert max(months) - min(months) <= 100


@given(annual_budgets.filter(lambda pence: pence % 100))
def test_flat_months_of_a_budget_with_pence_are_within_a_penny_of_each_other(annual):
    months = monthly_budget(annual)
    assert max(months) - min(months) <= 1


def test_run_rate_is_actual_to_date_over_months_times_twelve():
    assert run_rate(250_000_00, 5) == 600_000_00  # £250,000 in five months runs at £600,000 a year
    assert run_rate(100, 7) == 171  # 171.43p rounds to 171p
    assert run_rate(0, 1) == 0


def test_profile_adds_the_rest_of_the_profiled_budget():
    profile = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]  # winter costs twice as much
    # Budget £180,000: months 1-6 £10,000 each, 7-12 £20,000 each. After M06 with £70,000 spent:
    assert profile_forecast(70_000_00, 180_000_00, 6, profile) == 70_000_00 + 120_000_00


@pytest.mark.parametrize(
    ("variance", "budget", "expected"),
    [(0, 100_000, "green"), (-5, 100_000, "green"), (1_000, 100_000, "amber"), (1_001, 100_000, "red")],
)
def test_rag_at_the_default_one_per_cent(variance, budget, expected):
    assert rag(variance, budget) == expected


def test_rag_threshold_is_per_agreement():
    assert rag(2_500, 100_000, Decimal("2.5")) == "amber"
    assert rag(2_501, 100_000, Decimal("2.5")) == "red"


@given(st.integers(min_value=-10**12, max_value=10**12),
       st.lists(st.integers(min_value=0, max_value=100), min_size=12, max_size=12).filter(any))
def test_a_profiled_budget_adds_up_to_the_annual_budget(annual, profile):
    months = monthly_budget(annual, profile)
    assert sum(months) == annual
    assert budget_to_date(annual, 12, profile) == annual
    if annual % 100 == 0:
        assert all(month % 100 == 0 for month in months)
