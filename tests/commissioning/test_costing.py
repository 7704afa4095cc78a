"""A package's cost from its versions, worked by hand, and the rules that hold for any package."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from s75.commissioning.costing import (
    Terms,
    cost_between,
    cost_to_date,
    cost_to_year_end,
    day_shares,
    month_cost,
    month_days,
    segments,
    shares_split,
    weekly_pence,
)
from s75.core.fiscal import FinancialMonth, FinancialYear

APRIL = FinancialMonth(FinancialYear(2024), 1)
MAY = FinancialMonth(FinancialYear(2024), 2)

# £20 an hour for 10 hours a week from Monday 1 April 2024; from Thursday 4 April (mid-week) £20.50 an hour for
# 12.5 hours; ended on Thursday 2 May 2024.
HOME_CARE = [Terms(date(2024, 4, 1), weekly_pence(2000, Decimal(10))),
             Terms(date(2024, 4, 4), weekly_pence(2050, Decimal("12.5")))]
HOME_CARE_ENDS = date(2024, 5, 2)


def test_a_week_costs_the_rate_times_the_units_to_the_nearest_penny():
    assert weekly_pence(2000, Decimal(10)) == 20000
    assert weekly_pence(2050, Decimal("12.5")) == 25625
    assert weekly_pence(1999, Decimal("7.5")) == 14993  # 14,992.5p: half a penny rounds up


def test_a_week_is_split_over_its_days_with_the_odd_pennies_on_the_first_days():
    assert day_shares(20000) == [2858, 2857, 2857, 2857, 2857, 2857, 2857]
    assert day_shares(25625) == [3661, 3661, 3661, 3661, 3661, 3660, 3660]


def test_a_rate_change_mid_week_and_a_week_straddling_the_month_end_worked_by_hand():
    # April: 1-3 April at the first rate (2,858 + 2,857 + 2,857 = 8,572p); from 4 April three whole weeks of the
    # new rate (3 x 25,625 = 76,875p) and the first six days of the week of 25 April (5 x 3,661 + 3,660 = 21,965p).
    april = segments(HOME_CARE, HOME_CARE_ENDS, *month_days(APRIL))
    assert [(s.first, s.last, s.days, s.pence) for s in april] == [
        (date(2024, 4, 1), date(2024, 4, 3), 3, 8572),
        (date(2024, 4, 4), date(2024, 4, 30), 27, 98840),
    ]
    assert month_cost(HOME_CARE, HOME_CARE_ENDS, APRIL) == 107412
    # May: 1 May, the last day of the week of 25 April (3,660p, making that week 25,625p), and 2 May, the first
    # day of a new week and the package's last (3,661p).
    assert month_cost(HOME_CARE, HOME_CARE_ENDS, MAY) == 7321
    assert cost_between(HOME_CARE, HOME_CARE_ENDS, date(2024, 4, 25), date(2024, 5, 1)) == 25625
    assert cost_to_date(HOME_CARE, HOME_CARE_ENDS, date(2025, 3, 31)) == 107412 + 7321


def test_cost_to_date_and_to_year_end_of_an_open_ended_package():
    package = [Terms(date(2024, 4, 1), 70000)]  # £700 a week, £100 a day
    assert cost_to_date(package, None, date(2024, 4, 10)) == 10 * 10000
    # 11 April 2024 to 31 March 2025: 355 days, 50 weeks and 5 days.
    assert cost_to_year_end(package, None, date(2024, 4, 10)) == 50 * 70000 + 5 * 10000
    assert cost_to_date([], None, date(2024, 4, 10)) == 0


def test_a_package_costs_nothing_before_it_starts_or_after_it_ends():
    assert month_cost(HOME_CARE, HOME_CARE_ENDS, FinancialMonth(FinancialYear(2024), 3)) == 0
    assert month_cost(HOME_CARE, HOME_CARE_ENDS, FinancialMonth(FinancialYear(2023), 12)) == 0


def test_the_months_of_the_year_are_its_days():
    assert month_days(APRIL) == (date(2024, 4, 1), date(2024, 4, 30))
    assert month_days(FinancialMonth(FinancialYear(2023), 11)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_days(FinancialMonth(FinancialYear(2024), 9)) == (date(2024, 12, 1), date(2024, 12, 31))


def test_joint_shares_must_make_the_whole():
    assert shares_split(10001, [5000, 5000]) == [5001, 5000]
    with pytest.raises(ValueError, match="9,?999 basis points"):
        shares_split(100, [5000, 4999])


START = date(2023, 4, 1)


@st.composite
def packages(draw):
    """Up to five versions at any weekly cost, starting on distinct days over two years, and maybe an end."""
    offsets = draw(st.lists(st.integers(0, 700), min_size=1, max_size=5, unique=True))
    versions = [Terms(START + timedelta(days=offset), draw(st.integers(1, 500_000))) for offset in offsets]
    end = draw(st.none() | st.integers(min(offsets), 800).map(lambda days: START + timedelta(days=days)))
    return versions, end


@given(packages())
def test_the_months_of_a_package_add_up_to_its_whole_cost_to_the_penny(package):
    versions, end = package
    last = end or date(2025, 6, 30)
    whole = cost_between(versions, end, START, last)
    months = [FinancialMonth(year, month) for year in (FinancialYear(2023), FinancialYear(2024), FinancialYear(2025))
              for month in range(1, 13)]
    assert sum(cost_between(versions, end, first, min(final, last))
               for first, final in map(month_days, months) if first <= last) == whole


@given(st.integers(0, 10_000_000), st.lists(st.integers(1, 10_000), min_size=1, max_size=6))
def test_joint_shares_add_up_to_the_line_to_the_penny(pence, weights):
    # Scale any weights to basis points adding up to 10,000, the odd points to the first partner.
    points = [weight * 10_000 // sum(weights) for weight in weights]
    points[0] += 10_000 - sum(points)
    assert sum(shares_split(pence, points)) == pence
