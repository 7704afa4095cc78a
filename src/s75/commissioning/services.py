"""Writes for lead commissioning: providers, contracts and their rates, care packages, their changes and ends.

One service per act, each with every rule of that act and its audit record in one transaction; a refusal is a
:class:`CommissioningError` listing every problem, and nothing of the act is saved. A change or an end may not
take effect in a month whose recharge to a partner has been posted (and not reversed): a posted recharge keeps the
versions it was costed from.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from s75.agreements.models import Party, Schedule
from s75.agreements.services import agreement_data_changed
from s75.audit.services import audit_record, snapshot
from s75.core.errors import Problem, ServiceError
from s75.core.fiscal import FinancialMonth
from s75.core.money import is_pence
from s75.core.users import acting_user

from .costing import WHOLE_SHARE
from .identifiers import is_nhs_number
from .models import (
    Contract,
    EndReason,
    Package,
    PackageFunding,
    PackageVersion,
    Provider,
    ProviderType,
    Rate,
    RateUnit,
    RechargeLine,
)

COMPANIES_HOUSE_NUMBER = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")
CQC_PROVIDER_ID = re.compile(r"^1-\d{6,12}$")
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,59}$")


class CommissioningError(ServiceError):
    """A refused commissioning act; ``problems`` says every reason, each on the argument it concerns."""


@dataclass(frozen=True)
class RateSpec:
    """One of a contract's rates as a service takes it."""

    unit: str
    pence_per_unit: int
    band_name: str = ""


@dataclass(frozen=True)
class ShareSpec:
    """A partner's share of a package's cost, in basis points (10,000 is the whole)."""

    party: Party
    basis_points: int


def _reference_problem(reference: str, what: str) -> str:
    if not REFERENCE.match(reference):
        return f"a {what} reference is 1 to 60 letters, digits, slashes, dots, hyphens or underscores"
    return ""


@transaction.atomic
def provider_create(
    *, actor, name: str, provider_type: str, companies_house_number: str = "", cqc_id: str = "",
    framework_lot: str = "",
) -> Provider:
    """A provider on the framework; its Companies House number and CQC id, when it has them, in their formats."""
    name, companies_house_number = name.strip(), companies_house_number.strip().upper()
    cqc_id, framework_lot = cqc_id.strip(), framework_lot.strip()
    problems = []
    if not name:
        problems.append(Problem("enter the provider's name", "name"))
    elif Provider.objects.filter(name__iexact=name).exists():
        problems.append(Problem(f"there is already a provider called {name}", "name"))
    if provider_type not in ProviderType.values:
        problems.append(Problem("choose the kind of provider", "provider_type"))
    if companies_house_number and not COMPANIES_HOUSE_NUMBER.match(companies_house_number):
        problems.append(Problem("a Companies House number is eight digits, or two letters and six digits "
                                "(e.g. 01234567 or SC123456)", "companies_house_number"))
    elif companies_house_number and Provider.objects.filter(companies_house_number=companies_house_number).exists():
        problems.append(Problem(f"a provider with Companies House number {companies_house_number} is already "
                                "registered", "companies_house_number"))
    if cqc_id and not CQC_PROVIDER_ID.match(cqc_id):
        problems.append(Problem("a CQC provider id is 1- and six to twelve digits (e.g. 1-101234567)", "cqc_id"))
    elif cqc_id and Provider.objects.filter(cqc_id=cqc_id).exists():
        problems.append(Problem(f"a provider with CQC id {cqc_id} is already registered", "cqc_id"))
    if problems:
        raise CommissioningError(problems)
    provider = Provider.objects.create(
        name=name, provider_type=provider_type, companies_house_number=companies_house_number, cqc_id=cqc_id,
        framework_lot=framework_lot, created_by=acting_user(actor), modified_by=acting_user(actor),
    )
    audit_record(actor=actor, action="provider_create", obj=provider, after=snapshot(provider))
    return provider


def _rate_problems(rates: Sequence[RateSpec]) -> list[Problem]:
    problems, seen = [], set()
    for number, rate in enumerate(rates, start=1):
        band = rate.band_name.strip()
        if rate.unit not in RateUnit.values:
            problems.append(Problem(f"rate {number}: choose its unit (hour, week, night or band)", "rates"))
        elif (rate.unit == RateUnit.BAND) != bool(band):
            problems.append(Problem(f"rate {number}: a band rate has a band name, and only a band rate does",
                                    "rates"))
        if not is_pence(rate.pence_per_unit) or rate.pence_per_unit <= 0:
            problems.append(Problem(f"rate {number}: a rate is a whole number of pence, more than zero", "rates"))
        if (rate.unit, band) in seen:
            problems.append(Problem(f"rate {number}: the contract already has a rate for that unit", "rates"))
        seen.add((rate.unit, band))
    return problems


@transaction.atomic
def contract_create(
    *, actor, schedule: Schedule, provider: Provider, reference: str, start_date: date, end_date: date,
    ceiling_pence: int, rates: Sequence[RateSpec] = (),
) -> Contract:
    """A contract placed with ``provider`` under ``schedule`` by the schedule's lead commissioner, with its rates."""
    reference = reference.strip()
    problems = [Problem(problem, "reference") for problem in [_reference_problem(reference, "contract")] if problem]
    if schedule.lead_commissioner_id is None:
        problems.append(Problem(f"{schedule} has no lead commissioner to place its contracts: name one first",
                                "schedule"))
    if end_date < start_date:
        problems.append(Problem("a contract ends on or after it starts", "end_date"))
    if not is_pence(ceiling_pence) or ceiling_pence <= 0:
        problems.append(Problem("the ceiling value is a whole number of pence, more than zero", "ceiling_pence"))
    if reference and Contract.objects.filter(schedule=schedule, reference=reference).exists():
        problems.append(Problem(f"{schedule} already has a contract {reference}", "reference"))
    problems += _rate_problems(rates)
    if problems:
        raise CommissioningError(problems)
    agreement_data_changed(agreement_id=schedule.agreement_id)
    contract = Contract.objects.create(
        schedule=schedule, provider=provider, placed_by_id=schedule.lead_commissioner_id, reference=reference,
        start_date=start_date, end_date=end_date, ceiling_pence=ceiling_pence, created_by=acting_user(actor),
        modified_by=acting_user(actor),
    )
    Rate.objects.bulk_create([Rate(contract=contract, unit=rate.unit, band_name=rate.band_name.strip(),
                                   pence_per_unit=rate.pence_per_unit) for rate in rates])
    audit_record(actor=actor, action="contract_create", obj=contract, agreement=schedule.agreement,
                 after={**snapshot(contract, "reference", "provider_id", "start_date", "end_date", "ceiling_pence"),
                        "rates": [f"{rate.unit} {rate.band_name} {rate.pence_per_unit}".replace("  ", " ")
                                  for rate in rates]})
    return contract


def _terms_problems(*, pence_per_unit, units_per_week) -> list[Problem]:
    problems = []
    if not is_pence(pence_per_unit) or pence_per_unit <= 0:
        problems.append(Problem("the rate is a whole number of pence a unit, more than zero", "pence_per_unit"))
    if not isinstance(units_per_week, Decimal | int) or isinstance(units_per_week, bool) or units_per_week <= 0 \
            or Decimal(units_per_week).as_tuple().exponent < -2 or units_per_week >= 100_000:
        problems.append(Problem("the units a week are a number more than zero, to two decimal places at most",
                                "units_per_week"))
    return problems


def _funding_problems(agreement_id: int, funding: Sequence[ShareSpec]) -> list[Problem]:
    problems = []
    if not funding:
        return [Problem("name the partner (or partners, with their shares) funding the package", "funding")]
    parties = [share.party for share in funding]
    if any(party.agreement_id != agreement_id for party in parties):
        problems.append(Problem("a package is funded by partners of its own agreement", "funding"))
    if len({party.pk for party in parties}) != len(parties):
        problems.append(Problem("each partner is named once in a package's funding", "funding"))
    points = [share.basis_points for share in funding]
    if any(not is_pence(point) or not 1 <= point <= WHOLE_SHARE for point in points):
        problems.append(Problem("each share is a whole number of basis points from 1 to 10,000", "funding"))
    elif sum(points) != WHOLE_SHARE:
        problems.append(Problem(f"the shares add up to {sum(points):,} basis points: they must make 10,000 "
                                "(100%)", "funding"))
    return problems


def _posted_from(package: Package, day: date) -> FinancialMonth | None:
    """The first month on or after ``day``'s whose recharge (standing, not reversed) has costed ``package``."""
    month = FinancialMonth.containing(day)
    posted = (RechargeLine.objects.filter(package=package, recharge__reversal__isnull=True)
              .values_list("cost_year", "cost_month").order_by("-cost_year", "-cost_month").first())
    if posted and (posted[0], posted[1]) >= (month.year.start_year, month.month):
        return month
    return None


@transaction.atomic
def package_create(
    *, actor, contract: Contract, reference: str, unit: str, effective_from: date, pence_per_unit: int,
    units_per_week: Decimal, funding: Sequence[ShareSpec],
) -> Package:
    """A person's care package under ``contract``, known by a pseudonymous ``reference``, funded by one partner or
    jointly by shares, and its first version."""
    reference = reference.strip()
    agreement_id = contract.schedule.agreement_id
    problems = [Problem(problem, "reference") for problem in [_reference_problem(reference, "package")] if problem]
    if is_nhs_number(reference):
        problems.append(Problem("that reference is an NHS number: use the pseudonymous package reference, never a "
                                "person's identifier", "reference"))
    elif reference and Package.objects.filter(agreement_id=agreement_id, reference=reference).exists():
        problems.append(Problem(f"the agreement already has a package {reference}", "reference"))
    if unit not in RateUnit.values:
        problems.append(Problem("choose the unit the package is bought in (hour, week, night or band)", "unit"))
    if not contract.start_date <= effective_from <= contract.end_date:
        problems.append(Problem(f"the package starts within its contract ({contract.start_date:%-d %B %Y} to "
                                f"{contract.end_date:%-d %B %Y})", "effective_from"))
    problems += _terms_problems(pence_per_unit=pence_per_unit, units_per_week=units_per_week)
    problems += _funding_problems(agreement_id, funding)
    if problems:
        raise CommissioningError(problems)
    agreement_data_changed(agreement_id=agreement_id)
    package = Package.objects.create(agreement_id=agreement_id, contract=contract, reference=reference, unit=unit,
                                     created_by=acting_user(actor), modified_by=acting_user(actor))
    PackageFunding.objects.bulk_create([PackageFunding(package=package, party=share.party,
                                                       share_basis_points=share.basis_points) for share in funding])
    version = PackageVersion.objects.create(package=package, effective_from=effective_from,
                                            pence_per_unit=pence_per_unit, units_per_week=Decimal(units_per_week),
                                            recorded_by=acting_user(actor))
    audit_record(actor=actor, action="package_create", obj=package, agreement=contract.schedule.agreement,
                 after={"reference": reference, "contract": contract.reference, "unit": unit,
                        **snapshot(version, "effective_from", "pence_per_unit", "units_per_week"),
                        "funding": "; ".join(f"{share.party} {Decimal(share.basis_points) / 100}%"
                                             for share in funding)})
    return package


@transaction.atomic
def package_change(
    *, actor, package: Package, effective_from: date, pence_per_unit: int, units_per_week: Decimal,
) -> PackageVersion:
    """A change to the package (a new rate, more or fewer units) from ``effective_from``: a new version; the
    earlier versions stay as they were."""
    package = Package.objects.select_for_update().select_related("contract").get(pk=package.pk)
    first = package.versions.order_by("effective_from").values_list("effective_from", flat=True).first()
    problems = _terms_problems(pence_per_unit=pence_per_unit, units_per_week=units_per_week)
    if first is not None and effective_from <= first:
        problems.append(Problem(f"a change takes effect after the package starts ({first:%-d %B %Y}): to correct "
                                "its first terms, end it and place it again", "effective_from"))
    elif package.versions.filter(effective_from=effective_from).exists():
        problems.append(Problem(f"the package already changes on {effective_from:%-d %B %Y}", "effective_from"))
    if package.end_date is not None and effective_from > package.end_date:
        problems.append(Problem(f"the package ended on {package.end_date:%-d %B %Y}", "effective_from"))
    if effective_from > package.contract.end_date:
        problems.append(Problem(f"the contract ends on {package.contract.end_date:%-d %B %Y}", "effective_from"))
    posted = _posted_from(package, effective_from)
    if posted:
        problems.append(Problem(f"the recharge of {posted} or later has been posted with this package: a change "
                                "takes effect after the last month posted, or reverse that recharge first",
                                "effective_from"))
    if problems:
        raise CommissioningError(problems)
    agreement_data_changed(agreement_id=package.agreement_id)
    version = PackageVersion.objects.create(package=package, effective_from=effective_from,
                                            pence_per_unit=pence_per_unit, units_per_week=Decimal(units_per_week),
                                            recorded_by=acting_user(actor))
    audit_record(actor=actor, action="package_change", obj=package, agreement=package.agreement,
                 after={"reference": package.reference,
                        **snapshot(version, "effective_from", "pence_per_unit", "units_per_week")})
    return version


@transaction.atomic
def package_end(*, actor, package: Package, end_date: date, end_reason: str) -> Package:
    """End the package: ``end_date`` is its last day, for ``end_reason``."""
    package = Package.objects.select_for_update().get(pk=package.pk)
    first = package.versions.order_by("effective_from").values_list("effective_from", flat=True).first()
    problems = []
    if package.end_date is not None:
        problems.append(Problem(f"the package already ended on {package.end_date:%-d %B %Y}", "end_date"))
    elif first is not None and end_date < first:
        problems.append(Problem(f"a package ends on or after it starts ({first:%-d %B %Y})", "end_date"))
    elif _posted_from(package, end_date):
        problems.append(Problem(f"the recharge of {FinancialMonth.containing(end_date)} or later has been posted "
                                "with this package: reverse it first, or end the package after it", "end_date"))
    if end_reason not in EndReason.values:
        problems.append(Problem("choose why the package ended", "end_reason"))
    if problems:
        raise CommissioningError(problems)
    agreement_data_changed(agreement_id=package.agreement_id)
    before = snapshot(package, "end_date", "end_reason")
    package.end_date, package.end_reason, package.modified_by = end_date, end_reason, acting_user(actor)
    package.save(update_fields=["end_date", "end_reason", "modified_by", "modified_at"])
    audit_record(actor=actor, action="package_end", obj=package, agreement=package.agreement, before=before,
                 after={"reference": package.reference, **snapshot(package, "end_date", "end_reason")})
    return package
