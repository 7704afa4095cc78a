"""Changes to Better Care Fund plans, their allocations and the year lists; each in one transaction with its audit
record. A refused change raises :class:`BcfError` listing every reason and saves nothing.

Each change to a plan moves its agreement's data version on first in its transaction, and each change to the lists
or the allocations the ``REFERENCE_GENERATION`` counter, so that what pages keep in the cache (the national view,
the fund's dashboard) is drawn afresh (docs/adr/0008)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from s75.agreements.models import Agreement
from s75.agreements.services import agreement_data_changed
from s75.audit.services import audit_record, snapshot
from s75.budgets.models import FundingStream
from s75.core.errors import Problem, ServiceError
from s75.core.files import text_problems
from s75.core.fiscal import FinancialYear
from s75.core.kept import generation_move
from s75.core.users import acting_user
from s75.governance.models import Decision, DecisionOutcome, DecisionSubject
from s75.organisations.models import Organisation

from .checks import CHECKS, line_problems
from .lifecycle import PlanMoveContext, actuals_unmet, edit_unmet, move_unmet
from .models import (
    REFERENCE_GENERATION,
    Allocation,
    BcfYear,
    CheckExplanation,
    Commissioner,
    ConditionConfirmation,
    ExpenditureLine,
    Income,
    ListItem,
    ListName,
    MetricValue,
    Plan,
    PlanStatus,
    SourceRole,
)
from .permissions import ASSURE_PLAN


class BcfError(ServiceError):
    pass


def _refuse_if(problems: list[str]) -> None:
    if problems:
        raise BcfError(problems)


def _tracked(actor) -> dict:
    user = acting_user(actor)
    return {"created_by": user, "modified_by": user}


# The year lists -------------------------------------------------------------------------------------------------

@dataclass
class ListsLoadResult:
    years: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0


LIST_ROW_KEYS = {"code", "name", "description", "stream", "role", "social_care", "unit", "lower_is_better", "type"}


def _list_row_problems(where: str, list_name: str, row: dict, streams: set[str], types: set[str]) -> list[str]:
    if not isinstance(row, dict):
        return [f"{where}: write the entry as keys and values, like {{code: dfg, name: Disabled Facilities Grant}}"]
    unknown = sorted(str(key) for key in set(row) - LIST_ROW_KEYS)
    problems = [f"{where}: {', '.join(unknown)} is not a key of a list entry (a name with a comma needs quotes)"
                ] if unknown else []
    for key in ("code", "name"):
        if not str(row.get(key) or "").strip():
            problems.append(f"{where}: give the {key}")
    if list_name == ListName.SOURCE:
        if row.get("stream") not in streams:
            problems.append(f"{where}: the stream {row.get('stream')!r} is not one of {', '.join(sorted(streams))}")
        if row.get("role") not in SourceRole.values:
            problems.append(f"{where}: the role {row.get('role')!r} is not one of {', '.join(SourceRole.values)}")
    if list_name == ListName.SUB_TYPE and row.get("type") not in types:
        problems.append(f"{where}: the scheme type {row.get('type')!r} is not in the year's scheme types")
    if list_name == ListName.METRIC and not isinstance(row.get("lower_is_better"), bool):
        problems.append(f"{where}: say whether lower is better (lower_is_better: true or false)")
    return problems


def _date_or_none(text, where: str, problems: list[str]) -> date | None:
    if text in (None, ""):
        return None
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        problems.append(f"{where}: {text!r} is not a date: write it like 2025-03-31")
        return None


def bcf_lists_load(*, actor, document: dict) -> ListsLoadResult:
    """Create or bring up to date the years and lists of a ``s75-bcf-lists/1`` document, all or nothing. Rows are
    matched on their codes; rows the document leaves out are kept (plans may use them)."""
    _refuse_if([f"{where}: {what}" if where else what for where, what in text_problems(document)])
    if not isinstance(document, dict) or document.get("format") != "s75-bcf-lists/1":
        raise BcfError("the file is not a Better Care Fund lists file: its first line must be "
                       "“format: s75-bcf-lists/1”")
    streams = {stream.code: stream for stream in FundingStream.objects.all()}
    problems: list[str] = []
    years = []
    for number, entry in enumerate(document.get("years") or [], start=1):
        where = f"year {number}"
        try:
            year = FinancialYear.parse(entry.get("year", ""))
        except ValueError as error:
            problems.append(f"{where}: {error}")
            continue
        where = f"year {year.label}"
        dates = {key: _date_or_none(entry.get(key), f"{where} {key}", problems)
                 for key in ("plans_due_on", "agreements_signed_by")}
        types = {str(row.get("code")) for row in entry.get("scheme_type") or []}
        for list_name in ListName:
            for position, row in enumerate(entry.get(list_name.value) or [], start=1):
                problems += _list_row_problems(f"{where}, {list_name.label.lower()} {position}", list_name, row,
                                               set(streams), types)
        years.append((year, entry, dates))
    if not years and not problems:
        problems.append("the file lists no years")
    _refuse_if(problems)
    result = ListsLoadResult()
    with transaction.atomic():
        generation_move(REFERENCE_GENERATION)
        for year, entry, dates in years:
            bcf_year, _ = BcfYear.objects.update_or_create(
                financial_year=year.start_year,
                defaults={"framework": str(entry.get("framework") or f"Better Care Fund {year.label}"), **dates},
                create_defaults={"framework": str(entry.get("framework") or f"Better Care Fund {year.label}"),
                                 **dates, **_tracked(actor)},
            )
            result.years.append(year.label)
            types_by_code = {}
            for list_name in (ListName.SCHEME_TYPE, *(n for n in ListName if n != ListName.SCHEME_TYPE)):
                for position, row in enumerate(entry.get(list_name.value) or [], start=1):
                    values = {
                        "name": str(row["name"]).strip(), "position": position,
                        "description": str(row.get("description") or ""),
                        "parent": types_by_code.get(row.get("type")) if list_name == ListName.SUB_TYPE else None,
                        "funding_stream": streams[row["stream"]] if list_name == ListName.SOURCE else None,
                        "source_role": row["role"] if list_name == ListName.SOURCE else "",
                        "is_social_care": bool(row.get("social_care")) and list_name == ListName.AREA_OF_SPEND,
                        "unit": str(row.get("unit") or ""),
                        "lower_is_better": row["lower_is_better"] if list_name == ListName.METRIC else None,
                    }
                    item, created = ListItem.objects.update_or_create(
                        year=bcf_year, list=list_name, code=str(row["code"]).strip(), defaults=values,
                        create_defaults={**values, **_tracked(actor)},
                    )
                    if list_name == ListName.SCHEME_TYPE:
                        types_by_code[item.code] = item
                    result.created += created
                    result.updated += not created
            audit_record(actor=actor, action="bcf_lists_load", obj=bcf_year, after=snapshot(bcf_year))
    return result


# Allocations -----------------------------------------------------------------------------------------------------

def allocation_set(*, actor, hwb: Organisation, year: BcfYear, nhs_minimum_pence: int,
                   asc_minimum_pence: int) -> Allocation:
    """Enter (or correct) an area's NHS minimum contribution and its required minimum for adult social care."""
    problems = []
    if nhs_minimum_pence < 0 or asc_minimum_pence < 0:
        problems.append("the amounts cannot be negative")
    elif asc_minimum_pence > nhs_minimum_pence:
        problems.append("the minimum for adult social care cannot be more than the NHS minimum contribution")
    _refuse_if(problems)
    with transaction.atomic():
        generation_move(REFERENCE_GENERATION)
        allocation = Allocation.objects.filter(hwb=hwb, year=year).select_for_update().first()
        before = snapshot(allocation) if allocation else None
        if allocation is None:
            allocation = Allocation(hwb=hwb, year=year, **_tracked(actor))
        allocation.nhs_minimum_pence, allocation.asc_minimum_pence = nhs_minimum_pence, asc_minimum_pence
        allocation.modified_by = acting_user(actor)
        allocation.save()
        audit_record(actor=actor, action="bcf_allocation_set", obj=allocation, before=before,
                     after=snapshot(allocation))
    return allocation


# Plans -----------------------------------------------------------------------------------------------------------

def _plan_problems(*, hwb: Organisation, year: BcfYear, agreement: Agreement) -> list[Problem]:
    problems = []
    if not agreement.is_better_care_fund:
        problems.append(Problem(f"{agreement.reference} is not a Better Care Fund agreement", "agreement"))
    if not agreement.pooled_fund:
        problems.append(Problem(f"{agreement.reference} has no pooled fund: the Better Care Fund must be pooled",
                                "agreement"))
    if not agreement.parties.filter(organisation=hwb).exists():
        problems.append(Problem(f"{hwb} is not a party to {agreement.reference}", "hwb"))
    if not agreement.parties.filter(organisation__kind__in=["icb", "ccg"]).exists():
        problems.append(Problem(f"{agreement.reference} has no ICB (or CCG) partner", "agreement"))
    if Plan.objects.filter(hwb=hwb, year=year).exists():
        problems.append(Problem(f"{hwb} already has a Better Care Fund plan for {year}", "year"))
    return problems


def plan_create(*, actor, hwb: Organisation, year: BcfYear, agreement: Agreement, narrative: str = "") -> Plan:
    """A draft plan for ``hwb``'s area and ``year``, governed by ``agreement``, with every national condition
    listed unconfirmed."""
    _refuse_if(_plan_problems(hwb=hwb, year=year, agreement=agreement))
    with transaction.atomic():
        agreement_data_changed(agreement_id=agreement.pk)
        plan = Plan.objects.create(hwb=hwb, year=year, agreement=agreement, narrative=narrative.strip(),
                                   **_tracked(actor))
        ConditionConfirmation.objects.bulk_create(
            ConditionConfirmation(plan=plan, condition=condition, **_tracked(actor))
            for condition in year.items.filter(list=ListName.NATIONAL_CONDITION)
        )
        audit_record(actor=actor, action="bcf_plan_create", obj=plan, agreement=agreement, after=snapshot(plan))
    return plan


@dataclass(frozen=True)
class IncomeRow:
    source: ListItem
    organisation: Organisation
    amount_pence: int


@dataclass(frozen=True)
class LineRow:
    scheme_id: str
    scheme_name: str
    scheme_type: ListItem
    area_of_spend: ListItem
    commissioner: str
    provider_type: ListItem
    source: ListItem
    planned_pence: int
    new_or_existing: str
    schedule: object  # agreements.Schedule
    description: str = ""
    sub_type: ListItem | None = None
    outputs: Decimal | None = None
    output_unit: str = ""
    nhs_percent: Decimal | None = None
    la_percent: Decimal | None = None
    passed_to: Organisation | None = None


@dataclass(frozen=True)
class ConditionRow:
    condition: ListItem
    confirmed: bool
    comment: str = ""


@dataclass(frozen=True)
class MetricRow:
    metric: ListItem
    quarter: int
    planned: Decimal | None
    actual: Decimal | None = None


@dataclass(frozen=True)
class PlanContents:
    """Everything a planning workbook (or the simulation) sets on a plan, replacing what it had."""

    income: list[IncomeRow]
    lines: list[LineRow]
    conditions: list[ConditionRow]
    metrics: list[MetricRow]
    narrative: str | None = None


def _line_shares_problems(row: LineRow) -> list[str]:
    if row.commissioner == Commissioner.JOINT:
        if row.nhs_percent is None or row.la_percent is None:
            return ["a joint line gives its % NHS and % LA"]
        if row.nhs_percent + row.la_percent != 100 or min(row.nhs_percent, row.la_percent) < 0:
            return [f"% NHS ({row.nhs_percent}) and % LA ({row.la_percent}) must add up to 100"]
        return []
    if row.nhs_percent is not None or row.la_percent is not None:
        return ["only a joint line gives % NHS and % LA"]
    return []


def plan_contents_problems(plan: Plan, contents: PlanContents) -> list[Problem]:
    """What is wrong with ``contents`` for ``plan``; each problem's ``field`` names the row (``lines[3]``,
    ``income[1]``, ``metrics[2]``, ``conditions[1]``), counted from 1, so that a reader can point at it."""
    problems: list[Problem] = [Problem(problem) for problem in edit_unmet(plan)]
    seen_income = set()
    for number, row in enumerate(contents.income, start=1):
        where = f"income[{number}]"
        if row.source.list != ListName.SOURCE or row.source.year_id != plan.year_id:
            problems.append(Problem(f"“{row.source.name}” is not a source of funding of {plan.year}", where))
        if row.amount_pence < 0:
            problems.append(Problem("income cannot be negative", where))
        if (row.source.pk, row.organisation.pk) in seen_income:
            problems.append(Problem(f"{row.organisation} gives {row.source.name} twice: give it once", where))
        seen_income.add((row.source.pk, row.organisation.pk))
    for number, row in enumerate(contents.lines, start=1):
        where = f"lines[{number}]"
        line = ExpenditureLine(plan=plan, line_number=number, scheme_type=row.scheme_type, sub_type=row.sub_type,
                               area_of_spend=row.area_of_spend, provider_type=row.provider_type, source=row.source,
                               schedule=row.schedule)
        problems += [Problem(problem, where) for problem in line_problems(line)]
        problems += [Problem(problem, where) for problem in _line_shares_problems(row)]
        if not row.scheme_id.strip() or not row.scheme_name.strip():
            problems.append(Problem("give the scheme ID and name", where))
        if row.planned_pence < 0:
            problems.append(Problem("planned expenditure cannot be negative", where))
        if row.commissioner not in Commissioner.values:
            problems.append(Problem(f"the commissioner {row.commissioner!r} is not one of "
                                    f"{', '.join(Commissioner.labels)}", where))
        if row.new_or_existing not in {"new", "existing"}:
            problems.append(Problem("say whether the scheme is new or existing", where))
    conditions = set(plan.year.items.filter(list=ListName.NATIONAL_CONDITION).values_list("pk", flat=True))
    seen_conditions = set()
    for number, row in enumerate(contents.conditions, start=1):
        where = f"conditions[{number}]"
        if row.condition.pk not in conditions:
            problems.append(Problem(f"“{row.condition.name}” is not a national condition of {plan.year}", where))
        if row.condition.pk in seen_conditions:
            problems.append(Problem(f"{row.condition.code.upper()} is given twice", where))
        seen_conditions.add(row.condition.pk)
    seen_metrics = set()
    for number, row in enumerate(contents.metrics, start=1):
        where = f"metrics[{number}]"
        if row.metric.list != ListName.METRIC or row.metric.year_id != plan.year_id:
            problems.append(Problem(f"“{row.metric.name}” is not a metric of {plan.year}", where))
        if row.quarter not in {1, 2, 3, 4}:
            problems.append(Problem(f"quarter {row.quarter} is not 1, 2, 3 or 4", where))
        if (row.metric.pk, row.quarter) in seen_metrics:
            problems.append(Problem(f"{row.metric.name} for quarter {row.quarter} is given twice", where))
        seen_metrics.add((row.metric.pk, row.quarter))
    return problems


def plan_contents_replace(*, actor, plan: Plan, contents: PlanContents) -> Plan:
    """Replace a draft plan's income, expenditure lines, national conditions and metrics with ``contents``, all or
    nothing."""
    _refuse_if(plan_contents_problems(plan, contents))
    with transaction.atomic():
        agreement_data_changed(agreement_id=plan.agreement_id)
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        _refuse_if(edit_unmet(plan))
        before = _contents_summary(plan)
        plan.income.all().delete()
        plan.lines.all().delete()
        plan.metric_values.all().delete()
        tracked = _tracked(actor)
        Income.objects.bulk_create(Income(plan=plan, source=row.source, organisation=row.organisation,
                                          amount_pence=row.amount_pence, **tracked) for row in contents.income)
        ExpenditureLine.objects.bulk_create(
            ExpenditureLine(plan=plan, line_number=number, **{k: getattr(row, k) for k in LineRow.__dataclass_fields__},
                            **tracked)
            for number, row in enumerate(contents.lines, start=1)
        )
        given = {row.condition.pk: row for row in contents.conditions}
        for confirmation in plan.conditions.select_for_update():
            row = given.pop(confirmation.condition_id, None)
            if row is not None:
                confirmation.confirmed, confirmation.comment = row.confirmed, row.comment.strip()
                confirmation.modified_by = acting_user(actor)
                confirmation.save()
        ConditionConfirmation.objects.bulk_create(
            ConditionConfirmation(plan=plan, condition=row.condition, confirmed=row.confirmed,
                                  comment=row.comment.strip(), **tracked) for row in given.values())
        MetricValue.objects.bulk_create(MetricValue(plan=plan, metric=row.metric, quarter=row.quarter,
                                                    planned=row.planned, actual=row.actual, **tracked)
                                        for row in contents.metrics)
        if contents.narrative is not None:
            plan.narrative = contents.narrative.strip()
        plan.modified_by = acting_user(actor)
        plan.save()
        audit_record(actor=actor, action="bcf_plan_replace", obj=plan, agreement=plan.agreement, before=before,
                     after=_contents_summary(plan))
    return plan


def _contents_summary(plan: Plan) -> dict:
    return {
        "income_rows": plan.income.count(), "income_pence": sum(plan.income.values_list("amount_pence", flat=True)),
        "lines": plan.lines.count(), "planned_pence": sum(plan.lines.values_list("planned_pence", flat=True)),
        "conditions_confirmed": plan.conditions.filter(confirmed=True).count(),
        "metric_values": plan.metric_values.count(),
    }


def condition_confirm(*, actor, plan: Plan, condition: ListItem, confirmed: bool, comment: str = "") -> None:
    """Confirm (or withdraw the confirmation of) one national condition, with a comment."""
    _refuse_if(edit_unmet(plan))
    with transaction.atomic():
        agreement_data_changed(agreement_id=plan.agreement_id)
        confirmation = plan.conditions.select_for_update().get(condition=condition)
        before = snapshot(confirmation, "confirmed", "comment")
        confirmation.confirmed, confirmation.comment = confirmed, comment.strip()
        confirmation.modified_by = acting_user(actor)
        confirmation.save()
        audit_record(actor=actor, action="bcf_condition_confirm", obj=confirmation, agreement=plan.agreement,
                     before=before, after=snapshot(confirmation, "confirmed", "comment"))


def metric_actual_record(*, actor, plan: Plan, metric: ListItem, quarter: int, actual: Decimal | None) -> MetricValue:
    """Report a metric's actual for a quarter of a plan in delivery."""
    problems = actuals_unmet(plan)
    if metric.list != ListName.METRIC or metric.year_id != plan.year_id:
        problems.append(f"“{metric.name}” is not a metric of {plan.year}")
    if quarter not in {1, 2, 3, 4}:
        problems.append(Problem(f"quarter {quarter} is not 1, 2, 3 or 4", "quarter"))
    _refuse_if(problems)
    with transaction.atomic():
        agreement_data_changed(agreement_id=plan.agreement_id)
        value, created = MetricValue.objects.select_for_update().get_or_create(
            plan=plan, metric=metric, quarter=quarter, defaults=_tracked(actor))
        before = None if created else snapshot(value, "planned", "actual")
        value.actual = actual
        value.modified_by = acting_user(actor)
        value.save()
        audit_record(actor=actor, action="bcf_metric_actual", obj=value, agreement=plan.agreement, before=before,
                     after=snapshot(value, "planned", "actual"))
    return value


def explanation_set(*, actor, plan: Plan, check_code: str, explanation: str) -> None:
    """Explain why the plan goes forward although ``check_code`` fails; a blank explanation withdraws it."""
    problems = list(edit_unmet(plan))
    if check_code not in CHECKS:
        problems.append(f"{check_code!r} is not one of the checks: {', '.join(CHECKS)}")
    _refuse_if(problems)
    with transaction.atomic():
        agreement_data_changed(agreement_id=plan.agreement_id)
        current = plan.explanations.select_for_update().filter(check_code=check_code).first()
        before = snapshot(current, "check_code", "explanation") if current else None
        if not explanation.strip():
            if current is not None:
                current.delete()
                audit_record(actor=actor, action="bcf_explanation_set", obj=plan, agreement=plan.agreement,
                             before=before, after=None)
            return
        if current is None:
            current = CheckExplanation(plan=plan, check_code=check_code, **_tracked(actor))
        current.explanation = explanation.strip()
        current.modified_by = acting_user(actor)
        current.save()
        audit_record(actor=actor, action="bcf_explanation_set", obj=plan, agreement=plan.agreement, before=before,
                     after=snapshot(current, "check_code", "explanation"))


def plan_sign_off(*, actor, plan: Plan, decision: Decision) -> Plan:
    """Record the HWB chair's sign-off: the board's decision approving the plan for its year."""
    problems = list(edit_unmet(plan))
    if decision.agreement_id != plan.agreement_id:
        problems.append(Problem(f"the decision is about {decision.agreement.reference}, not "
                                f"{plan.agreement.reference}", "decision"))
    if decision.subject != DecisionSubject.BCF_PLAN or decision.financial_year != plan.financial_year.start_year:
        problems.append(Problem(f"the decision is not about the Better Care Fund plan for {plan.year}", "decision"))
    if decision.outcome != DecisionOutcome.APPROVED:
        problems.append(Problem(f"the decision was {decision.get_outcome_display().lower()}, not approved",
                                "decision"))
    _refuse_if(problems)
    with transaction.atomic():
        agreement_data_changed(agreement_id=plan.agreement_id)
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        before = snapshot(plan, "signed_off_by_id")
        plan.signed_off_by = decision
        plan.modified_by = acting_user(actor)
        plan.save()
        audit_record(actor=actor, action="bcf_plan_sign_off", obj=plan, agreement=plan.agreement, before=before,
                     after=snapshot(plan, "signed_off_by_id"))
    return plan


def plan_move(*, actor, plan: Plan, to_status: str, reason: str, on: date | None = None) -> Plan:
    """Move the plan along its lifecycle (``lifecycle.TRANSITIONS``), refusing with every unmet condition."""
    with transaction.atomic():
        agreement_data_changed(agreement_id=plan.agreement_id)
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        context = PlanMoveContext(on=on or timezone.localdate(), reason=reason)
        unmet = move_unmet(plan, to_status, context)
        if to_status == PlanStatus.ASSURED and actor is not None and not actor.has_perm(ASSURE_PLAN):
            unmet.append("only NHS England's assurers (the permission bcf.assure_plan) can assure a plan")
        _refuse_if(unmet)
        before = snapshot(plan, "status")
        plan.status = PlanStatus(to_status)
        plan.modified_by = acting_user(actor)
        plan.save()
        audit_record(actor=actor, action="bcf_plan_move", obj=plan, agreement=plan.agreement, before=before,
                     after=snapshot(plan, "status"), reason=reason.strip())
    return plan
