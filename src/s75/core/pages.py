"""Page furniture shared by the apps' views: the financial-year pagination and the numbered pagination of long
lists (``templates/_year_pagination.html``, ``templates/_pagination.html``), and the page of a single form
(``templates/forms/page.html``)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import render

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


@dataclass(frozen=True)
class PageLink:
    """A numbered link of the pagination; ``number`` is None for the ellipsis between distant pages."""

    number: int | None
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class NumberedPagination:
    """The links of the GOV.UK pagination of a long list (``templates/_pagination.html``): previous, the first and
    last pages, the pages either side of this one, next. Every link keeps the query's other parameters (filters),
    which are ``query`` (for the list's downloads)."""

    page: Page
    links: list[PageLink]
    previous: PageLink | None
    next: PageLink | None
    query: str


PAGES_EITHER_SIDE = 1


def page_of(items, *, per_page: int, query: QueryDict) -> Page:
    """The page of ``items`` that ``query``'s ``page`` asks for: the first page when it is not a number, the last
    when it is past the end, so that no page address is an error."""
    return Paginator(items, per_page).get_page(query.get("page"))


def numbered_pagination(page: Page, query: QueryDict) -> NumberedPagination:
    kept = query.copy()
    kept.pop("page", None)
    prefix = f"?{kept.urlencode()}&page=" if kept else "?page="

    def link(number: int) -> PageLink:
        return PageLink(number, f"{prefix}{number}", number == page.number)

    last = page.paginator.num_pages
    shown = sorted({1, last, *range(max(1, page.number - PAGES_EITHER_SIDE),
                                    min(last, page.number + PAGES_EITHER_SIDE) + 1)})
    links: list[PageLink] = []
    for number in shown:
        if links and number - links[-1].number > 1:
            # One page missing is shown as that page, not as an ellipsis standing for a single number.
            links.append(link(number - 1) if number - links[-1].number == 2 else PageLink(None))
        links.append(link(number))
    return NumberedPagination(
        page=page, links=links, query=kept.urlencode(),
        previous=link(page.previous_page_number()) if page.has_previous() else None,
        next=link(page.next_page_number()) if page.has_next() else None,
    )


def form_page(request, form, *, heading: str, submit: str, back: str, caption: str = "",
              intro: str = "", starts: Sequence[tuple[str, str]] = ()) -> HttpResponse:
    """A page holding one form: its heading (with a caption above it and an introduction below), links to ``starts``
    (words, address) that fill the form in with a draft, the form's fields by section, the submit button's words and
    a back link."""
    return render(request, "forms/page.html", {
        "form": form, "heading": heading, "submit": submit, "back": back, "caption": caption, "intro": intro,
        "starts": starts,
    })
