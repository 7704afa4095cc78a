"""The forecast methods and RAG of DESIGN.md §5 as pure functions of pence; no database.

- ``manual``: the pooled fund manager's figure for the month.
- ``run_rate``: actual to date ÷ months elapsed × 12.
- ``profile``: actual to date + the rest of the budget's monthly profile.
- ``commitments``: actual to date + what the lead commissioners' care packages cost after the month to the year
  end (``commissioning.selectors.year_purchases``).
"""

from collections.abc import Sequence
from decimal import Decimal

from s75.core.money import round_half_away, split_keeping_whole_pounds

FLAT = (1,) * 12


def monthly_budget(annual: int, profile: Sequence[int | Decimal] | None = None) -> list[int]:
    """The annual budget spread over M01..M12 by the profile's weights (flat twelfths by default) by the largest
    remainder, so that the months add up to the annual budget exactly; in whole pounds when it is whole pounds
    (£68,000 flat: eight months of £5,667 and four of £5,666), else to the penny."""
    weights = list(profile) if profile else list(FLAT)
    if len(weights) != 12:
        raise ValueError("a monthly profile has twelve weights, M01 to M12")
    return split_keeping_whole_pounds(annual, weights)


def budget_to_date(annual: int, month: int, profile: Sequence[int | Decimal] | None = None) -> int:
    """The budget to the end of ``month``: the sum of the months' budgets to date."""
    return sum(monthly_budget(annual, profile)[:month])


def run_rate(actual_to_date: int, month: int) -> int:
    return round_half_away(actual_to_date * 12, month)


def profile_forecast(
    actual_to_date: int, annual: int, month: int, profile: Sequence[int | Decimal] | None = None
) -> int:
    return actual_to_date + sum(monthly_budget(annual, profile)[month:])


def rag(variance: int, budget: int, amber_threshold_percent: Decimal = Decimal("1")) -> str:
    """Green at or under budget; amber for an overspend up to the threshold (a percentage of budget); red above."""
    if variance <= 0:
        return "green"
    return "amber" if variance * 100 <= budget * amber_threshold_percent else "red"
