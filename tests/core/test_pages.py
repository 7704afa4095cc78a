from django.http import QueryDict

from s75.core.fiscal import FinancialYear
from s75.core.pages import numbered_pagination, page_of, year_pagination


def test_year_pagination_marks_the_current_year_and_links_either_side():
    years = [FinancialYear(2013), FinancialYear(2014), FinancialYear(2015)]
    pagination = year_pagination(years, FinancialYear(2014), lambda year: f"/y/{year.label}")
    assert [(link.label, link.current) for link in pagination.links] == [
        ("2013-14", False), ("2014-15", True), ("2015-16", False)
    ]
    assert (pagination.previous.url, pagination.next.url) == ("/y/2013-14", "/y/2015-16")
    first = year_pagination(years, FinancialYear(2013), lambda year: year.label)
    assert (first.previous, first.next.label) == (None, "2014-15")


def _shown(number: str, pages: int = 10) -> list:
    query = QueryDict(f"page={number}")
    page = page_of(range(pages), per_page=1, query=query)
    return [link.number or "…" for link in numbered_pagination(page, query).links]


def test_numbered_pages_show_the_ends_the_neighbours_and_ellipses_between():
    assert _shown("1") == [1, 2, "…", 10]
    assert _shown("5") == [1, "…", 4, 5, 6, "…", 10]
    assert _shown("3") == [1, 2, 3, 4, "…", 10]  # one page missing is shown, not an ellipsis
    assert _shown("10") == [1, "…", 9, 10]
    assert _shown("2", pages=3) == [1, 2, 3]


def test_a_page_that_is_not_a_number_is_the_first_and_one_past_the_end_the_last():
    assert page_of(range(30), per_page=10, query=QueryDict("page=abc")).number == 1
    assert page_of(range(30), per_page=10, query=QueryDict("page=99999999999999999999")).number == 3
    assert page_of(range(30), per_page=10, query=QueryDict("page=-1")).number == 3
    assert page_of([], per_page=10, query=QueryDict("page=4")).number == 1


def test_the_links_keep_the_other_parameters_and_mark_the_current_page():
    query = QueryDict("search=care+homes&year=2024-25&page=2")
    pagination = numbered_pagination(page_of(range(30), per_page=10, query=query), query)
    assert pagination.previous.url == "?search=care+homes&year=2024-25&page=1"
    assert pagination.next.url == "?search=care+homes&year=2024-25&page=3"
    assert [link.current for link in pagination.links] == [False, True, False]
    assert pagination.query == "search=care+homes&year=2024-25"  # for the list's downloads
    first = numbered_pagination(page_of(range(30), per_page=10, query=QueryDict("")), QueryDict(""))
    assert first.previous is None and first.links[0].url == "?page=1"
