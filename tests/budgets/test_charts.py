"""The instalments page's chart of contributions planned and received by partner: its bars are the totals of each
partner's instalments, a year at a time, and the page shows it as a named image beside a table of its figures."""

from datetime import date

import pytest
from django.urls import reverse

from s75.accounts.models import User
from s75.agreements.models import Agreement
from s75.budgets.charts import instalments_chart_rows
from s75.budgets.models import Instalment
from s75.budgets.selectors import agreement_instalments, instalments_by_year
from s75.core.fiscal import FinancialYear
from s75.demo.services import demo_load


@pytest.fixture
def luton(db) -> Agreement:
    demo_load()
    return Agreement.objects.get(reference="luton-s75-s76-2013")


def test_a_years_bars_are_each_partners_instalments_and_receipts(luton):
    council = luton.parties.get(is_host=True)
    # A second year, planned but not yet paid (the demo has no 2014-15 contributions for the service to split).
    Instalment.objects.bulk_create([
        Instalment(party=council, financial_year=2014, number=1, due_on=date(2014, 4, 1), amount_pence=100_000_00),
        Instalment(party=council, financial_year=2014, number=2, due_on=date(2014, 10, 1), amount_pence=50_000_00),
    ])
    schedules = agreement_instalments(agreement=luton, today=date(2014, 5, 1))
    years = instalments_by_year(schedules)
    assert [year.year for year in years] == [FinancialYear(2013), FinancialYear(2014)]
    assert sum(len(year.schedules) for year in years) == len(schedules)

    first, second = years
    rows = instalments_chart_rows(first)
    assert [(row.heading, row.label) for row in rows] == [
        (str(schedule.party), "Planned") if index % 2 == 0 else ("", "Received")
        for index, schedule in enumerate(schedule for schedule in first.schedules for _ in range(2))]
    assert [row.total_pence for row in rows] == [
        amount for schedule in first.schedules for amount in (schedule.amount_pence, schedule.received_pence)]
    assert sum(row.total_pence for row in rows[::2]) == first.amount_pence == 6_596_000_00
    assert sum(row.total_pence for row in rows[1::2]) == first.received_pence == first.amount_pence
    assert [row.figure for row in instalments_chart_rows(second)] == ["£150,000.00", "£0.00"]
    assert second.outstanding_pence == 150_000_00


def test_the_page_shows_a_chart_and_its_figures_for_each_year(client, luton):
    client.force_login(User.objects.get(username="luton.manager"))
    page = client.get(reverse("budgets:instalments", args=[luton.pk])).content.decode()
    assert page.count('role="img"') == 1
    assert "Contributions planned and received by partner, 2013-14</title>" in page
    figures = page.split('data-testid="instalments-chart-figures"')[1].split("</table>")[0]
    assert "£3,102,500.00" in figures and "£3,493,500.00" in figures and "£6,596,000.00" in figures
