"""The settlement page's chart: each partner's contributions, final share of spend and receipts are the run's
figures in the table of partners, and its payment is in words."""

import pytest
from django.urls import reverse
from django.utils.text import capfirst

from s75.accounts.models import User
from s75.core.fiscal import FinancialYear
from s75.core.money import format_gbp
from s75.settlement.charts import partners_chart_rows
from s75.settlement.selectors import settlement_results
from s75.settlement.services import settlement_run_create
from s75.settlement.statements import payment_words


@pytest.fixture
def run(luton):
    return settlement_run_create(actor=None, agreement=luton, year=FinancialYear(2013))


def test_each_partners_bars_are_its_figures_in_the_table(run):
    results = settlement_results(run=run)
    rows = partners_chart_rows(results)
    assert [row.heading for row in rows if row.heading] == [
        f"{partner['name']}{' (host)' if partner['is_host'] else ''}" for partner in results["partners"]]
    for index, partner in enumerate(results["partners"]):
        contributions, share, received, settlement = rows[index * 4:index * 4 + 4]
        assert [contributions.total_pence, share.total_pence, received.total_pence] == [
            partner["contributions"], partner["final_share_of_spend"], partner["received"]]
        assert contributions.figure == format_gbp(partner["contributions"], show_pence=True)
        assert settlement.segments == () and settlement.figure == capfirst(payment_words(partner))
        # What the bars show is what the payment is: received − final share of spend − carried forward.
        assert received.total_pence - share.total_pence - partner["carried_forward"] == partner["net_payment"]


def test_the_run_page_shows_the_chart_as_a_named_image(client, run):
    client.force_login(User.objects.get(username="luton.manager"))
    page = client.get(reverse("settlement:run", args=[run.agreement.fund.pk, run.pk])).content.decode()
    assert ('<title id="settlement-chart-title">Each partner&#x27;s contributions, share of spend and payment, '
            "2013-14</title>") in page
    assert "Pays the host £64,981.55" in page
