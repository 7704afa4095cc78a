"""What a care package costs, day by day, from its versions: pure functions of dates and pence, no database.

A version's weekly cost is its rate times its units a week, to the nearest penny (half away from zero). Its weeks
run from its own first day; each week's cost is split over its seven days by the largest-remainder method, so a
week that straddles a month's end is shared between the months by days and the two parts add up to the week, and
a version ended part way through a week costs the first days of that split. Every total (a month, to date, to the
year's end) is a sum of days, so the months of a package add up to its whole cost to the penny.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from s75.core.fiscal import FinancialMonth, FinancialYear
from s75.core.money import round_half_away, split_largest_remainder

DAYS_A_WEEK = 7
WHOLE_SHARE = 10_000  # basis points


def weekly_pence(pence_per_unit: int, units_per_week: Decimal) -> int:
    """A week's cost in pence: the rate times the units, to the nearest penny (half away from zero)."""
    exact = Fraction(pence_per_unit) * Fraction(units_per_week)
    return round_half_away(exact.numerator, exact.denominator)


def day_shares(week_pence: int) -> list[int]:
    """The week's cost split over its seven days, largest remainder first, adding up to the week."""
    return split_largest_remainder(week_pence, [1] * DAYS_A_WEEK)


@dataclass(frozen=True)
class Terms:
    """One version of a package as costing needs it: from ``effective_from``, a week costs ``week_pence``."""

    effective_from: date
    week_pence: int


@dataclass(frozen=True)
class Segment:
    """The days from ``first`` to ``last`` (inclusive) that one version covers, and what they cost."""

    terms: Terms
    first: date
    last: date
    pence: int

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _spans(versions: Sequence[Terms], end_date: date | None) -> Iterator[tuple[Terms, date, date | None]]:
    """Each version with its first and last day (``None``: open-ended), in date order."""
    ordered = sorted(versions, key=lambda terms: terms.effective_from)
    for terms, following in zip(ordered, [*ordered[1:], None], strict=True):
        last = following.effective_from - timedelta(days=1) if following else end_date
        if last is not None and end_date is not None:
            last = min(last, end_date)
        if last is None or last >= terms.effective_from:
            yield terms, terms.effective_from, last


def _days_cost(terms: Terms, first: date, last: date) -> int:
    """What the days ``first`` to ``last`` cost under ``terms``, each day its share of its week."""
    shares = day_shares(terms.week_pence)
    offset = (first - terms.effective_from).days
    count = (last - first).days + 1
    whole_weeks, left = divmod(count, DAYS_A_WEEK)
    start = offset % DAYS_A_WEEK
    return whole_weeks * terms.week_pence + sum(shares[(start + i) % DAYS_A_WEEK] for i in range(left))


def segments(versions: Sequence[Terms], end_date: date | None, first: date, last: date) -> list[Segment]:
    """The package's cost from ``first`` to ``last`` (inclusive), one segment per version that covers any of it."""
    found = []
    for terms, starts, ends in _spans(versions, end_date):
        begin, finish = max(starts, first), last if ends is None else min(ends, last)
        if begin <= finish:
            found.append(Segment(terms, begin, finish, _days_cost(terms, begin, finish)))
    return found


def cost_between(versions: Sequence[Terms], end_date: date | None, first: date, last: date) -> int:
    return sum(segment.pence for segment in segments(versions, end_date, first, last))


def month_days(month: FinancialMonth) -> tuple[date, date]:
    """The first and last day of a financial month (M01 is April)."""
    calendar_month = (month.month + 2) % 12 + 1
    first = date(month.year.start_year + (calendar_month < 4), calendar_month, 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def month_cost(versions: Sequence[Terms], end_date: date | None, month: FinancialMonth) -> int:
    return cost_between(versions, end_date, *month_days(month))


def cost_to_date(versions: Sequence[Terms], end_date: date | None, as_at: date) -> int:
    """What the package has cost from its first day to ``as_at``, inclusive."""
    if not versions:
        return 0
    return cost_between(versions, end_date, min(terms.effective_from for terms in versions), as_at)


def cost_to_year_end(versions: Sequence[Terms], end_date: date | None, as_at: date) -> int:
    """What the package is committed to cost after ``as_at`` to the end of that day's financial year."""
    return cost_between(versions, end_date, as_at + timedelta(days=1), FinancialYear.containing(as_at).ends_on)


def shares_split(pence: int, basis_points: Sequence[int]) -> list[int]:
    """``pence`` split between partners by their shares in basis points, adding up to ``pence`` exactly."""
    if sum(basis_points) != WHOLE_SHARE:
        raise ValueError(f"the shares add up to {sum(basis_points)} basis points, not {WHOLE_SHARE}")
    return split_largest_remainder(pence, list(basis_points))
