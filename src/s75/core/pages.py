"""Page furniture shared by the apps' views: the financial-year pagination."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .fiscal import FinancialYear


@dataclass(frozen=True)
class YearLink:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class YearPagination:
    """The links of the GOV.UK pagination between financial years (``templates/_year_pagination.html``)."""

    links: list[YearLink]
    previous: YearLink | None
    next: YearLink | None


def year_pagination(
    years: Sequence[FinancialYear], current: FinancialYear, url_for: Callable[[FinancialYear], str]
) -> YearPagination:
    links = [YearLink(year.label, url_for(year), year == current) for year in years]
    position = list(years).index(current) if current in years else None
    previous = links[position - 1] if position else None
    following = links[position + 1] if position is not None and position + 1 < len(links) else None
    return YearPagination(links, previous, following)
