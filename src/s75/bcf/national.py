"""The national and regional view of Better Care Fund plans (DESIGN.md §7): NHS England sees every plan, an ICB's
users the plans of the HWB areas whose agreements their ICB is party to. Totals by source, scheme type, area of
spend, commissioner and provider type; the share of the NHS minimum contribution spent on social care; and the
plans failing each check.

The checks are computed here for every plan at once, in a fixed number of aggregate queries, with the same rules
as ``checks.plan_checks`` (which works one plan at a time and says why, in words); the tests hold the two equal.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.db.models import Min, Sum

from s75.agreements.models import Party
from s75.budgets.models import Contribution
from s75.organisations.models import REGISTER_GENERATION, Organisation, OrganisationKind

from .checks import (
    CHECKS,
    CONDITIONS_CONFIRMED,
    DFG_TO_DISTRICTS,
    INCOME_MATCHES_FUND,
    INCOME_PLANNED,
    NHS_MINIMUM_TO_SOCIAL_CARE,
)
from .models import (
    REFERENCE_GENERATION,
    Allocation,
    Commissioner,
    ConditionConfirmation,
    ExpenditureLine,
    Income,
    ListItem,
    ListName,
    Plan,
    PlanStatus,
    SourceRole,
)
from .selectors import plans_visible_to, sees_every_plan


def national_view_allowed(*, user) -> bool:
    """NHS England (every plan) and the users of an ICB (the plans of its HWB areas)."""
    if sees_every_plan(user=user):
        return True
    organisation = getattr(user, "organisation", None)
    return organisation is not None and organisation.kind == OrganisationKind.ICB


NATIONAL = ("england",)


def national_scope(*, user) -> tuple:
    """What, besides the data and the filters, decides which plans the user's view holds: every plan, or those of
    the agreements the user's organisation (and what it succeeded) is party to."""
    return NATIONAL if sees_every_plan(user=user) else ("organisation", user.organisation_id)


def national_inputs_version() -> tuple:
    """A value that changes whenever anything the national view is drawn from changes, in one statement
    (docs/adr/0008): the number of plans, the last plan's id and when the first was made (so that a database made
    afresh is never answered from what was kept for another); the sum of the plans' agreements' ``data_version``,
    which every change to a plan (``services``), its agreement's partners, schedules and contributions
    (``agreements.services``) moves on in its own transaction, and which only ever grows; and the generation counters
    of the organisations register and of the BCF years, lists and allocations. Read it before what it versions, so
    that nothing is ever kept under a newer version than the data it was drawn from.

    The statement is written out because the ORM takes ten times longer to build it than the database takes to run
    it (0.3 ms against 0.04 ms, for 152 plans on SQLite), and it is read on every request of the view;
    ``tests/bcf/test_national.py`` holds it to the tables' names. It is read from the database the view's data is
    read from (the replica, for a read-only request: s75.core.replica), never one behind it."""
    with connections[router.db_for_read(Plan)].cursor() as cursor:
        cursor.execute(_VERSION_SQL, [REGISTER_GENERATION, REFERENCE_GENERATION])
        return tuple(cursor.fetchone())


_VERSION_SQL = (
    "SELECT COUNT(p.id), MAX(p.id), MIN(p.created_at), SUM(a.data_version),"
    " (SELECT version FROM core_generation WHERE name = %s), (SELECT version FROM core_generation WHERE name = %s)"
    " FROM bcf_plan p JOIN agreements_agreement a ON a.id = p.agreement_id"
)


@dataclass(frozen=True)
class NationalFilters:
    """``year`` is the calendar year a financial year starts in; ``icb`` an ICB's id; ``failing`` a check code."""

    year: int | None = None
    region: str = ""
    icb: int | None = None
    status: str = ""
    failing: str = ""


@dataclass
class PlanRow:
    plan: Plan
    icbs: list[str] = field(default_factory=list)
    region: str = ""
    income_pence: int = 0
    planned_pence: int = 0
    nhs_minimum_pence: int = 0
    nhs_minimum_social_care_pence: int = 0
    failing: list[str] = field(default_factory=list)

    @property
    def social_care_share(self) -> Fraction | None:
        """The part of the NHS minimum contribution planned on social care (``None`` without an NHS minimum)."""
        if not self.nhs_minimum_pence:
            return None
        return Fraction(self.nhs_minimum_social_care_pence, self.nhs_minimum_pence)


@dataclass(frozen=True)
class TotalRow:
    name: str
    planned_pence: int
    income_pence: int | None = None


@dataclass
class NationalView:
    plans: list[PlanRow]
    by_source: list[TotalRow]
    by_scheme_type: list[TotalRow]
    by_area_of_spend: list[TotalRow]
    by_commissioner: list[TotalRow]
    by_provider_type: list[TotalRow]
    failing: dict[str, list[PlanRow]]

    @property
    def nhs_minimum_pence(self) -> int:
        return sum(row.nhs_minimum_pence for row in self.plans)

    @property
    def nhs_minimum_social_care_pence(self) -> int:
        return sum(row.nhs_minimum_social_care_pence for row in self.plans)

    @property
    def social_care_share(self) -> Fraction | None:
        total = self.nhs_minimum_pence
        return Fraction(self.nhs_minimum_social_care_pence, total) if total else None

    @property
    def income_pence(self) -> int:
        return sum(row.income_pence for row in self.plans)

    @property
    def planned_pence(self) -> int:
        return sum(row.planned_pence for row in self.plans)


def national_plans(*, user, filters: NationalFilters = NationalFilters()):
    """The plans the user's national or regional view holds, filtered (all but ``failing``, which needs the checks);
    ``PermissionDenied`` for anyone else."""
    if not national_view_allowed(user=user):
        raise PermissionDenied
    plans = plans_visible_to(user=user)
    if filters.year is not None:
        plans = plans.filter(year__financial_year=filters.year)
    if filters.status:
        plans = plans.filter(status=filters.status)
    if filters.icb is not None:
        plans = plans.filter(agreement__parties__organisation=filters.icb)
    if filters.region:
        plans = plans.filter(agreement__parties__organisation__kind=OrganisationKind.ICB,
                             agreement__parties__organisation__region=filters.region)
    return plans.distinct()


def national_view(*, user, filters: NationalFilters = NationalFilters()) -> NationalView:
    plans = list(national_plans(user=user, filters=filters))
    facts = _facts(plans)
    ordered = plan_rows(plans=plans, facts=facts)
    if filters.failing:
        ordered = [row for row in ordered if filters.failing in row.failing]
    plan_ids = {row.plan.pk for row in ordered}
    lines = ExpenditureLine.objects.filter(plan__in=plan_ids)
    return NationalView(
        plans=ordered,
        by_source=_source_totals(facts, plan_ids),
        by_scheme_type=_item_totals(lines, "scheme_type"),
        by_area_of_spend=_named_totals(facts, [(line["area_of_spend"], line["total"]) for line in facts.lines
                                               if line["plan"] in plan_ids]),
        by_commissioner=[TotalRow(Commissioner(row["commissioner"]).label, row["total"])
                         for row in lines.values("commissioner").annotate(total=Sum("planned_pence"))
                         .order_by("commissioner")],
        by_provider_type=_item_totals(lines, "provider_type"),
        failing={code: [row for row in ordered if code in row.failing] for code in CHECKS},
    )


def _item_totals(lines, dimension: str) -> list[TotalRow]:
    """Planned expenditure per item of a list, items of different years with the same name added together."""
    return [TotalRow(row[f"{dimension}__name"], row["total"])
            for row in lines.values(f"{dimension}__name").annotate(total=Sum("planned_pence"),
                                                                    position=Min(f"{dimension}__position"))
            .order_by("position", f"{dimension}__name")]


def _named_totals(facts: "_Facts", amounts: list[tuple[int, int]]) -> list[TotalRow]:
    """``(item id, pence)`` added up per item name (items of different years with the same name together), in the
    lists' order."""
    totals: dict[str, int] = defaultdict(int)
    position: dict[str, int] = {}
    for pk, pence in amounts:
        item = facts.items[pk]
        totals[item["name"]] += pence
        position[item["name"]] = min(position.get(item["name"], item["position"]), item["position"])
    return [TotalRow(name, total) for name, total in sorted(totals.items(), key=lambda pair: (position[pair[0]],
                                                                                               pair[0]))]


def _source_totals(facts: "_Facts", plan_ids: set[int]) -> list[TotalRow]:
    income = {row.name: row.planned_pence for row in _named_totals(
        facts, [(row["source"], row["total"]) for row in facts.income if row["plan"] in plan_ids])}
    planned = _named_totals(facts, [(row["source"], row["total"]) for row in facts.lines if row["plan"] in plan_ids]
                            + [(row["source"], 0) for row in facts.income if row["plan"] in plan_ids])
    return [TotalRow(row.name, row.planned_pence, income.get(row.name, 0)) for row in planned]


@dataclass(frozen=True)
class _Facts:
    """What the plans' rows, their checks and the totals by source and area of spend are drawn from, read once:
    the list items of the plans' years by id, and the income and planned expenditure added up per plan and what
    the checks tell apart."""

    items: dict[int, dict]
    # plan, source, organisation, total
    income: list[dict]
    # plan, source, area_of_spend, passed_to, total
    lines: list[dict]


def _facts(plans: list[Plan]) -> _Facts:
    plan_ids = [plan.pk for plan in plans]
    return _Facts(
        items={item["pk"]: item for item in ListItem.objects.filter(year__in={plan.year_id for plan in plans}).values(
            "pk", "list", "year", "name", "position", "source_role", "funding_stream", "is_social_care")},
        income=list(Income.objects.filter(plan__in=plan_ids).values("plan", "source", "organisation").annotate(
            total=Sum("amount_pence")).order_by()),
        lines=list(ExpenditureLine.objects.filter(plan__in=plan_ids).values(
            "plan", "source", "area_of_spend", "passed_to").annotate(total=Sum("planned_pence")).order_by()),
    )


def plan_rows(*, plans, facts: _Facts | None = None) -> list[PlanRow]:
    """Each plan with its ICBs and region, income, planned expenditure, NHS minimum (and the part of it on social
    care) and failing checks, latest year first, then by area; in a fixed number of queries."""
    plans = list(plans)
    facts = facts or _facts(plans)
    rows = {plan.pk: PlanRow(plan) for plan in plans}
    failing = plans_failing(plans=plans, facts=facts)
    for party in (Party.objects.filter(agreement__bcf_plans__in=list(rows), organisation__kind=OrganisationKind.ICB)
                  .values("agreement__bcf_plans", "organisation__name", "organisation__region")
                  .order_by("organisation__name")):
        row = rows[party["agreement__bcf_plans"]]
        row.icbs.append(party["organisation__name"])
        row.region = row.region or party["organisation__region"]
    for income in facts.income:
        row = rows[income["plan"]]
        row.income_pence += income["total"]
        if facts.items[income["source"]]["source_role"] == SourceRole.NHS_MINIMUM:
            row.nhs_minimum_pence += income["total"]
    for line in facts.lines:
        row = rows[line["plan"]]
        row.planned_pence += line["total"]
        if _nhs_minimum_on_social_care(facts, line):
            row.nhs_minimum_social_care_pence += line["total"]
    for pk, row in rows.items():
        row.failing = failing[pk]
    return sorted(rows.values(), key=lambda row: (-row.plan.year.financial_year, row.plan.hwb.name))


def _nhs_minimum_on_social_care(facts: _Facts, line: dict) -> bool:
    return (facts.items[line["source"]]["source_role"] == SourceRole.NHS_MINIMUM
            and facts.items[line["area_of_spend"]]["is_social_care"])


def plans_failing(*, plans: list[Plan], facts: _Facts | None = None) -> dict[int, list[str]]:
    """The codes of the checks each plan fails, in the order of ``checks.CHECKS``: the verdicts of
    ``checks.plan_checks`` for every plan at once, in a fixed number of queries whatever the number of plans."""
    facts = facts or _facts(plans)
    failing: dict[int, set[str]] = {plan.pk: set() for plan in plans}
    for pk in _income_not_planned(plans, facts):
        failing[pk].add(INCOME_PLANNED)
    for pk in _nhs_minimum_short(plans, facts):
        failing[pk].add(NHS_MINIMUM_TO_SOCIAL_CARE)
    for pk in _dfg_kept(plans, facts):
        failing[pk].add(DFG_TO_DISTRICTS)
    for pk in _conditions_unconfirmed(plans, facts):
        failing[pk].add(CONDITIONS_CONFIRMED)
    for pk in _income_not_fund(plans, facts):
        failing[pk].add(INCOME_MATCHES_FUND)
    return {pk: [code for code in CHECKS if code in codes] for pk, codes in failing.items()}


def _income_not_planned(plans: list[Plan], facts: _Facts) -> set[int]:
    # Only the sources of the plan's own year count, as in checks.income_planned.
    year_of = {plan.pk: plan.year_id for plan in plans}

    def own_year(row: dict) -> bool:
        item = facts.items[row["source"]]
        return item["list"] == ListName.SOURCE and item["year"] == year_of[row["plan"]]

    gaps: dict[tuple[int, int], int] = defaultdict(int)
    for row in filter(own_year, facts.income):
        gaps[(row["plan"], row["source"])] += row["total"]
    for row in filter(own_year, facts.lines):
        gaps[(row["plan"], row["source"])] -= row["total"]
    return {plan for (plan, _), gap in gaps.items() if gap}


def _nhs_minimum_short(plans: list[Plan], facts: _Facts) -> set[int]:
    spent: dict[int, int] = defaultdict(int)
    for line in facts.lines:
        if _nhs_minimum_on_social_care(facts, line):
            spent[line["plan"]] += line["total"]
    required = {(row["hwb"], row["year"]): row["asc_minimum_pence"] for row in Allocation.objects.filter(
        hwb__in={plan.hwb_id for plan in plans}).values("hwb", "year", "asc_minimum_pence")}
    return {plan.pk for plan in plans
            if (plan.hwb_id, plan.year_id) not in required
            or spent[plan.pk] < required[(plan.hwb_id, plan.year_id)]}


def _dfg_kept(plans: list[Plan], facts: _Facts) -> set[int]:
    districts: dict[int, set[int]] = defaultdict(set)
    for district, hwb in Organisation.objects.filter(
            parent__in={plan.hwb_id for plan in plans}, kind=OrganisationKind.DISTRICT_COUNCIL).values_list(
            "pk", "parent"):
        districts[hwb].add(district)
    hwb_of = {plan.pk: plan.hwb_id for plan in plans if plan.hwb_id in districts}
    return {line["plan"] for line in facts.lines
            if line["plan"] in hwb_of and facts.items[line["source"]]["source_role"] == SourceRole.DFG
            and line["passed_to"] not in districts[hwb_of[line["plan"]]]}


def _conditions_unconfirmed(plans: list[Plan], facts: _Facts) -> set[int]:
    conditions: dict[int, set[int]] = defaultdict(set)
    for pk, item in facts.items.items():
        if item["list"] == ListName.NATIONAL_CONDITION:
            conditions[item["year"]].add(pk)
    confirmed: dict[int, set[int]] = defaultdict(set)
    for plan, condition in ConditionConfirmation.objects.filter(
            plan__in=[plan.pk for plan in plans], confirmed=True).values_list("plan", "condition"):
        confirmed[plan].add(condition)
    return {plan.pk for plan in plans if conditions[plan.year_id] - confirmed[plan.pk]}


def _income_not_fund(plans: list[Plan], facts: _Facts) -> set[int]:
    """Plans whose income per funding stream and organisation differs from their agreement's contributions of the
    plan's year."""
    by_agreement_year: dict[tuple[int, int], list[int]] = defaultdict(list)
    for plan in plans:
        by_agreement_year[(plan.agreement_id, plan.year.financial_year)].append(plan.pk)
    gaps: dict[int, dict[tuple[int, int], int]] = {plan.pk: defaultdict(int) for plan in plans}
    for row in Contribution.objects.filter(schedule__agreement__in={plan.agreement_id for plan in plans}).values(
            "schedule__agreement", "financial_year", "funding_stream", "party__organisation").annotate(
            total=Sum("amount_pence")).order_by():
        for pk in by_agreement_year.get((row["schedule__agreement"], row["financial_year"]), ()):
            gaps[pk][(row["funding_stream"], row["party__organisation"])] += row["total"]
    for row in facts.income:
        gaps[row["plan"]][(facts.items[row["source"]]["funding_stream"], row["organisation"])] -= row["total"]
    return {pk for pk, by_key in gaps.items() if any(by_key.values())}


def national_filter_choices(*, user) -> dict:
    """What the filters offer: the years, regions and ICBs of the plans the user sees, the statuses and checks."""
    plans = national_plans(user=user)
    icbs = Organisation.objects.filter(kind=OrganisationKind.ICB, parties__agreement__bcf_plans__in=plans).distinct()
    return {
        "years": sorted(set(plans.values_list("year__financial_year", flat=True)), reverse=True),
        "regions": sorted(set(icbs.exclude(region="").values_list("region", flat=True))),
        "icbs": list(icbs.order_by("name").values_list("pk", "name")),
        "statuses": PlanStatus.choices,
        "checks": list(CHECKS.items()),
    }
