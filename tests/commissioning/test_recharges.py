"""The monthly recharge: the statement, posted once to the ledger, reversed by a correcting entry, and disputed
lines carried forward until resolved."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from s75.audit.models import AuditEvent
from s75.commissioning.costing import cost_between, month_cost
from s75.commissioning.models import DisputeOutcome, Package, Recharge, RechargeLine
from s75.commissioning.recharges import dispute_mark, dispute_resolve, recharge_post, recharge_reverse
from s75.commissioning.selectors import LineStatus, package_terms, recharge_statement
from s75.commissioning.services import CommissioningError, package_change
from s75.core.fiscal import FinancialMonth, FinancialYear
from s75.ledger.models import AccountRole, Balance, EntryKind
from s75.ledger.services import period_close

from .conftest import place

APRIL, MAY, JUNE = (FinancialMonth(FinancialYear(2024), month) for month in (1, 2, 3))
LATER = date(2024, 7, 15)


def balance(fund, role, **owner) -> int:
    account = fund.accounts.get(role=role, **owner)
    return Balance.objects.filter(account=account).aggregate(total=Sum("amount_pence"))["total"] or 0


@pytest.fixture
def changed(package):
    """PKG-0001 from Thursday 4 April 2024: £20.50 an hour for 12.5 hours (£256.25 a week)."""
    package_change(actor=None, package=package, effective_from=date(2024, 4, 4), pence_per_unit=2050,
                   units_per_week=Decimal("12.5"))
    return package


def test_a_statement_has_a_line_per_version_of_each_package_in_the_month(fund, changed, nhs):
    statement = recharge_statement(agreement=fund.agreement, party=nhs, month=APRIL)
    assert [(line.package.reference, line.days, line.pence_per_unit, line.amount_pence, line.status)
            for line in statement.lines] == [("PKG-0001", 3, 2000, 8572, ""), ("PKG-0001", 27, 2050, 98840, "")]
    assert statement.total_pence == 107412 and statement.recharge is None


def test_a_joint_package_is_shared_to_the_penny(fund, contract, council, nhs):
    # 14,993p a week; April's 30 days are four weeks and two days (59,972 + 2 x 2,142p) = 64,256p.
    place(contract, "PKG-J1", [(council, 3333), (nhs, 6667)], rate=1999, units=Decimal("7.5"))
    council_april = recharge_statement(agreement=fund.agreement, party=council, month=APRIL).total_pence
    nhs_april = recharge_statement(agreement=fund.agreement, party=nhs, month=APRIL).total_pence
        # 33.33% is 21,416.52p and 66.67% 42,839.48p: the odd penny goes to the larger remainder.
    assert (council_april, nhs_april) == (21417, 42839)


def test_a_recharge_is_posted_once_and_the_partners_receivable_equals_the_statement(fund, changed, nhs, schedule):
    recharge = recharge_post(actor=None, agreement=fund.agreement, party=nhs, month=APRIL, today=LATER)
    assert recharge.total_pence == 107412 and recharge.entry.kind == EntryKind.RECHARGE
    assert balance(fund, AccountRole.RECHARGES_RECEIVABLE, party=nhs) == 107412
    assert balance(fund, AccountRole.EXPENDITURE, schedule=schedule) == -107412
    assert list(recharge.lines.values_list("days", "amount_pence")) == [(3, 8572), (27, 98840)]
    assert recharge_statement(agreement=fund.agreement, party=nhs, month=APRIL).recharge == recharge
    with pytest.raises(CommissioningError, match="already posted"):
        recharge_post(actor=None, agreement=fund.agreement, party=nhs, month=APRIL, today=LATER)
    assert Recharge.objects.count() == 1
    assert AuditEvent.objects.filter(action="recharge_post").count() == 1


def test_a_month_not_yet_over_or_with_nothing_to_recharge_is_refused(fund, package, council, nhs):
    with pytest.raises(CommissioningError, match="has not ended"):
        recharge_post(actor=None, agreement=fund.agreement, party=nhs, month=JUNE, today=date(2024, 6, 30))
    with pytest.raises(CommissioningError, match="nothing is recharged"):
        recharge_post(actor=None, agreement=fund.agreement, party=council, month=APRIL, today=LATER)
    assert not Recharge.objects.exists()


def test_a_closed_month_is_posted_to_the_first_open_period_after_it(fund, package, nhs):
    period_close(actor=None, period=fund.periods.get(financial_year=2024, number=1))
    recharge = recharge_post(actor=None, agreement=fund.agreement, party=nhs, month=APRIL, today=LATER)
    assert recharge.entry.period.number == 2 and recharge.month == 1


def test_a_posted_month_keeps_its_versions(fund, package, nhs):
    recharge_post(actor=None, agreement=fund.agreement, party=nhs, month=APRIL, today=LATER)
    with pytest.raises(CommissioningError, match="has been posted"):
        package_change(actor=None, package=package, effective_from=date(2024, 4, 20), pence_per_unit=2100,
                       units_per_week=Decimal(10))
    package_change(actor=None, package=package, effective_from=date(2024, 5, 1), pence_per_unit=2100,
                   units_per_week=Decimal(10))


def test_a_recharge_is_reversed_by_a_correcting_entry_and_may_then_be_posted_again(fund, package, nhs):
    recharge = recharge_post(actor=None, agreement=fund.agreement, party=nhs, month=APRIL, today=LATER)
    reversed_ = recharge_reverse(actor=None, recharge=recharge, reason="Wrong rate on the provider's invoice")
    assert reversed_.reversal.reverses == recharge.entry
    assert balance(fund, AccountRole.RECHARGES_RECEIVABLE, party=nhs) == 0
    with pytest.raises(CommissioningError, match="already been reversed"):
        recharge_reverse(actor=None, recharge=recharge, reason="again")
    package_change(actor=None, package=package, effective_from=date(2024, 4, 15), pence_per_unit=2100,
                   units_per_week=Decimal(10))
    again = recharge_post(actor=None, agreement=fund.agreement, party=nhs, month=APRIL, today=LATER)
    # 1-14 April at £200 a week (40,000p), 15-30 April at £210: two weeks and two days (42,000 + 6,000p).
    assert again.total_pence == 40000 + 48000
    assert balance(fund, AccountRole.RECHARGES_RECEIVABLE, party=nhs) == 88000
    assert RechargeLine.objects.filter(recharge=recharge).count() == 1  # the reversed one's lines kept


def test_a_disputed_line_is_held_back_and_carried_forward_until_resolved(fund, package, contract, nhs):
    place(contract, "PKG-0002", [(nhs, 10_000)], rate=3000, units=Decimal(7))  # £210 a week, £30 a day
    dispute = dispute_mark(actor=None, package=package, party=nhs, month=APRIL, reason="Package not delivered")
    april = recharge_statement(agreement=fund.agreement, party=nhs, month=APRIL)
    assert [(line.package.reference, line.status) for line in april.lines] == [
        ("PKG-0001", LineStatus.DISPUTED), ("PKG-0002", "")]
    assert (april.total_pence, april.disputed_pence) == (90000, 85715)
    recharge_post(actor=None, agreement=fund.agreement, party=nhs, month=APRIL, today=LATER)
    assert balance(fund, AccountRole.RECHARGES_RECEIVABLE, party=nhs) == 90000

    may = recharge_statement(agreement=fund.agreement, party=nhs, month=MAY)
    assert [(line.package.reference, line.cost_month, line.status) for line in may.lines] == [
        ("PKG-0001", APRIL, LineStatus.CARRIED_DISPUTED), ("PKG-0001", MAY, ""), ("PKG-0002", MAY, "")]
    dispute_resolve(actor=None, dispute=dispute, outcome=DisputeOutcome.CHARGE)
    may = recharge_statement(agreement=fund.agreement, party=nhs, month=MAY)
    assert may.lines[0].status == LineStatus.CARRIED_CHARGED
    may_recharge = recharge_post(actor=None, agreement=fund.agreement, party=nhs, month=MAY, today=LATER)
    # April's carried 85,715p; May's PKG-0001 four weeks and three days (80,000 + 3 x 2,857p), PKG-0002 31 x 3,000p.
    assert may_recharge.total_pence == 85715 + 88571 + 93000
    dispute.refresh_from_db()
    assert dispute.charged_in == may_recharge
    june = recharge_statement(agreement=fund.agreement, party=nhs, month=JUNE)
    assert {line.cost_month for line in june.lines} == {JUNE}


def test_a_withdrawn_dispute_is_never_charged(fund, package, nhs):
    dispute = dispute_mark(actor=None, package=package, party=nhs, month=APRIL, reason="Not ours: CHC not agreed")
    dispute_resolve(actor=None, dispute=dispute, outcome=DisputeOutcome.WITHDRAWN)
    may = recharge_statement(agreement=fund.agreement, party=nhs, month=MAY)
    assert {line.cost_month for line in may.lines} == {MAY}
    with pytest.raises(CommissioningError, match="already resolved"):
        dispute_resolve(actor=None, dispute=dispute, outcome=DisputeOutcome.CHARGE)


def test_a_posted_month_or_a_package_the_partner_does_not_fund_cannot_be_disputed(fund, package, council, nhs):
    recharge_post(actor=None, agreement=fund.agreement, party=nhs, month=APRIL, today=LATER)
    with pytest.raises(CommissioningError) as error:
        dispute_mark(actor=None, package=package, party=nhs, month=APRIL, reason="")
    assert [problem.field for problem in error.value.problems] == ["month", "reason"]
    with pytest.raises(CommissioningError, match="does not fund"):
        dispute_mark(actor=None, package=package, party=council, month=MAY, reason="Not ours")


def test_the_partners_statements_add_up_to_the_packages_cost_every_month(fund, contract, council, nhs):
    joint = place(contract, "PKG-J1", [(council, 3333), (nhs, 6667)], start=date(2024, 4, 3), rate=1999,
                  units=Decimal("7.5"))
    package_change(actor=None, package=joint, effective_from=date(2024, 9, 18), pence_per_unit=2111,
                   units_per_week=Decimal("13.25"))
    terms = package_terms(Package.objects.get(pk=joint.pk))
    whole = 0
    for number in range(1, 13):
        month = FinancialMonth(FinancialYear(2024), number)
        partners = sum(recharge_statement(agreement=fund.agreement, party=party, month=month).total_pence
                       for party in (council, nhs))
        assert partners == month_cost(terms, None, month)
        whole += partners
    assert whole == cost_between(terms, None, date(2024, 4, 1), date(2025, 3, 31))
