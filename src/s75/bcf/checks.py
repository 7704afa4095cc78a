"""The national checks of a plan (DESIGN.md §7), computed from its data: each says whether it passes and, either
way, why, with the figures. The plan page, the return's checklist and the submit gate all read them here."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum

from s75.budgets.models import Contribution, FundingStream
from s75.core.money import format_gbp
from s75.organisations.models import Organisation, OrganisationKind

from .models import Allocation, ExpenditureLine, ListName, Plan, SourceRole

INCOME_PLANNED = "income_planned"
NHS_MINIMUM_TO_SOCIAL_CARE = "nhs_minimum_social_care"
DFG_TO_DISTRICTS = "dfg_to_districts"
CONDITIONS_CONFIRMED = "conditions_confirmed"
INCOME_MATCHES_FUND = "income_matches_fund"

# In the order the plan page and the checklist show them.
CHECKS: dict[str, str] = {
    INCOME_PLANNED: "The income of each source is fully planned",
    NHS_MINIMUM_TO_SOCIAL_CARE: "The NHS minimum contribution to adult social care is at least the required minimum",
    DFG_TO_DISTRICTS: "The Disabled Facilities Grant is passed to the district councils",
    CONDITIONS_CONFIRMED: "Every national condition is confirmed",
    INCOME_MATCHES_FUND: "The plan's income equals the pooled fund's contributions for the year",
}


@dataclass(frozen=True)
class CheckResult:
    code: str
    passed: bool
    # Why it passes or fails, in words with the figures, one sentence each.
    reasons: tuple[str, ...]

    @property
    def title(self) -> str:
        return CHECKS[self.code]


def _income_by_source(plan: Plan) -> dict[int, int]:
    return dict(plan.income.values("source_id").annotate(total=Sum("amount_pence")).values_list("source_id", "total"))


def _planned_by_source(plan: Plan) -> dict[int, int]:
    return dict(plan.lines.values("source_id").annotate(total=Sum("planned_pence")).values_list("source_id", "total"))


def income_planned(plan: Plan) -> CheckResult:
    income, planned = _income_by_source(plan), _planned_by_source(plan)
    sources = plan.year.items.filter(list=ListName.SOURCE, pk__in=set(income) | set(planned)).order_by("position")
    reasons, passed = [], True
    for source in sources:
        have, spend = income.get(source.pk, 0), planned.get(source.pk, 0)
        if have == spend:
            reasons.append(f"{source.name}: income {format_gbp(have, show_pence=True)}, all planned")
            continue
        passed = False
        gap = have - spend
        reasons.append(
            f"{source.name}: income {format_gbp(have, show_pence=True)} but planned expenditure "
            f"{format_gbp(spend, show_pence=True)}, "
            + (f"{format_gbp(gap, show_pence=True)} not yet planned" if gap > 0
               else f"{format_gbp(-gap, show_pence=True)} more planned than there is income")
        )
    if not reasons:
        reasons.append("the plan has no income and no expenditure yet")
    return CheckResult(INCOME_PLANNED, passed, tuple(reasons))


def nhs_minimum_social_care(plan: Plan) -> CheckResult:
    allocation = Allocation.objects.filter(hwb=plan.hwb, year=plan.year).first()
    spent = plan.lines.filter(source__source_role=SourceRole.NHS_MINIMUM, area_of_spend__is_social_care=True) \
        .aggregate(total=Sum("planned_pence"))["total"] or 0
    if allocation is None:
        return CheckResult(NHS_MINIMUM_TO_SOCIAL_CARE, False, (
            f"no required minimum is entered for {plan.hwb} in {plan.year}: enter the national allocation; "
            f"the plan puts {format_gbp(spent, show_pence=True)} of the NHS minimum into adult social care",))
    required = allocation.asc_minimum_pence
    if spent >= required:
        return CheckResult(NHS_MINIMUM_TO_SOCIAL_CARE, True, (
            f"{format_gbp(spent, show_pence=True)} of the NHS minimum contribution goes to adult social care, "
            f"at least the required {format_gbp(required, show_pence=True)}",))
    return CheckResult(NHS_MINIMUM_TO_SOCIAL_CARE, False, (
        f"{format_gbp(spent, show_pence=True)} of the NHS minimum contribution goes to adult social care, "
        f"{format_gbp(required - spent, show_pence=True)} short of the required "
        f"{format_gbp(required, show_pence=True)}",))


def districts_of(hwb: Organisation) -> list[Organisation]:
    """The district (housing) councils of a two-tier area, from the ONS lookup; none for a unitary area."""
    return list(hwb.children.filter(kind=OrganisationKind.DISTRICT_COUNCIL).order_by("name"))


def dfg_to_districts(plan: Plan) -> CheckResult:
    districts = districts_of(plan.hwb)
    dfg_lines = plan.lines.filter(source__source_role=SourceRole.DFG).select_related("passed_to")
    total = sum(line.planned_pence for line in dfg_lines)
    if not districts:
        return CheckResult(DFG_TO_DISTRICTS, True, (
            f"{plan.hwb} is a single-tier area: it keeps its Disabled Facilities Grant "
            f"({format_gbp(total, show_pence=True)} planned)",))
    district_ids = {district.pk for district in districts}
    kept = [line for line in dfg_lines if line.passed_to_id not in district_ids]
    passed_on = total - sum(line.planned_pence for line in kept)
    reasons = [f"{format_gbp(passed_on, show_pence=True)} of {format_gbp(total, show_pence=True)} planned from "
               f"the Disabled Facilities Grant is passed to the districts of {plan.hwb}"]
    reasons += [f"line {line.line_number} ({line.scheme_name}, {format_gbp(line.planned_pence, show_pence=True)}) "
                "is not passed to one of " + ", ".join(d.name for d in districts) for line in kept]
    return CheckResult(DFG_TO_DISTRICTS, not kept, tuple(reasons))


def conditions_confirmed(plan: Plan) -> CheckResult:
    conditions = plan.year.items.filter(list=ListName.NATIONAL_CONDITION).order_by("position")
    confirmed = set(plan.conditions.filter(confirmed=True).values_list("condition_id", flat=True))
    unconfirmed = [condition for condition in conditions if condition.pk not in confirmed]
    if not unconfirmed:
        return CheckResult(CONDITIONS_CONFIRMED, True, (f"all {len(conditions)} national conditions are confirmed",))
    return CheckResult(CONDITIONS_CONFIRMED, False, tuple(
        f"{condition.code.upper()} ({condition.name}) is not confirmed" for condition in unconfirmed))


def income_matches_fund(plan: Plan) -> CheckResult:
    """The plan's income per funding stream and organisation against the agreement's contributions of the year."""
    year = plan.financial_year.start_year
    contributed: dict[tuple[int, int], int] = defaultdict(int)
    for row in (Contribution.objects.filter(schedule__agreement=plan.agreement_id, financial_year=year)
                .values("funding_stream_id", "party__organisation_id").annotate(total=Sum("amount_pence"))):
        contributed[(row["funding_stream_id"], row["party__organisation_id"])] += row["total"]
    planned: dict[tuple[int, int], int] = defaultdict(int)
    for row in plan.income.values("source__funding_stream_id", "organisation_id").annotate(total=Sum("amount_pence")):
        planned[(row["source__funding_stream_id"], row["organisation_id"])] += row["total"]
    keys = sorted(set(contributed) | set(planned))
    names = _names(keys)
    mismatched = [
        f"{names[key]}: the plan has {format_gbp(planned.get(key, 0), show_pence=True)} but the fund's "
        f"contributions are {format_gbp(contributed.get(key, 0), show_pence=True)}"
        for key in keys if planned.get(key, 0) != contributed.get(key, 0)
    ]
    total_plan, total_fund = sum(planned.values()), sum(contributed.values())
    if mismatched:
        return CheckResult(INCOME_MATCHES_FUND, False, (
            f"the plan's income is {format_gbp(total_plan, show_pence=True)} and the contributions of "
            f"{plan.agreement.reference} for {plan.year} are {format_gbp(total_fund, show_pence=True)}", *mismatched))
    return CheckResult(INCOME_MATCHES_FUND, True, (
        f"the plan's income and the contributions of {plan.agreement.reference} for {plan.year} are both "
        f"{format_gbp(total_plan, show_pence=True)}, stream by stream and partner by partner",))


def _names(keys: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    streams = dict(FundingStream.objects.filter(pk__in={s for s, _ in keys}).values_list("pk", "name"))
    organisations = dict(Organisation.objects.filter(pk__in={o for _, o in keys}).values_list("pk", "name"))
    return {key: f"{streams.get(key[0], 'no stream')} from {organisations.get(key[1], 'no organisation')}"
            for key in keys}


def plan_checks(plan: Plan) -> list[CheckResult]:
    """Every check of the plan, in the order of :data:`CHECKS`."""
    return [income_planned(plan), nhs_minimum_social_care(plan), dfg_to_districts(plan), conditions_confirmed(plan),
            income_matches_fund(plan)]


def unexplained_failures(plan: Plan, checks: list[CheckResult] | None = None) -> list[CheckResult]:
    """The failing checks that carry no explanation: each stops the plan's submission."""
    explained = set(plan.explanations.values_list("check_code", flat=True))
    return [check for check in (checks or plan_checks(plan)) if not check.passed and check.code not in explained]


def line_problems(line: ExpenditureLine) -> list[str]:
    """What is inconsistent within one expenditure line, against its plan's year and agreement."""
    plan = line.plan
    problems = []
    for name, item, expected in (("scheme type", line.scheme_type, ListName.SCHEME_TYPE),
                                 ("area of spend", line.area_of_spend, ListName.AREA_OF_SPEND),
                                 ("provider type", line.provider_type, ListName.PROVIDER_TYPE),
                                 ("source of funding", line.source, ListName.SOURCE)):
        if item.list != expected or item.year_id != plan.year_id:
            problems.append(f"“{item.name}” is not a {name} of {plan.year}")
    if line.sub_type is not None and line.sub_type.parent_id != line.scheme_type_id:
        problems.append(f"“{line.sub_type.name}” is not a sub-type of {line.scheme_type.name}")
    if line.schedule.agreement_id != plan.agreement_id:
        problems.append(f"{line.schedule} is not a schedule of {plan.agreement.reference}")
    return problems
