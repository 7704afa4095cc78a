"""Reads of Better Care Fund plans. Every page and command finds plans through :func:`plans_visible_to`: a user
sees the plans of the agreements their organisation is party to (the agreements' one rule), and NHS England, whose
users hold ``bcf.view_national``, sees every plan."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum

from s75.agreements.selectors import agreements_visible_to
from s75.audit.models import AuditEvent
from s75.core.fiscal import Quarter
from s75.core.money import split_largest_remainder
from s75.governance.models import Decision, DecisionSubject
from s75.ledger.models import AccountRole, Balance
from s75.organisations.models import OrganisationKind

from .models import BcfYear, ConditionConfirmation, ExpenditureLine, ListName, MetricValue, Plan
from .permissions import VIEW_NATIONAL


def sees_every_plan(*, user) -> bool:
    """NHS England's users (their organisation is NHS England and they hold ``bcf.view_national``), superusers and
    the system operator (``None``) see every plan."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    organisation = user.organisation
    return (organisation is not None and organisation.kind == OrganisationKind.NHS_ENGLAND
            and user.has_perm(VIEW_NATIONAL))


def plans_visible_to(*, user) -> QuerySet[Plan]:
    plans = Plan.objects.select_related("hwb", "year", "agreement")
    if sees_every_plan(user=user):
        return plans
    return plans.filter(agreement__in=agreements_visible_to(user=user))


def plan_get(*, user, pk: int) -> Plan:
    """The plan, if ``user`` sees it; ``Plan.DoesNotExist`` otherwise (a page shows "not found", never "forbidden",
    so that a plan's existence is not given away)."""
    return plans_visible_to(user=user).get(pk=pk)


def plan_require_visible(*, user, plan: Plan) -> None:
    if not plans_visible_to(user=user).filter(pk=plan.pk).exists():
        raise PermissionDenied


def bcf_years() -> QuerySet[BcfYear]:
    return BcfYear.objects.all()


def year_list(*, year: BcfYear, name: str):
    return year.items.filter(list=name).select_related("parent").order_by("position", "name")


def plan_lines(*, plan: Plan) -> QuerySet[ExpenditureLine]:
    return plan.lines.select_related("scheme_type", "sub_type", "area_of_spend", "provider_type", "source",
                                     "schedule", "passed_to")


def schedule_spend(*, plan: Plan, up_to_month: int = 12) -> dict[int, int]:
    """Expenditure per schedule id of the plan's agreement, for the plan's year to the end of ``up_to_month`` (1 =
    April), from the ledger's running balances, in pence."""
    rows = (Balance.objects.filter(fund__agreement=plan.agreement_id, account__role=AccountRole.EXPENDITURE,
                                   period__financial_year=plan.financial_year.start_year,
                                   period__number__lte=up_to_month)
            .values("account__schedule_id").annotate(total=Sum("amount_pence")))
    return {row["account__schedule_id"]: row["total"] for row in rows}


@dataclass(frozen=True)
class LineActual:
    line: ExpenditureLine
    actual_pence: int


def line_actuals(*, plan: Plan, quarter: int = 4) -> list[LineActual]:
    """Each expenditure line with its actual spend to the end of ``quarter``: the spend of the schedule that carries
    it, shared between the lines of that schedule in proportion to their planned amounts (equally when none is
    planned), by the largest-remainder method so that the lines of a schedule add up to its spend to the penny."""
    spend = schedule_spend(plan=plan, up_to_month=Quarter(plan.financial_year, quarter).month)
    lines = list(plan_lines(plan=plan))
    by_schedule: dict[int, list[ExpenditureLine]] = {}
    for line in lines:
        by_schedule.setdefault(line.schedule_id, []).append(line)
    actual: dict[int, int] = {}
    for schedule_id, sharing in by_schedule.items():
        weights = [line.planned_pence for line in sharing]
        if not any(weights):
            weights = [1] * len(sharing)
        for line, share in zip(sharing, split_largest_remainder(spend.get(schedule_id, 0), weights), strict=True):
            actual[line.pk] = share
    return [LineActual(line, actual[line.pk]) for line in lines]


def plan_totals(*, plan: Plan) -> dict[str, int]:
    income = plan.income.aggregate(total=Sum("amount_pence"))["total"] or 0
    planned = plan.lines.aggregate(total=Sum("planned_pence"))["total"] or 0
    social_care = plan.lines.filter(area_of_spend__is_social_care=True).aggregate(
        total=Sum("planned_pence"))["total"] or 0
    return {"income": income, "planned": planned, "social_care": social_care}


def plan_metrics(*, plan: Plan) -> list[tuple[object, list]]:
    """Each metric of the plan's year with its four quarters' values (``None`` where nothing is entered)."""
    values = {(value.metric_id, value.quarter): value for value in plan.metric_values.all()}
    return [(metric, [values.get((metric.pk, quarter)) for quarter in range(1, 5)])
            for metric in year_list(year=plan.year, name=ListName.METRIC)]


def agreements_for_new_plan(*, user) -> QuerySet:
    """The Better Care Fund agreements a new plan may be governed by: those the user's own organisation is party
    to (every one for those who see every plan)."""
    agreements = agreements_visible_to(user=user).filter(is_better_care_fund=True)
    if sees_every_plan(user=user):
        return agreements
    return agreements.filter(parties__organisation=user.organisation).distinct()


def plan_audit_events(*, plan: Plan) -> QuerySet[AuditEvent]:
    """The audit events of the plan and its parts (its national conditions' confirmations, its metrics' actuals),
    newest first."""
    parts = Q(object_type=Plan._meta.label, object_id=str(plan.pk))
    for model, ids in ((ConditionConfirmation, plan.conditions.values_list("pk", flat=True)),
                       (MetricValue, plan.metric_values.values_list("pk", flat=True))):
        parts |= Q(object_type=model._meta.label, object_id__in=[str(pk) for pk in ids])
    return AuditEvent.objects.filter(parts).select_related("actor")


def sign_off_decisions(*, plan: Plan) -> QuerySet[Decision]:
    """The board decisions about the plan's agreement and its Better Care Fund plan for the plan's year, to choose
    the sign-off from."""
    return (Decision.objects.filter(agreement=plan.agreement_id, subject=DecisionSubject.BCF_PLAN,
                                    financial_year=plan.financial_year.start_year)
            .select_related("meeting__board"))


def agreement_plans(*, agreement) -> QuerySet[Plan]:
    """The plans an agreement governs, for its page (whoever sees the agreement sees its plans)."""
    return agreement.bcf_plans.select_related("hwb", "year")
