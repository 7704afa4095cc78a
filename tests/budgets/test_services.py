"""Instalment schedules: a partner's year split to the penny over any pattern, set once, replaced only while
nothing has been received, and each instalment's receivable raised in the ledger in the period it falls due; and
receipts, money from a partner recorded against an instalment, and what is then still owed, part paid or overdue."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s75.audit.models import AuditEvent
from s75.budgets.models import FundingStream, Instalment, Receipt
from s75.budgets.selectors import InstalmentStatus, agreement_instalments, instalments_overdue
from s75.budgets.services import (
    InstalmentError,
    contribution_set,
    instalment_set,
    instalments_generate,
    instalments_plan,
    receipt_record,
)
from s75.core.fiscal import FinancialYear
from s75.ledger.models import AccountRole, Balance
from s75.ledger.services import fund_open
from tests.factories import UserFactory, complete_agreement
from tests.ledger.balances import balances_by_code

YEAR = FinancialYear(2024)


def planned(instalments):
    return [(instalment.due_on, instalment.amount_pence) for instalment in instalments]


def balance(fund, role, party=None, year=2024, month=None):
    balances = Balance.objects.filter(fund=fund, account__role=role, period__financial_year=year)
    if party is not None:
        balances = balances.filter(account__party=party)
    if month is not None:
        balances = balances.filter(period__number=month)
    return sum(balances.values_list("amount_pence", flat=True))


# The split, without a database ------------------------------------------------------------------------------

@given(
    total=st.integers(min_value=0, max_value=10**13),
    pattern=st.one_of(
        st.sampled_from(["quarterly", "monthly", "annual"]),
        st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=15)
        .filter(any).map(lambda shares: [(date(2024, 4, 1 + i), share) for i, share in enumerate(shares)]),
        st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=12)
        .filter(any).map(lambda shares: [(date(2024, 5, 1 + i), share) for i, share in enumerate(shares)]),
    ),
)
def test_any_total_over_any_pattern_splits_to_the_penny(total, pattern):
    plans = instalments_plan(total_pence=total, pattern=pattern, year=YEAR)
    assert sum(plan.amount_pence for plan in plans) == total
    assert all(isinstance(plan.amount_pence, int) and plan.amount_pence > 0 for plan in plans)
    assert [plan.due_on for plan in plans] == sorted(plan.due_on for plan in plans)
    if isinstance(pattern, str):
        amounts = [plan.amount_pence for plan in plans]
        assert not amounts or max(amounts) - min(amounts) <= 1  # equal instalments, but for the odd pennies
        assert amounts == sorted(amounts, reverse=True)  # the odd pennies go to the earliest


def test_the_named_patterns_fall_due_on_their_days():
    quarterly = instalments_plan(total_pence=100_003, pattern="quarterly", year=YEAR)
    assert [(plan.due_on, plan.amount_pence) for plan in quarterly] == [
        (date(2024, 4, 1), 25_001), (date(2024, 7, 1), 25_001), (date(2024, 10, 1), 25_001),
        (date(2025, 1, 1), 25_000),
    ]
    monthly = instalments_plan(total_pence=1200, pattern="monthly", year=YEAR)
    assert [plan.due_on.month for plan in monthly] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
    assert {plan.amount_pence for plan in monthly} == {100}
    assert planned_dates(instalments_plan(total_pence=5, pattern="annual", year=YEAR)) == [date(2024, 4, 1)]


def planned_dates(plans):
    return [plan.due_on for plan in plans]


def test_a_total_of_fewer_pence_than_instalments_leaves_out_the_empty_ones():
    plans = instalments_plan(total_pence=2, pattern="quarterly", year=YEAR)
    assert [(plan.due_on, plan.amount_pence) for plan in plans] == [(date(2024, 4, 1), 1), (date(2024, 7, 1), 1)]


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("fortnightly", "'fortnightly' is not a pattern: choose one of quarterly, monthly, annual"),
        ([], "the pattern has no due dates"),
        ([(date(2024, 4, 1), 1), (date(2024, 4, 1), 1)], "two instalments fall due on the same date"),
        ([(date(2024, 4, 1), 0)], "the shares add up to nothing"),
        ([(date(2024, 4, 1), -1), (date(2024, 5, 1), 2)], "must be a whole number or a decimal, not negative"),
    ],
)
def test_a_pattern_that_cannot_be_followed_is_refused(pattern, problem):
    with pytest.raises(InstalmentError, match=problem):
        instalments_plan(total_pence=100, pattern=pattern, year=YEAR)


# Setting a partner's instalments --------------------------------------------------------------------------

def test_four_equal_quarterly_instalments_by_default(agreement, nhs, finance_officer):
    instalments = instalments_generate(actor=finance_officer, agreement=agreement, party=nhs, financial_year=2024)
    assert planned(instalments) == [
        (date(2024, 4, 1), 13_375_000), (date(2024, 7, 1), 13_375_000), (date(2024, 10, 1), 13_375_000),
        (date(2025, 1, 1), 13_375_000),
    ]
    assert [instalment.number for instalment in instalments] == [1, 2, 3, 4]
    assert all(instalment.funding_stream is None and instalment.due_entry is None for instalment in instalments)
    event = AuditEvent.objects.get(action="instalment_set")
    assert event.agreement == agreement and event.actor == finance_officer
    assert event.after["total_pence"] == 53_500_000 and event.after["pattern"] == "quarterly"


def test_a_custom_pattern_splits_by_its_shares(agreement, nhs):
    pattern = [(date(2024, 5, 15), Decimal("50")), (date(2024, 11, 15), Decimal("25")), (date(2025, 2, 15), 25)]
    instalments = instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=YEAR, pattern=pattern)
    assert planned(instalments) == [
        (date(2024, 5, 15), 26_750_000), (date(2024, 11, 15), 13_375_000), (date(2025, 2, 15), 13_375_000),
    ]


def test_only_pooled_contributions_of_the_stream_asked_for_are_split(agreement, nhs):
    schedule = agreement.schedules.get()
    dfg = FundingStream.objects.get(code="dfg")
    contribution_set(actor=None, schedule=schedule, party=nhs, financial_year=2024, funding_stream=dfg,
                     amount_pence=1_001)
    core = FundingStream.objects.get(code="core")
    by_stream = instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024,
                               funding_stream=dfg, pattern="annual")
    assert planned(by_stream) == [(date(2024, 4, 1), 1_001)]
    other = instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024, funding_stream=core)
    assert [instalment.number for instalment in other] == [2, 3, 4, 5]
    assert sum(instalment.amount_pence for instalment in other) == 53_500_000


@pytest.mark.parametrize(
    ("year", "pattern", "problem"),
    [
        (2025, "quarterly", "has no contribution to a pooled schedule for 2025-26: set its contributions first"),
        (2026, [(date(2027, 4, 1), 1)], "has no contribution"),
    ],
)
def test_a_year_without_contributions_has_no_instalments(agreement, nhs, year, pattern, problem):
    with pytest.raises(InstalmentError, match=problem):
        instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=year, pattern=pattern)
    assert not Instalment.objects.exists()


def test_due_dates_outside_the_term_are_refused(agreement, nhs):
    with pytest.raises(InstalmentError, match=r"1 April 2027 is outside the agreement's term \(1 April 2024 to 31 "):
        instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024,
                       pattern=[(date(2024, 4, 1), 1), (date(2027, 4, 1), 1)])
    assert not Instalment.objects.exists()


def test_a_year_is_set_once_unless_replaced(agreement, nhs):
    instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024)
    with pytest.raises(InstalmentError, match="already has instalments for 2024-25: replace them instead"):
        instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024, pattern="monthly")
    monthly = instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024, pattern="monthly",
                             replace=True)
    assert len(monthly) == 12 and Instalment.objects.count() == 12
    assert AuditEvent.objects.filter(action="instalment_remove").count() == 4


def test_instalments_with_receipts_cannot_be_replaced(agreement, nhs):
    first = instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024)[0]
    receipt_record(actor=None, instalment=first, received_on=date(2024, 4, 2), amount_pence=100)
    with pytest.raises(InstalmentError, match="money has been received against instalment 1"):
        instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024, pattern="annual", replace=True)
    assert Instalment.objects.count() == 4


def test_only_a_party_to_the_agreement_has_instalments(agreement):
    stranger = complete_agreement().parties.get(is_host=False)
    with pytest.raises(InstalmentError, match="is not a party to this agreement"):
        instalment_set(actor=None, agreement=agreement, party=stranger, financial_year=2024)


# In the database, end to end ------------------------------------------------------------------------------------

shares_in_the_year = st.lists(
    st.tuples(st.integers(min_value=0, max_value=364), st.integers(min_value=0, max_value=1000)),
    min_size=1, max_size=12, unique_by=lambda pair: pair[0],
).filter(lambda pairs: any(share for _, share in pairs)).map(
    lambda pairs: [(date.fromordinal(date(2024, 4, 1).toordinal() + day), share) for day, share in pairs]
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    total=st.integers(min_value=1, max_value=10**12),
    pattern=st.one_of(st.sampled_from(["quarterly", "monthly", "annual"]), shares_in_the_year),
    paid=st.lists(st.integers(min_value=1, max_value=10**12), max_size=4),
)
def test_any_contribution_and_pattern_reach_the_ledger_to_the_penny(db, total, pattern, paid):
    with transaction.atomic():
        agreement = complete_agreement()
        nhs = agreement.parties.get(is_host=False)
        contribution_set(actor=None, schedule=agreement.schedules.get(), party=nhs, financial_year=2024,
                         funding_stream=FundingStream.objects.get(code="core"), amount_pence=total)
        fund = fund_open(actor=None, agreement=agreement)
        instalments = instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024,
                                     pattern=pattern)
        assert sum(instalment.amount_pence for instalment in instalments) == total
        received = 0
        for index, amount in enumerate(paid):
            instalment = instalments[index % len(instalments)]
            outstanding = instalment.amount_pence - sum(r.amount_pence for r in instalment.receipts.all())
            if outstanding:
                amount = min(amount, outstanding)
                receipt_record(actor=None, instalment=instalment, received_on=date(2024, 6, 30),
                               amount_pence=amount)
                received += amount
        assert balance(fund, AccountRole.CONTRIBUTIONS, nhs) == -total
        assert balance(fund, AccountRole.CONTRIBUTIONS_RECEIVABLE, nhs) == total - received
        assert balance(fund, AccountRole.CASH) == received
        transaction.set_rollback(True)


# Receipts: posted Dr cash / Cr the partner's contributions receivable ------------------------------------------


@pytest.fixture
def fund(agreement):
    return fund_open(actor=None, agreement=agreement)


@pytest.fixture
def instalments(agreement, nhs, fund):
    return instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024)


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
    before = balances_by_code(fund)
    with pytest.raises(InstalmentError, match=problem):
        receipt_record(actor=None, instalment=instalments[0], received_on=received_on, amount_pence=amount,
                       reference=reference)
    assert Receipt.objects.count() == 1
    assert balances_by_code(fund) == before


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
