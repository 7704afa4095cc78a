"""Settlement runs: versions, the partners' approvals, the final run posted to the ledger and locked."""

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from s75.audit.models import AuditEvent
from s75.core.fiscal import FinancialYear
from s75.ledger.models import AccountRole, EntryKind
from s75.ledger.selectors import trial_balance
from s75.ledger.services import period_close
from s75.settlement.models import SettlementApproval, SettlementRun, SettlementStatus
from s75.settlement.selectors import settlement_compute
from s75.settlement.services import SettlementRefused, settlement_approve, settlement_run_create
from tests.factories import UserFactory
from tests.settlement.conftest import terms_changed

YEAR = FinancialYear(2013)


def approve_all(run, finance_leads):
    for party in run.agreement.parties.order_by("position"):
        run = settlement_approve(actor=finance_leads[party.pk], run=run, party=party)
    return run


def balances(agreement, year):
    """The year's balances by account role and partner (expenditure added up over the schedules)."""
    totals = {}
    for account, amount in trial_balance(fund=agreement.fund, year=year):
        key = (account.role, account.party_id)
        totals[key] = totals.get(key, 0) + amount
    return {key: amount for key, amount in totals.items() if amount}


def test_each_run_is_a_new_version_that_keeps_its_inputs(luton):
    first = settlement_run_create(actor=None, agreement=luton, year=YEAR)
    second = settlement_run_create(actor=None, agreement=luton, year=YEAR, outside_agreement={2: 1_000_00})
    assert (first.version, second.version) == (1, 2)
    assert settlement_compute(inputs=first.inputs) == first.results
    assert second.inputs["schedules"][1]["outside_agreement"] == 1_000_00
    assert AuditEvent.objects.filter(action="settlement_run_create").count() == 2


def test_the_last_approval_makes_the_run_final_and_posts_the_settlement(luton, finance_leads):
    run = settlement_run_create(actor=None, agreement=luton, year=YEAR)
    council, ccg = luton.parties.order_by("position")
    run = settlement_approve(actor=finance_leads[council.pk], run=run, party=council)
    assert run.status == SettlementStatus.DRAFT and run.settlement_entry is None
    run = settlement_approve(actor=finance_leads[ccg.pk], run=run, party=ccg)
    assert run.status == SettlementStatus.FINAL and run.finalised_at is not None
    assert run.settlement_entry.kind == EntryKind.SETTLEMENT and run.settlement_entry.period.label == "2013-14/M12"
    after = balances(luton, YEAR)
    # What each partner still owes is its net payment; its contributions are now its final share of spend.
    assert after[(AccountRole.CONTRIBUTIONS_RECEIVABLE, ccg.pk)] == 64_981_55
    assert after[(AccountRole.CONTRIBUTIONS_RECEIVABLE, council.pk)] == 78_018_45
    assert after[(AccountRole.CONTRIBUTIONS, ccg.pk)] == -3_558_481_55
    assert after[(AccountRole.CONTRIBUTIONS, council.pk)] == -3_180_518_45
    income = sum(amount for (role, _), amount in after.items() if role == AccountRole.CONTRIBUTIONS)
    spend = sum(amount for (role, _), amount in after.items() if role == AccountRole.EXPENDITURE)
    assert income + spend == 0  # the pool's year nets to nothing once settled
    assert run.carry_forward_entry is None
    assert AuditEvent.objects.filter(action="settlement_finalise").count() == 1


def test_an_underspend_carried_forward_opens_the_next_year(luton, finance_leads):
    terms_changed(luton, overspend_rule="contribution_share",
                         underspend_rule="carry_forward")
    run = approve_all(settlement_run_create(actor=None, agreement=luton, year=YEAR), finance_leads)
    council, ccg = luton.parties.order_by("position")
    carried = {partner["id"]: partner["carried_forward"] for partner in run.results["partners"]}
    assert carried == {council.pk: 9_881_12, ccg.pk: 25_118_88}
    assert run.carry_forward_entry.period.label == "2014-15/M01"
    year_end = balances(luton, YEAR)
    assert year_end[(AccountRole.CARRY_FORWARD, None)] == -35_000_00
    next_year = balances(luton, FinancialYear(2014))
    assert next_year[(AccountRole.CARRY_FORWARD, None)] == 35_000_00
    assert next_year[(AccountRole.CONTRIBUTIONS, council.pk)] == -9_881_12
    assert next_year[(AccountRole.CONTRIBUTIONS, ccg.pk)] == -25_118_88


def test_a_contingency_reserve_used_is_released_into_the_year(luton, finance_leads):
    terms_changed(luton, overspend_rule="pool_share",
                         underspend_rule="contribution_share", offset_first=True,
                         contingency_reserve_pence=50_000_00)
    run = approve_all(settlement_run_create(actor=None, agreement=luton, year=YEAR), finance_leads)
    assert run.results["reserve_used"] == 50_000_00
    year_end = balances(luton, YEAR)
    assert year_end[(AccountRole.CONTINGENCY_RESERVE, None)] == 50_000_00
    assert year_end[(AccountRole.RESERVE_TRANSFERS, None)] == -50_000_00


def test_approvals_are_refused_with_the_reason(luton, finance_leads):
    first = settlement_run_create(actor=None, agreement=luton, year=YEAR)
    council, ccg = luton.parties.order_by("position")
    with pytest.raises(SettlementRefused, match="only a finance lead of NHS Luton"):
        settlement_approve(actor=finance_leads[council.pk], run=first, party=ccg)
    with pytest.raises(SettlementRefused, match="only a finance lead"):
        settlement_approve(actor=UserFactory(role="Pooled fund manager", organisation=council.organisation),
                           run=first, party=council)
    settlement_approve(actor=finance_leads[council.pk], run=first, party=council)
    with pytest.raises(SettlementRefused, match="has already approved version 1"):
        settlement_approve(actor=finance_leads[council.pk], run=first, party=council)
    settlement_run_create(actor=None, agreement=luton, year=YEAR)
    with pytest.raises(SettlementRefused, match="replaced by version 2: approve that one"):
        settlement_approve(actor=finance_leads[ccg.pk], run=first, party=ccg)


def test_a_closed_year_end_refuses_the_last_approval_and_keeps_nothing_of_it(luton, finance_leads):
    for period in luton.fund.periods.filter(financial_year=2013).order_by("number"):
        period_close(actor=None, period=period)
    run = settlement_run_create(actor=None, agreement=luton, year=YEAR)
    council, ccg = luton.parties.order_by("position")
    settlement_approve(actor=finance_leads[council.pk], run=run, party=council)
    with pytest.raises(SettlementRefused, match="period 2013-14/M12 is closed"):
        settlement_approve(actor=finance_leads[ccg.pk], run=run, party=ccg)
    run.refresh_from_db()
    assert run.status == SettlementStatus.DRAFT and run.approvals.count() == 1


def test_a_final_year_is_not_computed_again(luton, finance_leads):
    approve_all(settlement_run_create(actor=None, agreement=luton, year=YEAR), finance_leads)
    with pytest.raises(SettlementRefused, match="the 2013-14 settlement is final"):
        settlement_run_create(actor=None, agreement=luton, year=YEAR)


def test_the_database_refuses_to_change_a_final_run(luton, finance_leads):
    run = approve_all(settlement_run_create(actor=None, agreement=luton, year=YEAR), finance_leads)
    attempts = [
        lambda: SettlementRun.objects.filter(pk=run.pk).update(results={}),
        lambda: SettlementRun.objects.filter(pk=run.pk).update(status="draft", finalised_at=None),
        lambda: SettlementRun.objects.filter(pk=run.pk).delete(),
        lambda: SettlementApproval.objects.filter(run=run).delete(),
        lambda: SettlementApproval.objects.create(run=run, party=run.agreement.parties.first()),
    ]
    for attempt in attempts:
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            attempt()
    run.refresh_from_db()
    assert run.status == SettlementStatus.FINAL and run.results["check"]["holds"]


def test_the_database_refuses_to_change_a_drafts_figures(luton):
    run = settlement_run_create(actor=None, agreement=luton, year=YEAR)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        SettlementRun.objects.filter(pk=run.pk).update(results={"partners": []})


def test_a_final_run_with_carry_forward_caps_and_an_aligned_schedule_posts_its_net_payments(luton_capped,
                                                                                            finance_leads):
    run = approve_all(settlement_run_create(actor=None, agreement=luton_capped, year=YEAR), finance_leads)
    council, ccg = luton_capped.parties.order_by("position")
    after = balances(luton_capped, YEAR)
    # What stays receivable is the net payment (the council £50,000, the CCG £80,000); what stays as contributions
    # is the final share of spend; the £15,000 underspend is in the carried-forward reserve.
    assert (after[(AccountRole.CONTRIBUTIONS_RECEIVABLE, council.pk)],
            after[(AccountRole.CONTRIBUTIONS_RECEIVABLE, ccg.pk)]) == (50_000_00, 80_000_00)
    assert (after[(AccountRole.CONTRIBUTIONS, council.pk)], after[(AccountRole.CONTRIBUTIONS, ccg.pk)]) == (
        -3_142_618_88, -3_568_381_12)
    assert after[(AccountRole.CARRY_FORWARD, None)] == -15_000_00
    assert run.status == SettlementStatus.FINAL
