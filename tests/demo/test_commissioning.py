"""The demo's lead commissioning: Hampshire County Council's packages for the five CCGs and itself, generated from a
seed (the same every load), at plausible rates, some joint, changed or ended in the year; each partner's 2018-19
recharges posted to the ledger, equal to its statements; a disputed line carried forward; loaded once."""

from collections import Counter
from importlib import resources

import pytest
from django.db.models import Sum

from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import agreement_file_read
from s75.commissioning.models import Dispute, Package, PackageVersion, ProviderType, RateUnit, Recharge
from s75.commissioning.selectors import LineStatus, recharge_statement
from s75.core.fiscal import FinancialMonth, FinancialYear
from s75.demo.commissioning import PACKAGES, commissioning_demo_load
from s75.ledger.models import AccountRole, Balance
from s75.monitoring.selectors import monitoring_report

pytestmark = pytest.mark.django_db
YEAR = FinancialYear(2018)


@pytest.fixture
def hampshire():
    document = agreement_file_read(resources.files("s75.demo").joinpath("data", "hampshire.yaml"))
    agreement = agreement_load(actor=None, document=document)
    commissioning_demo_load()
    return agreement


def test_a_few_hundred_packages_for_every_partner_at_plausible_rates(hampshire):
    packages = Package.objects.filter(agreement=hampshire)
    assert packages.count() == PACKAGES == 300
    funders = Counter(party for package in packages.prefetch_related("funding__party")
                      for party in {share.party.name_in_agreement for share in package.funding.all()})
    assert set(funders) == set(hampshire.parties.values_list("name_in_agreement", flat=True))
    assert all(count >= 20 for count in funders.values())
    joint = [package for package in packages.prefetch_related("funding") if package.funding.count() > 1]
    assert len(joint) >= 20
    assert all(sum(share.share_basis_points for share in package.funding.all()) == 10_000 for package in joint)
    versions = PackageVersion.objects.filter(package__agreement=hampshire)
    hourly = versions.filter(package__unit=RateUnit.HOUR).values_list("pence_per_unit", flat=True)
    assert min(hourly) >= 2000 and max(hourly) <= 2600
    nursing = versions.filter(package__contract__provider__provider_type=ProviderType.NURSING)
    assert min(nursing.values_list("pence_per_unit", flat=True)) >= 90000
    assert max(nursing.values_list("pence_per_unit", flat=True)) <= 140000
    assert versions.count() - PACKAGES >= 40  # changes in the year: rates and hours
    assert packages.exclude(end_date=None).filter(end_date__lte=YEAR.ends_on).count() >= 30


def test_the_seed_gives_the_same_packages_and_recharges_every_load(hampshire):
    references = sorted(Package.objects.filter(agreement=hampshire).values_list("reference", flat=True))
    assert references[:3] == ["HCP-0001-D78", "HCP-0002-295", "HCP-0003-8B1"]
    assert Recharge.objects.filter(agreement=hampshire).aggregate(total=Sum("total_pence"))["total"] == 510_236_481
    commissioning_demo_load()  # again: nothing more
    assert Package.objects.filter(agreement=hampshire).count() == PACKAGES
    assert Recharge.objects.filter(agreement=hampshire).count() == 72


def test_every_partners_recharges_are_posted_and_its_receivable_equals_its_statements(hampshire):
    fund = hampshire.fund
    for party in hampshire.parties.all():
        statements = [recharge_statement(agreement=hampshire, party=party, month=FinancialMonth(YEAR, month))
                      for month in range(1, 13)]
        assert all(statement.recharge is not None for statement in statements)
        receivable = Balance.objects.filter(account__fund=fund, account__role=AccountRole.RECHARGES_RECEIVABLE,
                                            account__party=party).aggregate(total=Sum("amount_pence"))["total"]
        assert receivable == sum(statement.total_pence for statement in statements) > 0


def test_a_disputed_line_is_carried_forward_and_one_resolved_is_charged_later(hampshire):
    held, charged = Dispute.objects.get(outcome=""), Dispute.objects.get(outcome="charge")
    assert charged.charged_in.month == 10 and (held.month, charged.month) == (9, 9)
    march = recharge_statement(agreement=hampshire, party=held.party, month=FinancialMonth(YEAR, 12))
    carried = [line for line in march.lines if line.status == LineStatus.CARRIED_DISPUTED]
    assert [line.package for line in carried] == [held.package] and march.disputed_pence > 0


@pytest.mark.parametrize("month", [6, 12])
def test_the_dashboards_care_bought_for_each_partner_is_the_sum_of_its_statements(hampshire, month):
    report = monitoring_report(agreement=hampshire, year=YEAR, month=month)
    assert not report.partners  # no contributions: a lead commissioner's ledger, nothing shared
    assert {line.party for line in report.purchases} == set(hampshire.parties.all())
    for line in report.purchases:
        statements = [recharge_statement(agreement=hampshire, party=line.party, month=FinancialMonth(YEAR, number))
                      for number in range(1, month + 1)]
        own_months = sum(item.amount_pence for statement in statements for item in statement.lines
                         if item.cost_month == statement.month)
        assert line.bought_to_date == own_months > 0
    committed = [line.committed for line in report.purchases]
    assert min(committed) >= 0 and (sum(committed) == 0 if month == 12 else sum(committed) > 0)


def test_the_providers_are_paid_the_months_care_and_the_recharges_leave_what_is_not_yet_charged(hampshire):
    """Expenditure is what the providers were paid, less what the partners were recharged: at the year end, the line
    disputed in December and never resolved, carried on every statement since."""
    fund = hampshire.fund
    bought = sum(line.bought_to_date for line in monitoring_report(agreement=hampshire, year=YEAR, month=12).purchases)
    paid = Balance.objects.filter(account__fund=fund, account__role=AccountRole.CREDITORS).aggregate(
        total=Sum("amount_pence"))["total"]
    expenditure = Balance.objects.filter(account__fund=fund, account__role=AccountRole.EXPENDITURE).aggregate(
        total=Sum("amount_pence"))["total"]
    recharged = Recharge.objects.filter(agreement=hampshire).aggregate(total=Sum("total_pence"))["total"]
    march = recharge_statement(agreement=hampshire, party=Dispute.objects.get(outcome="").party,
                               month=FinancialMonth(YEAR, 12))
    assert -paid == bought
    assert expenditure == bought - recharged == march.disputed_pence > 0
