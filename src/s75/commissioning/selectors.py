"""Reads for lead commissioning: what a user may see (scoped through the agreements they see), a package's terms
and figures, and a partner's recharge statement for a month."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum

from s75.agreements.models import Agreement, Party
from s75.agreements.selectors import agreements_visible_to
from s75.core.fiscal import FinancialMonth, FinancialYear

from . import costing
from .models import (
    Contract,
    Dispute,
    DisputeOutcome,
    Package,
    PackageFunding,
    PackageVersion,
    Recharge,
    RechargeLine,
)


def contracts_visible_to(*, user) -> QuerySet[Contract]:
    return Contract.objects.filter(schedule__agreement__in=agreements_visible_to(user=user))


def packages_visible_to(*, user) -> QuerySet[Package]:
    """The packages of the agreements ``user`` sees, with their versions and funding ready."""
    return (Package.objects.filter(agreement__in=agreements_visible_to(user=user))
            .select_related("contract__provider", "contract__schedule")
            .prefetch_related(Prefetch("versions", queryset=PackageVersion.objects.order_by("effective_from")),
                              Prefetch("funding", queryset=PackageFunding.objects.select_related("party")
                                       .order_by("party__position", "party_id"))))


def package_terms(package: Package) -> list[costing.Terms]:
    return [costing.Terms(version.effective_from, costing.weekly_pence(version.pence_per_unit,
                                                                       version.units_per_week))
            for version in package.versions.all()]


@dataclass(frozen=True)
class PackageFigures:
    """A package's cost from its first day to ``as_at`` and what it is committed to after it to the year's end."""

    to_date_pence: int
    to_year_end_pence: int


def package_figures(*, package: Package, as_at: date) -> PackageFigures:
    terms = package_terms(package)
    return PackageFigures(costing.cost_to_date(terms, package.end_date, as_at),
                          costing.cost_to_year_end(terms, package.end_date, as_at))


class LineStatus:
    CHARGED = ""
    DISPUTED = "disputed"
    CARRIED_DISPUTED = "carried, disputed"
    CARRIED_CHARGED = "carried, resolved"


@dataclass(frozen=True)
class StatementLine:
    """A package's days under one version in a month and the partner's share of their cost; ``status`` says
    whether it is charged in this statement's total (``""`` or carried and resolved) or disputed."""

    package: Package
    version: PackageVersion
    cost_month: FinancialMonth
    first: date
    last: date
    days: int
    share_basis_points: int
    amount_pence: int
    status: str = LineStatus.CHARGED

    @property
    def charged(self) -> bool:
        return self.status in (LineStatus.CHARGED, LineStatus.CARRIED_CHARGED)

    @property
    def pence_per_unit(self) -> int:
        return self.version.pence_per_unit

    @property
    def units_per_week(self) -> Decimal:
        return self.version.units_per_week


@dataclass(frozen=True)
class Statement:
    """What a partner is recharged for a month: the lines, the total charged, what is held back as disputed, and
    the recharge once posted."""

    agreement: Agreement
    party: Party
    month: FinancialMonth
    lines: list[StatementLine]
    recharge: Recharge | None

    @property
    def total_pence(self) -> int:
        return sum(line.amount_pence for line in self.lines if line.charged)

    @property
    def disputed_pence(self) -> int:
        return sum(line.amount_pence for line in self.lines if not line.charged)


def _package_lines(package: Package, party: Party, month: FinancialMonth, status: str) -> list[StatementLine]:
    funding = list(package.funding.all())
    points = [share.share_basis_points for share in funding]
    index = next(position for position, share in enumerate(funding) if share.party_id == party.pk)
    versions = list(package.versions.all())
    lines = []
    for segment in costing.segments(package_terms(package), package.end_date, *costing.month_days(month)):
        version = next(version for version in versions if version.effective_from == segment.terms.effective_from)
        amount = costing.shares_split(segment.pence, points)[index]
        if amount:
            lines.append(StatementLine(package, version, month, segment.first, segment.last, segment.days,
                                       points[index], amount, status))
    return lines


def _month_key(month: FinancialMonth) -> tuple[int, int]:
    return month.year.start_year, month.month


def recharge_standing(*, agreement: Agreement, party: Party, month: FinancialMonth) -> Recharge | None:
    """The month's posted recharge to ``party`` that has not been reversed, if there is one."""
    return Recharge.objects.filter(agreement=agreement, party=party, financial_year=month.year.start_year,
                                   month=month.month, reversal__isnull=True).first()


def recharge_statement(*, agreement: Agreement, party: Party, month: FinancialMonth) -> Statement:
    """The partner's statement for ``month``: each package it funds, a line per version for the month's days;
    the month's disputed lines held back; and, from earlier months, disputed lines still open (held back again)
    and those resolved to be charged (charged in the first recharge posted after)."""
    recharge = recharge_standing(agreement=agreement, party=party, month=month)
    packages = {package.pk: package for package in (
        Package.objects.filter(agreement=agreement, funding__party=party).select_related("contract")
        .prefetch_related(Prefetch("versions", queryset=PackageVersion.objects.order_by("effective_from")),
                          Prefetch("funding", queryset=PackageFunding.objects.order_by("party__position",
                                                                                       "party_id")))
    )}
    disputes = Dispute.objects.filter(package__agreement=agreement, party=party)
    disputed_now = set(disputes.filter(financial_year=month.year.start_year, month=month.month)
                       .values_list("package_id", flat=True))
    lines = []
    for package in packages.values():
        status = LineStatus.DISPUTED if package.pk in disputed_now else LineStatus.CHARGED
        lines += _package_lines(package, party, month, status)
    carried = disputes.exclude(financial_year__gt=month.year.start_year).exclude(
        financial_year=month.year.start_year, month__gte=month.month)
    if recharge is not None:
        carried = carried.filter(charged_in=recharge) | carried.filter(outcome=DisputeOutcome.OPEN)
    else:
        carried = carried.filter(outcome__in=[DisputeOutcome.OPEN, DisputeOutcome.CHARGE], charged_in__isnull=True)
    for dispute in carried.order_by("financial_year", "month", "package__reference"):
        status = LineStatus.CARRIED_DISPUTED if dispute.outcome == DisputeOutcome.OPEN else LineStatus.CARRIED_CHARGED
        earlier = FinancialMonth(FinancialYear(dispute.financial_year), dispute.month)
        lines += _package_lines(packages[dispute.package_id], party, earlier, status)
    lines.sort(key=lambda line: (_month_key(line.cost_month), line.package.reference, line.first))
    return Statement(agreement, party, month, lines, recharge)


class PackageStatus:
    ACTIVE = "active"
    ENDED = "ended"


def packages_filtered(*, packages: QuerySet[Package], as_at: date, contract_id: int | None = None,
                      party_id: int | None = None, status: str = "", reference: str = "") -> QuerySet[Package]:
    """``packages`` under a contract, funded (in whole or part) by a partner, running or ended by ``as_at``, or
    whose reference contains ``reference``; each filter only when given."""
    if contract_id:
        packages = packages.filter(contract_id=contract_id)
    if party_id:
        packages = packages.filter(funding__party_id=party_id)
    if status == PackageStatus.ACTIVE:
        packages = packages.exclude(end_date__lt=as_at)
    elif status == PackageStatus.ENDED:
        packages = packages.filter(end_date__lt=as_at)
    if reference.strip():
        packages = packages.filter(reference__icontains=reference.strip())
    return packages.order_by("reference")


def package_get(*, user, agreement: Agreement, pk: int) -> Package:
    """The agreement's package ``pk``, if the user sees the agreement; else ``Package.DoesNotExist``."""
    return packages_visible_to(user=user).get(agreement=agreement, pk=pk)


def agreement_packages_count(*, agreement: Agreement) -> int:
    """How many packages the agreement's lead commissioners have placed (the agreement page's panel)."""
    return Package.objects.filter(agreement=agreement).count()


@dataclass
class YearPurchases:
    """What the lead commissioners bought under an agreement in a financial year, as at a month's end, from the
    packages' versions: each partner's share to the month's end (``bought_to_date``) and after it to the year end
    (``committed``), and the same by schedule (the packages' whole cost, every funder's share together). A month's
    share is split as the partner's statement splits it (per version, largest remainder), so a partner's figure
    to date is the sum of its statements' lines for those months, disputed lines included."""

    bought_to_date: dict[int, int]  # by party id
    committed: dict[int, int]  # by party id
    schedule_bought_to_date: dict[int, int]  # by schedule id
    schedule_committed: dict[int, int]  # by schedule id


def year_purchases(*, agreement: Agreement, year: FinancialYear, month: int) -> YearPurchases:
    """The agreement's packages costed month by month over ``year``: M01 to ``month`` bought, after it committed."""
    purchases = YearPurchases({}, {}, {}, {})
    packages = (Package.objects.filter(agreement=agreement).select_related("contract")
                .prefetch_related(Prefetch("versions", queryset=PackageVersion.objects.order_by("effective_from")),
                                  Prefetch("funding", queryset=PackageFunding.objects.order_by("party__position",
                                                                                               "party_id"))))
    for package in packages:
        terms = package_terms(package)
        funding = list(package.funding.all())
        points = [share.share_basis_points for share in funding]
        schedule_id = package.contract.schedule_id
        for number in range(1, 13):
            by_party, by_schedule = ((purchases.bought_to_date, purchases.schedule_bought_to_date) if number <= month
                                     else (purchases.committed, purchases.schedule_committed))
            for segment in costing.segments(terms, package.end_date,
                                            *costing.month_days(FinancialMonth(year, number))):
                by_schedule[schedule_id] = by_schedule.get(schedule_id, 0) + segment.pence
                for share, amount in zip(funding, costing.shares_split(segment.pence, points), strict=True):
                    by_party[share.party_id] = by_party.get(share.party_id, 0) + amount
    return purchases


def year_recharged(*, agreement: Agreement, year: FinancialYear) -> dict[int, dict[int, int]]:
    """What the agreement's standing recharges of ``year``'s months charged each partner, by schedule id then
    party id: the care bought on its behalf that the ledger's expenditure no longer holds."""
    totals: dict[int, dict[int, int]] = {}
    for row in (RechargeLine.objects.filter(recharge__agreement=agreement, recharge__financial_year=year.start_year,
                                            recharge__reversal__isnull=True)
                .values("package__contract__schedule_id", "recharge__party_id").annotate(total=Sum("amount_pence"))):
        totals.setdefault(row["package__contract__schedule_id"], {})[row["recharge__party_id"]] = row["total"]
    return totals
