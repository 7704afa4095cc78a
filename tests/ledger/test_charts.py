"""The fund ledger page's chart of expenditure by month and schedule: its bars add up to the table beside it, and
the page shows it as a named image with its key."""

import pytest
from django.urls import reverse

from s75.accounts.models import User
from s75.agreements.models import Agreement
from s75.core.fiscal import FinancialYear
from s75.demo.services import demo_load
from s75.ledger.charts import expenditure_chart_key, expenditure_chart_rows
from s75.ledger.models import AccountRole
from s75.ledger.selectors import expenditure_by_month, trial_balance

YEAR = FinancialYear(2013)


@pytest.fixture
def luton(db) -> Agreement:
    demo_load()
    return Agreement.objects.get(reference="luton-s75-s76-2013")


def test_each_months_bar_adds_up_to_the_months_total(luton):
    by_month = expenditure_by_month(fund=luton.fund, year=YEAR)
    spend = [(account.schedule, amounts) for account, amounts in by_month]
    rows = expenditure_chart_rows(spend)
    assert [row.label for row in rows][:2] == ["Apr (M01)", "May (M02)"] and len(rows) == 12
    assert [row.total_pence for row in rows] == [sum(amounts[month] for _, amounts in by_month) for month in range(12)]
    # A segment per schedule, in schedule order, of that schedule's spend in the month.
    assert [[segment.pence for segment in row.segments] for row in rows] == [
        [amounts[month] for _, amounts in by_month] for month in range(12)]
    key = expenditure_chart_key(spend)
    assert [item.label for item in key] == [f"{account.schedule.number}. {account.schedule.title}"
                                           for account, _ in by_month]
    assert [item.colour for item in key] == [segment.colour for segment in rows[0].segments]
    # The key's year totals add up to the expenditure of the trial balance.
    expenditure = sum(amount for account, amount in trial_balance(fund=luton.fund, year=YEAR)
                      if account.role == AccountRole.EXPENDITURE)
    assert sum(item.pence for item in key) == sum(row.total_pence for row in rows) == expenditure > 0


def test_the_page_shows_the_chart_as_a_named_image_with_its_key(client, luton):
    client.force_login(User.objects.get(username="luton.manager"))
    page = client.get(f"{reverse('ledger:fund', args=[luton.fund.pk])}?year={YEAR.label}").content.decode()
    assert 'role="img"' in page
    assert '<title id="expenditure-chart-title">Expenditure by month and schedule, 2013-14</title>' in page
    assert "The chart's key: each schedule's colour and its expenditure in 2013-14" in page
    assert "£6,739,000" in page.split('id="expenditure-chart-desc"')[1].split("</desc>")[0]
