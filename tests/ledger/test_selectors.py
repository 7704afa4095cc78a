"""Finding lines in a fund's ledger: searched by description or reference, found by amount, totalled, and a page of
them read with what the listing shows."""

import pytest

from s75.ledger.models import AccountRole
from s75.ledger.selectors import LineTotals, ledger_lines, ledger_lines_shown, ledger_lines_totals
from s75.ledger.services import LineSpec, entry_post
from tests.ledger.conftest import period

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoices(fund, spent):
    """Besides ``spent`` (two "Care packages" entries whose lines have no description of their own): an invoice of
    £1,234.56 from a supplier, its lines described and referenced as the finance system wrote them, and a refund of
    the same amount the other way."""
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE)
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    invoice = entry_post(actor=None, fund=fund, period=period(fund, 2), description="Invoices May", lines=[
        LineSpec(expenditure, 123_456, description="Acme Mobility Ltd: hoists", source_line_id="AP-2024-00017"),
        LineSpec(creditors, -123_456, description="Acme Mobility Ltd: hoists", source_line_id="AP-2024-00018"),
    ])
    refund = entry_post(actor=None, fund=fund, period=period(fund, 4), description="Refund July", lines=[
        LineSpec(creditors, 123_456, description="Refund from Acme"),
        LineSpec(expenditure, -123_456, description="Refund from Acme"),
    ])
    return {"invoice": invoice, "refund": refund}


def amounts(lines) -> list[int]:
    return [line.amount_pence for line in lines]


def test_lines_are_searched_by_description_whatever_its_case(fund, invoices):
    assert amounts(ledger_lines(fund=fund, search="acme mobility")) == [123_456, -123_456]
    assert len(ledger_lines(fund=fund, search="ACME")) == 4
    assert amounts(ledger_lines(fund=fund, search="  refund  ")) == [123_456, -123_456]
    assert not ledger_lines(fund=fund, search="wheelchairs").exists()


def test_a_line_without_a_description_is_found_by_its_entrys(fund, invoices):
    """The listing shows the entry's description for a line without one, so the search finds it there too; a line
    with its own description is found only by that."""
    assert amounts(ledger_lines(fund=fund, search="care packages")) == [100_050, -100_050, 25_000, -25_000]
    assert not ledger_lines(fund=fund, search="invoices may").exists()


def test_lines_are_searched_by_the_finance_systems_reference(fund, invoices):
    assert amounts(ledger_lines(fund=fund, search="ap-2024-00017")) == [123_456]
    assert amounts(ledger_lines(fund=fund, search="AP-2024")) == [123_456, -123_456]
    assert not ledger_lines(fund=fund, search="AP-2023").exists()


def test_an_amount_finds_debits_and_credits_of_it_and_a_negative_one_only_credits(fund, invoices):
    assert amounts(ledger_lines(fund=fund, amount_pence=123_456)) == [123_456, -123_456, 123_456, -123_456]
    assert amounts(ledger_lines(fund=fund, amount_pence=-123_456)) == [-123_456, -123_456]
    assert not ledger_lines(fund=fund, amount_pence=123_457).exists()
    # With the other filters: the refund's expenditure line is the credit of that amount in July.
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE)
    assert amounts(ledger_lines(fund=fund, amount_pence=-123_456, account=expenditure)) == [-123_456]


def test_a_search_stays_in_its_fund(fund, invoices):
    from s75.ledger.services import fund_open
    from tests.factories import complete_agreement

    other = fund_open(actor=None, agreement=complete_agreement())
    assert not ledger_lines(fund=other, search="acme").exists()
    assert not ledger_lines(fund=other, search="care packages").exists()


def test_the_totals_are_the_sums_of_the_lines_listed(fund, invoices):
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE)
    for lines in (ledger_lines(fund=fund), ledger_lines(fund=fund, account=expenditure),
                  ledger_lines(fund=fund, search="acme", account=expenditure), ledger_lines(fund=fund, search="none")):
        listed = amounts(lines)
        totals = ledger_lines_totals(lines=lines)
        assert totals.debit_pence == sum(amount for amount in listed if amount > 0)
        assert totals.credit_pence == -sum(amount for amount in listed if amount < 0)
        assert totals.net_pence == sum(listed)
    totals = ledger_lines_totals(lines=ledger_lines(fund=fund, account=expenditure))
    assert (totals.net_label, totals.net_debit_pence, totals.net_credit_pence) == ("Net debit", 125_050, None)
    assert ledger_lines_totals(lines=ledger_lines(fund=fund)).net_label == "Net"
    refund = LineTotals(debit_pence=0, credit_pence=500)
    assert (refund.net_label, refund.net_debit_pence, refund.net_credit_pence) == ("Net credit", None, 500)


def test_a_page_of_lines_is_read_in_the_order_of_its_ids(fund, invoices):
    ids = list(ledger_lines(fund=fund, search="acme").values_list("pk", flat=True))
    shown = ledger_lines_shown(ids=[*reversed(ids)])
    assert [line.pk for line in shown] == [*reversed(ids)]
    assert shown[0].account.code and shown[0].period.label and shown[0].entry.description
