"""Simulated Better Care Fund plans for the HWB (upper-tier) areas of England, for load tests, benchmarks and
trying the national view: each area's council, districts and ICB(s) from the packaged reference data
(``data/ltla21_to_icb22_registered_population_2022_23.csv``), a BCF section 75 agreement with a pooled fund and the
year's contributions, the area's allocation (the NHS minimum in proportion to registered population) and a plan
with seeded figures, some of which fail a check. Everything is written through the services, so it is audited.

The figures of an area depend only on the seed, the area and the year, so any selection of areas gives the same
plans. A second run leaves an area that already has its plan for the year as it is and simulates only the others.
"""

import csv
import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources

from s75.agreements import services as agreement_services
from s75.agreements.models import Agreement
from s75.budgets.models import FundingStream
from s75.budgets.services import contribution_set
from s75.core.money import split_largest_remainder
from s75.organisations.models import Organisation, OrganisationKind
from s75.organisations.services import organisation_upsert

from .models import BcfYear, ListName, Plan
from .services import (
    BcfError,
    ConditionRow,
    IncomeRow,
    LineRow,
    MetricRow,
    PlanContents,
    allocation_set,
    plan_contents_replace,
    plan_create,
)

LOOKUP = "ltla21_to_icb22_registered_population_2022_23.csv"
# Pence per registered person, drawn per area: the NHS minimum, the Local Authority Better Care Grant and the DFG.
NHS_MINIMUM_PER_HEAD = (7_500, 9_500)
GRANT_PER_HEAD = (3_500, 5_000)
DFG_PER_HEAD = (1_200, 1_800)
# The required minimum on adult social care, as a part of the NHS minimum (per cent).
ASC_PERCENT = (30, 36)
# How often a plan fails a check, drawn per area: short of the social care minimum, income not fully planned, a
# condition not confirmed, the DFG kept by a two-tier county.
FAILURE_ODDS = {"social_care_short": 0.08, "not_fully_planned": 0.08, "condition_unconfirmed": 0.06,
                "dfg_kept": 0.3}
KIND_BY_PREFIX = {"E06": OrganisationKind.UNITARY_AUTHORITY, "E08": OrganisationKind.METROPOLITAN_DISTRICT,
                  "E09": OrganisationKind.LONDON_BOROUGH, "E10": OrganisationKind.COUNTY_COUNCIL}


@dataclass
class AreaData:
    """An upper-tier area from the lookup: its districts (two-tier counties only) and its ICBs' registered
    population in it."""

    code: str
    name: str
    districts: dict[str, str] = field(default_factory=dict)
    icb_population: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def population(self) -> int:
        return sum(self.icb_population.values())


@dataclass(frozen=True)
class IcbData:
    code: str
    name: str
    region: str


@dataclass
class SimulateResult:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def reference_areas() -> tuple[dict[str, AreaData], dict[str, IcbData]]:
    """The upper-tier areas by ONS code and the ICBs by ODS code, from the packaged lookup."""
    text = resources.files("s75.bcf").joinpath("data", LOOKUP).read_text(encoding="utf-8-sig")
    areas: dict[str, AreaData] = {}
    icbs: dict[str, IcbData] = {}
    for row in csv.DictReader(text.splitlines()):
        area = areas.setdefault(row["utla_code"], AreaData(row["utla_code"], row["utla_name"]))
        if row["lad21_code"] != row["utla_code"]:
            area.districts[row["lad21_code"]] = row["lad21_name"]
        area.icb_population[row["icb_ods_code"]] += int(row["registered_population_2022_23"])
        icbs[row["icb_ods_code"]] = IcbData(row["icb_ods_code"], row["icb_name"], row["nhs_region_name"])
    return areas, icbs


def _organisation(*, kind: str, name: str, ods_code: str | None = None, ons_code: str | None = None,
                  **fields) -> Organisation:
    """The organisation with this code as the register has it, else a new one."""
    existing = Organisation.objects.filter(**({"ods_code": ods_code} if ods_code else {"ons_code": ons_code})).first()
    return existing or organisation_upsert(actor=None, kind=kind, name=name, ods_code=ods_code, ons_code=ons_code,
                                           **fields)


def bcf_simulate(*, year: BcfYear, seed: int, codes: Iterable[str] | None = None,
                 progress: Callable[[int, int, str], None] | None = None) -> SimulateResult:
    """Simulate the plans of the areas with these ONS codes (every area when ``None``) for ``year``."""
    areas, icbs = reference_areas()
    chosen = sorted(areas) if codes is None else list(codes)
    unknown = [code for code in chosen if code not in areas]
    if unknown:
        raise BcfError([f"{code} is not an upper-tier area of the reference data" for code in unknown])
    result = SimulateResult()
    for number, code in enumerate(chosen, start=1):
        area = areas[code]
        council = _organisation(kind=KIND_BY_PREFIX.get(code[:3], OrganisationKind.UNITARY_AUTHORITY),
                                name=area.name, ons_code=code)
        if Plan.objects.filter(hwb=council, year=year).exists():
            result.kept.append(area.name)
        else:
            _simulate_area(area=area, council=council, icbs=icbs, year=year,
                           rng=random.Random(f"{seed}:{code}:{year.financial_year}"))  # noqa: S311 (not secret)
            result.created.append(area.name)
        if progress is not None:
            progress(number, len(chosen), area.name)
    return result


def _simulate_area(*, area: AreaData, council: Organisation, icbs: dict[str, IcbData], year: BcfYear,
                   rng: random.Random) -> Plan:
    start = year.financial_year
    districts = [_organisation(kind=OrganisationKind.DISTRICT_COUNCIL, name=name, ons_code=code, parent=council)
                 for code, name in sorted(area.districts.items())]
    icb_orgs = {code: _organisation(kind=OrganisationKind.ICB, name=icbs[code].name, ods_code=code,
                                    region=icbs[code].region) for code in sorted(area.icb_population)}
    reference = f"bcf-{area.code.lower()}-{start}"
    agreement = Agreement.objects.filter(reference=reference, held_by=council).first()
    if agreement is None:
        agreement = agreement_services.agreement_create(
            actor=None, reference=reference, held_by=council,
            title=f"{area.name} Better Care Fund section 75 agreement {year}",
            start_date=datetime.date(start, 4, 1), end_date=datetime.date(start + 1, 3, 31), pooled_fund=True,
            is_better_care_fund=True, pooled_fund_manager_name="Director of Integrated Commissioning",
            contribution_variation_terms="Varied by written agreement of the partners.",
            review_terms="Reviewed by the Health and Wellbeing Board each quarter.",
            variation_terms="Varied in writing.", termination_terms="Six months' notice, not before the year's end.",
            fund_management_terms="The council hosts the fund.", consultation_exemption_reason="The annual BCF pool.",
        )
    parties = {party.organisation_id: party for party in agreement.parties.all()}
    for organisation in (council, *icb_orgs.values()):
        if organisation.pk not in parties:
            parties[organisation.pk] = agreement_services.party_add(
                actor=None, agreement=agreement, organisation=organisation, is_host=organisation == council)
    schedules = list(agreement.schedules.order_by("number")) or [
        agreement_services.schedule_create(
            actor=None, agreement=agreement, title=title, lead_commissioner=parties[council.pk],
            aims_and_outcomes="People stay well and independent at home.", nhs_functions="Community health",
            health_related_functions="Adult social care", eligible_people="Adults of the area.", services=title,
            resources="Staff and budgets of the partners.")
        for title in ("Integrated care and support", "Disabled Facilities Grant")
    ]
    item = {(row.list, row.code): row for row in year.items.all()}
    pop = area.population
    nhs = {code: population * rng.randint(*NHS_MINIMUM_PER_HEAD) for code, population in area.icb_population.items()}
    nhs_total = sum(nhs.values())
    asc_minimum = nhs_total * rng.randint(*ASC_PERCENT) // 100
    allocation_set(actor=None, hwb=council, year=year, nhs_minimum_pence=nhs_total, asc_minimum_pence=asc_minimum)
    # (source code, organisation, pence, schedule)
    income = [("nhs-minimum", icb_orgs[code], pence, schedules[0]) for code, pence in sorted(nhs.items())]
    income.append(("la-better-care-grant", council, pop * rng.randint(*GRANT_PER_HEAD), schedules[0]))
    income.append(("dfg", council, pop * rng.randint(*DFG_PER_HEAD), schedules[1]))
    if rng.random() < 0.4:
        income.append(("additional-la", council, pop * rng.randint(200, 1_500), schedules[0]))
    streams = {stream.pk: stream for stream in FundingStream.objects.all()}
    for code, organisation, pence, schedule in income:
        contribution_set(actor=None, schedule=schedule, party=parties[organisation.pk], financial_year=start,
                         funding_stream=streams[item[(ListName.SOURCE, code)].funding_stream_id], amount_pence=pence)
    fails = {name for name, odds in FAILURE_ODDS.items() if rng.random() < odds}
    by_source: dict[str, int] = defaultdict(int)
    for code, _, pence, _ in income:
        by_source[code] += pence
    lines = _lines(rng=rng, item=item, by_source=by_source, asc_minimum=asc_minimum, fails=fails,
                   schedules=schedules, districts=districts)
    conditions = sorted((row for row in item.values() if row.list == ListName.NATIONAL_CONDITION),
                        key=lambda row: row.position)
    unconfirmed = rng.choice(conditions) if "condition_unconfirmed" in fails else None
    metrics = [row for row in item.values() if row.list == ListName.METRIC]
    plan = plan_create(actor=None, hwb=council, year=year, agreement=agreement)
    return plan_contents_replace(actor=None, plan=plan, contents=PlanContents(
        income=[IncomeRow(source=item[(ListName.SOURCE, code)], organisation=organisation, amount_pence=pence)
                for code, organisation, pence, _ in income],
        lines=lines,
        conditions=[ConditionRow(condition=row, confirmed=row != unconfirmed,
                                 comment="" if row == unconfirmed else "Agreed at the Health and Wellbeing Board.")
                    for row in conditions],
        metrics=[MetricRow(metric=metric, quarter=quarter, planned=Decimal(rng.randint(500, 90_000)) / 100)
                 for metric in metrics for quarter in (1, 2, 3, 4)],
        narrative=f"{area.name}: home first, with discharge support and community services.",
    ))


def _lines(*, rng: random.Random, item: dict, by_source: dict[str, int], asc_minimum: int, fails: set[str],
           schedules: list, districts: list[Organisation]) -> list[LineRow]:
    """10 to 30 lines: each source's income spread over its lines, the NHS minimum's social care lines above the
    required minimum unless the plan is to fall short."""
    types = [row for (list_name, _), row in item.items() if list_name == ListName.SCHEME_TYPE and row.code != "dfg"]
    areas = {row.code: row for (list_name, _), row in item.items() if list_name == ListName.AREA_OF_SPEND}
    providers = [row for (list_name, _), row in item.items() if list_name == ListName.PROVIDER_TYPE]
    other_areas = [row for code, row in sorted(areas.items()) if code != "social-care"]
    count = rng.randint(10, 30)
    sources = [code for code in by_source if code not in ("nhs-minimum", "dfg")]
    dfg_count = max(1, len(districts)) if districts else 1
    nhs_count = max(4, count - dfg_count - 2 * len(sources))
    social_care_count = nhs_count // 2
    nhs_total = by_source["nhs-minimum"]
    social_care = min(nhs_total, asc_minimum * (rng.randint(85, 95) if "social_care_short" in fails
                                                else rng.randint(105, 140)) // 100)
    plan: list[tuple[str, int, object]] = []  # (source code, pence, area of spend)
    plan += [("nhs-minimum", pence, areas["social-care"])
             for pence in split_largest_remainder(social_care, _weights(rng, social_care_count))]
    plan += [("nhs-minimum", pence, rng.choice(other_areas)) for pence in split_largest_remainder(
        nhs_total - social_care, _weights(rng, nhs_count - social_care_count))]
    for code in sources:
        plan += [(code, pence, rng.choice([areas["social-care"], *other_areas]))
                 for pence in split_largest_remainder(by_source[code], _weights(rng, 2))]
    if "not_fully_planned" in fails:
        code, pence, area = plan[-1]
        plan[-1] = (code, pence - pence * rng.randint(5, 20) // 100, area)
    rows = []
    for number, (code, pence, area) in enumerate(plan, start=1):
        commissioner = rng.choice(["la", "nhs", "joint"])
        nhs_percent = Decimal(rng.randint(2, 8) * 10) if commissioner == "joint" else None
        rows.append(LineRow(
            scheme_id=str(number), scheme_name=f"Scheme {number}", scheme_type=rng.choice(types), area_of_spend=area,
            commissioner=commissioner, nhs_percent=nhs_percent,
            la_percent=100 - nhs_percent if nhs_percent is not None else None, provider_type=rng.choice(providers),
            source=item[(ListName.SOURCE, code)], planned_pence=pence,
            new_or_existing=rng.choice(["new", "existing"]), schedule=schedules[0]))
    dfg_shares = split_largest_remainder(by_source["dfg"], _weights(rng, dfg_count))
    keep = "dfg_kept" in fails
    for index, pence in enumerate(dfg_shares):
        rows.append(LineRow(
            scheme_id=f"D{index + 1}", scheme_name="Disabled Facilities Grant adaptations",
            scheme_type=item[(ListName.SCHEME_TYPE, "dfg")], sub_type=item[(ListName.SUB_TYPE, "dfg-adaptations")],
            area_of_spend=areas["social-care"], commissioner="la", provider_type=item[(ListName.PROVIDER_TYPE,
                                                                                      "local-authority")],
            source=item[(ListName.SOURCE, "dfg")], planned_pence=pence, new_or_existing="existing",
            schedule=schedules[1], passed_to=districts[index] if districts and not keep else None,
            description="Adaptations to people's homes."))
    return rows


def _weights(rng: random.Random, count: int) -> list[int]:
    return [rng.randint(1, 10) for _ in range(count)]
