"""The demo's lead commissioning: Hampshire County Council, lead commissioner of the care at home and in alternative
settings schedule, places a few hundred packages for the five CCGs and itself with its framework's providers in
2018-19, and recharges each partner every month of that year.

Generated from a fixed seed, so every load is the same: home care at £20 to £26 an hour, nursing care at £900 to
£1,400 a week, residential care by band; some packages funded jointly by shares, some with a rate change or more
hours from a date in the year, some ended part way. A few lines are disputed: one is resolved and charged in a
later month, one stays open and is carried to each later statement. Everything goes through the commissioning
and ledger services, so the ledger holds each month's payments to the providers and the recharges that move each
partner's share out of them; the load is skipped when Hampshire already has packages.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from s75.agreements.models import Agreement, Party
from s75.commissioning.costing import month_days
from s75.commissioning.models import Dispute, DisputeOutcome, EndReason, Package, ProviderType, RateUnit
from s75.commissioning.recharges import dispute_mark, dispute_resolve, recharge_post
from s75.commissioning.selectors import year_purchases
from s75.commissioning.services import (
    RateSpec,
    ShareSpec,
    contract_create,
    package_change,
    package_create,
    package_end,
    provider_create,
)
from s75.core.fiscal import FinancialMonth, FinancialYear
from s75.ledger.models import AccountRole
from s75.ledger.services import LineSpec, entry_post, fund_open

HAMPSHIRE = "hampshire-s75-care-at-home"
YEAR = FinancialYear(2018)
PACKAGES = 300
SEED = "hampshire-lead-commissioning-2018-19"


@dataclass(frozen=True)
class DemoProvider:
    name: str
    provider_type: str
    companies_house_number: str
    cqc_id: str
    lot: str
    contract: str
    unit: str
    low_pence: int  # the rates its packages are bought at, from and to
    high_pence: int
    ceiling_pence: int


PROVIDERS = (
    DemoProvider("Test Valley Home Care Ltd", ProviderType.HOME_CARE, "08123401", "1-201800001",
                 "Lot 1: care at home", "HCC-HC-01", RateUnit.HOUR, 2000, 2350, 4_000_000_00),
    DemoProvider("Solent Homecare Services Ltd", ProviderType.HOME_CARE, "08123402", "1-201800002",
                 "Lot 1: care at home", "HCC-HC-02", RateUnit.HOUR, 2050, 2450, 4_000_000_00),
    DemoProvider("New Forest Care at Home Ltd", ProviderType.HOME_CARE, "08123403", "1-201800003",
                 "Lot 1: care at home", "HCC-HC-03", RateUnit.HOUR, 2100, 2500, 4_000_000_00),
    DemoProvider("Basingstoke Community Care Ltd", ProviderType.HOME_CARE, "08123404", "1-201800004",
                 "Lot 1: care at home", "HCC-HC-04", RateUnit.HOUR, 2000, 2500, 4_000_000_00),
    DemoProvider("Itchen Valley Nursing Home Ltd", ProviderType.NURSING, "08123405", "1-201800005",
                 "Lot 3: nursing care", "HCC-NC-01", RateUnit.WEEK, 90000, 125000, 12_000_000_00),
    DemoProvider("Meon Nursing Care Ltd", ProviderType.NURSING, "08123406", "1-201800006",
                 "Lot 3: nursing care", "HCC-NC-02", RateUnit.WEEK, 100000, 135000, 12_000_000_00),
    DemoProvider("Avon Residential Homes Ltd", ProviderType.RESIDENTIAL, "08123407", "1-201800007",
                 "Lot 2: residential care", "HCC-RC-01", RateUnit.BAND, 65000, 85000, 6_000_000_00),
)
RESIDENTIAL_BANDS = {"Standard": 65000, "Enhanced": 75000, "Dementia": 85000}
# Who decides a package: the council for most home care, the CCGs for continuing healthcare, above all nursing.
JOINT_SHARES = ((5000, 5000), (6000, 4000), (7000, 3000))


def _contracts(agreement: Agreement) -> dict:
    schedule = agreement.schedules.get(number=1)
    contracts = {}
    for spec in PROVIDERS:
        provider = provider_create(actor=None, name=spec.name, provider_type=spec.provider_type,
                                   companies_house_number=spec.companies_house_number, cqc_id=spec.cqc_id,
                                   framework_lot=spec.lot)
        if spec.unit == RateUnit.BAND:
            rates = [RateSpec(RateUnit.BAND, pence, band) for band, pence in RESIDENTIAL_BANDS.items()]
        else:
            rates = [RateSpec(spec.unit, spec.low_pence)]
        contracts[spec] = contract_create(
            actor=None, schedule=schedule, provider=provider, reference=spec.contract, start_date=YEAR.starts_on,
            end_date=date(2023, 3, 31), ceiling_pence=spec.ceiling_pence, rates=rates)
    return contracts


def _funding(rng: random.Random, spec: DemoProvider, council: Party, ccgs: list[Party]) -> list[ShareSpec]:
    ccg = rng.choice(ccgs)
    roll = rng.random()
    if roll < 0.12:
        first, second = rng.choice(JOINT_SHARES)
        return [ShareSpec(ccg, first), ShareSpec(council, second)]
    council_chance = 0.6 if spec.unit == RateUnit.HOUR else 0.25
    return [ShareSpec(council if roll < 0.12 + council_chance else ccg, 10_000)]


def _place(rng: random.Random, number: int, contracts: dict, council: Party, ccgs: list[Party]) -> Package:
    spec = rng.choices(PROVIDERS, weights=[5, 5, 4, 4, 2, 2, 2])[0]
    start = YEAR.starts_on + timedelta(days=rng.choice([0] * 40 + list(range(300))))
    if spec.unit == RateUnit.HOUR:
        pence, units = rng.randrange(spec.low_pence, spec.high_pence + 1, 5), Decimal(rng.randrange(10, 57)) / 2
    elif spec.unit == RateUnit.BAND:
        pence, units = rng.choice(list(RESIDENTIAL_BANDS.values())), Decimal(1)
    else:
        pence, units = rng.randrange(spec.low_pence, spec.high_pence + 1, 500), Decimal(1)
    reference = f"HCP-{number:04d}-{rng.randrange(16**3):03X}"
    package = package_create(actor=None, contract=contracts[spec], reference=reference, unit=spec.unit,
                             effective_from=start, pence_per_unit=pence, units_per_week=units,
                             funding=_funding(rng, spec, council, ccgs))
    change_from = start + timedelta(days=rng.randrange(28, 200))
    if change_from < YEAR.ends_on and rng.random() < 0.25:
        if spec.unit == RateUnit.HOUR and rng.random() < 0.6:
            units += Decimal(rng.randrange(2, 15)) / 2  # more hours
        else:
            pence += rng.randrange(1, 5) * (25 if spec.unit == RateUnit.HOUR else 1250)  # a negotiated uplift
        package_change(actor=None, package=package, effective_from=change_from, pence_per_unit=pence,
                       units_per_week=units)
    end = start + timedelta(days=rng.randrange(40, 500))
    if end < YEAR.ends_on and rng.random() < 0.35:
        package_end(actor=None, package=package, end_date=max(end, change_from),
                    end_reason=rng.choice(EndReason.values))
    return package


def _disputes(packages: list[Package], ccgs: list[Party]) -> Dispute:
    """A CCG disputes two lines of December: one resolved to be charged in January, one left open, carried."""
    december = FinancialMonth(YEAR, 9)
    first, last = month_days(december)
    disputed = []
    for package in packages:
        funders = [share.party for share in package.funding.all() if share.party in ccgs]
        versions = package.versions.order_by("effective_from")
        if funders and versions[0].effective_from < first and (package.end_date or last) >= last:
            disputed.append((package, funders[0]))
        if len(disputed) == 2:
            break
    (charged, charged_by), (held, held_by) = disputed
    resolved = dispute_mark(actor=None, package=charged, party=charged_by, month=december,
                            reason="The hours recorded do not match the care plan")
    dispute_mark(actor=None, package=held, party=held_by, month=december,
                 reason="Continuing healthcare eligibility not yet agreed for this month")
    return resolved


def _provider_payments(agreement: Agreement):
    """A function posting a month's payments to the providers, as the council's general ledger would bring them: the
    whole cost of the month's care (disputed lines included: a dispute is between the partners), Dr each schedule's
    expenditure, Cr creditors. The recharges then move each partner's share out of the expenditure."""
    fund = agreement.fund
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    expenditure = {account.schedule_id: account for account in fund.accounts.filter(role=AccountRole.EXPENDITURE)}
    bought = [year_purchases(agreement=agreement, year=YEAR, month=month).schedule_bought_to_date
              for month in range(13)]

    def paid(month: int) -> None:
        costs = {schedule: pence - bought[month - 1].get(schedule, 0)
                 for schedule, pence in bought[month].items()}
        label = f"{month_days(FinancialMonth(YEAR, month))[0]:%B %Y}"
        entry_post(actor=None, fund=fund, period=fund.periods.get(financial_year=YEAR.start_year, number=month),
                   description=f"Payments to the framework's providers for care in {label}", lines=[
                       *(LineSpec(expenditure[schedule], pence, f"Care packages, {label}")
                         for schedule, pence in sorted(costs.items()) if pence),
                       LineSpec(creditors, -sum(costs.values()), f"Owed to providers for {label}"),
                   ])

    return paid


def commissioning_demo_load() -> None:
    agreement = Agreement.objects.get(reference=HAMPSHIRE)
    if Package.objects.filter(agreement=agreement).exists():
        return
    fund_open(actor=None, agreement=agreement)
    contracts = _contracts(agreement)
    parties = list(agreement.parties.order_by("position", "pk"))
    council = next(party for party in parties if party.is_host)
    ccgs = [party for party in parties if party != council]
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not a secret
    packages = [_place(rng, number, contracts, council, ccgs) for number in range(1, PACKAGES + 1)]
    resolved = _disputes(packages, ccgs)
    today = timezone.localdate()
    paid = _provider_payments(agreement)
    for month in range(1, 13):
        paid(month)
        if month == 10:
            dispute_resolve(actor=None, dispute=resolved, outcome=DisputeOutcome.CHARGE)
        for party in parties:
            recharge_post(actor=None, agreement=agreement, party=party, month=FinancialMonth(YEAR, month),
                          today=today)
