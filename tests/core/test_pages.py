from s75.core.fiscal import FinancialYear
from s75.core.pages import year_pagination


def test_year_pagination_marks_the_current_year_and_links_either_side():
    years = [FinancialYear(2013), FinancialYear(2014), FinancialYear(2015)]
    pagination = year_pagination(years, FinancialYear(2014), lambda year: f"/y/{year.label}")
    assert [(link.label, link.current) for link in pagination.links] == [
        ("2013-14", False), ("2014-15", True), ("2015-16", False)
    ]
    assert (pagination.previous.url, pagination.next.url) == ("/y/2013-14", "/y/2015-16")
    first = year_pagination(years, FinancialYear(2013), lambda year: year.label)
    assert (first.previous, first.next.label) == (None, "2014-15")
