"""Receipts: money from a partner recorded against an instalment, posted Dr cash / Cr the partner's
contributions receivable, and what is then still owed, part paid or overdue."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from s75.budgets.models import Receipt
from s75.budgets.selectors import InstalmentStatus, agreement_instalments, instalments_overdue
from s75.budgets.services import InstalmentError, instalment_set, receipt_record
from s75.ledger.models import Balance
from s75.ledger.services import fund_open
from tests.factories import UserFactory, complete_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(agreement):
    return fund_open(actor=None, agreement=agreement)


@pytest.fixture
def instalments(agreement, nhs, fund):
    return instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024)


def balances(fund, month=None):
    rows = Balance.objects.filter(fund=fund)
    if month is not None:
        rows = rows.filter(period__financial_year=2024, period__number=month)
    totals = {}
    for account, amount in rows.values_list("account__code", "amount_pence"):
        totals[account] = totals.get(account, 0) + amount
    return {account: amount for account, amount in totals.items() if amount}


def test_part_payments_add_up_and_the_status_follows(agreement, instalments):
    first = instalments[0]
    receipt_record(actor=None, instalment=first, received_on=date(2024, 4, 1), amount_pence=5_000_000)
    on_due_day = agreement_instalments(agreement=agreement, today=date(2024, 4, 1))[0].rows
    assert [row.status for row in on_due_day] == [InstalmentStatus.PART_PAID] + [InstalmentStatus.DUE] * 3
    assert on_due_day[0].received_pence == 5_000_000 and on_due_day[0].outstanding_pence == 8_375_000
    day_after = agreement_instalments(agreement=agreement, today=date(2024, 4, 2))[0].rows
    assert day_after[0].status == InstalmentStatus.OVERDUE and day_after[0].days_overdue == 1
    receipt_record(actor=None, instalment=first, received_on=date(2024, 4, 5), amount_pence=8_375_000)
    schedule = agreement_instalments(agreement=agreement, today=date(2024, 4, 6))[0]
    assert schedule.rows[0].status == InstalmentStatus.PAID
    assert schedule.received_pence == 13_375_000 and schedule.outstanding_pence == 40_125_000
    assert schedule.matches_contributions


@pytest.mark.parametrize(
    ("amount", "received_on", "reference", "problem"),
    [
        (0, date(2024, 4, 2), "", "the amount received must be more than nothing"),
        (-5, date(2024, 4, 2), "", "the amount received must be more than nothing"),
        (13_375_000, date(2024, 4, 2), "", "the amount is more than the £133,749.99 outstanding on instalment 1"),
        (100, timezone.localdate() + timedelta(days=1), "", "is in the future"),
        (100, date(2024, 4, 2), "DUP", "a receipt with the reference DUP is already recorded for this instalment"),
        ("100", date(2024, 4, 2), "", "the amount must be a whole number of pence"),
    ],
)
def test_a_receipt_that_cannot_be_right_is_refused_and_nothing_is_posted(
    fund, instalments, amount, received_on, reference, problem
):
    receipt_record(actor=None, instalment=instalments[0], received_on=date(2024, 4, 2), amount_pence=1,
                   reference="DUP")
    before = balances(fund)
    with pytest.raises(InstalmentError, match=problem):
        receipt_record(actor=None, instalment=instalments[0], received_on=received_on, amount_pence=amount,
                       reference=reference)
    assert Receipt.objects.count() == 1
    assert balances(fund) == before


def test_a_paid_instalment_takes_no_more(instalments):
    receipt_record(actor=None, instalment=instalments[1], received_on=date(2024, 7, 1), amount_pence=13_375_000)
    with pytest.raises(InstalmentError, match="instalment 2 has been paid in full"):
        receipt_record(actor=None, instalment=instalments[1], received_on=date(2024, 7, 2), amount_pence=1)


def test_overdue_lists_what_the_user_may_see_with_anything_outstanding(agreement, nhs, council, instalments,
                                                                      finance_officer):
    council_year = instalment_set(actor=None, agreement=agreement, party=council, financial_year=2024,
                                  pattern="annual")
    receipt_record(actor=None, instalment=instalments[0], received_on=date(2024, 4, 1), amount_pence=13_375_000)
    receipt_record(actor=None, instalment=instalments[1], received_on=date(2024, 7, 1), amount_pence=375_000)
    receipt_record(actor=None, instalment=council_year[0], received_on=date(2024, 4, 1), amount_pence=53_500_000)
    overdue = instalments_overdue(user=finance_officer, today=date(2024, 10, 2))
    assert [(row.instalment.number, row.outstanding_pence, row.days_overdue) for row in overdue] == [
        (2, 13_000_000, 93), (3, 13_375_000, 1),
    ]
    assert {row.status for row in overdue} == {InstalmentStatus.OVERDUE}
    assert instalments_overdue(user=finance_officer, today=date(2024, 4, 1)) == []
    # Another organisation's pooled fund manager sees none of them; the system operator sees them all.
    other = complete_agreement()
    outsider = UserFactory(role="Pooled fund manager", organisation=other.parties.get(is_host=True).organisation)
    assert instalments_overdue(user=outsider, today=date(2024, 10, 2)) == []
    assert len(instalments_overdue(user=None, today=date(2024, 10, 2))) == 2
