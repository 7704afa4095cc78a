"""Ledger invariants under hypothesis-generated sequences of postings, reversals and period closes.

After any sequence: every entry adds up to zero, every running balance equals the sum of its lines, and a
closed period's lines are exactly what they were when it closed. Runs on SQLite and on PostgreSQL.
"""

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s75.ledger.models import Balance, JournalEntry, JournalLine
from s75.ledger.services import LedgerError, LineSpec, entry_post, entry_reverse, fund_open, period_close
from tests.factories import complete_agreement

pytestmark = pytest.mark.django_db

post = st.tuples(
    st.just("post"),
    st.integers(min_value=0, max_value=5),  # period
    st.lists(st.tuples(st.integers(min_value=0, max_value=8), st.integers(min_value=-10**9, max_value=10**9)),
             min_size=1, max_size=5),
)
reverse = st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=5))
close = st.tuples(st.just("close"))
operations = st.lists(st.one_of(post, post, reverse, close), min_size=1, max_size=25)


def balanced(accounts, legs):
    """Lines from (account index, amount) legs, made to balance against the last account; zeros left out."""
    lines = [LineSpec(accounts[index], amount) for index, amount in legs if amount]
    total = sum(line.amount_pence for line in lines)
    if total:
        lines.append(LineSpec(accounts[-1], -total))
    return lines


def apply(fund, operation, closed_snapshot):
    accounts, periods = list(fund.accounts.order_by("code")), list(fund.periods.all()[:6])
    if operation[0] == "post":
        _, period_index, legs = operation
        entry_post(actor=None, fund=fund, period=periods[period_index], description="generated",
                   lines=balanced(accounts, legs))
    elif operation[0] == "reverse":
        _, entry_index, period_index = operation
        entries = list(JournalEntry.objects.filter(fund=fund).order_by("id"))
        if entries:
            entry_reverse(actor=None, entry=entries[entry_index % len(entries)], period=periods[period_index],
                          reason="generated")
    else:
        period = fund.periods.filter(status="open").first()
        period_close(actor=None, period=period)
        closed_snapshot[period.pk] = sorted(JournalLine.objects.filter(period=period).values_list("id", "amount_pence"))


def assert_invariants(fund, closed_snapshot):
    unbalanced = JournalEntry.objects.filter(fund=fund).annotate(total=Sum("lines__amount_pence"), n=Count("lines"))
    assert not unbalanced.exclude(total=0).exists()
    assert not unbalanced.filter(n__lt=2).exists()
    from_lines = {
        (row["account_id"], row["period_id"]): (row["total"], row["n"])
        for row in JournalLine.objects.filter(fund=fund).values("account_id", "period_id")
        .annotate(total=Sum("amount_pence"), n=Count("id"))
    }
    running = {
        (b.account_id, b.period_id): (b.amount_pence, b.line_count) for b in Balance.objects.filter(fund=fund)
    }
    assert running == from_lines
    for period_id, lines in closed_snapshot.items():
        assert sorted(JournalLine.objects.filter(period_id=period_id).values_list("id", "amount_pence")) == lines


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_invariants_hold_after_any_sequence(db, sequence):
    with transaction.atomic():
        fund = fund_open(actor=None, agreement=complete_agreement())
        closed_snapshot: dict[int, list] = {}
        for operation in sequence:
            try:
                with transaction.atomic():
                    apply(fund, operation, closed_snapshot)
            except LedgerError as refused:
                # Refusals are part of the sequence: posting to a closed period, reversing twice, one-line entries.
                assert refused.problems
            assert_invariants(fund, closed_snapshot)
        transaction.set_rollback(True)
