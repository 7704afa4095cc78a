"""The plan lifecycle: every allowed move and the conditions it checks, in one table.

``draft → submitted``: the HWB chair has signed the plan off (a board decision) and every failing check carries
an explanation. ``submitted → assured``: NHS England's assurance (the permission ``bcf.assure_plan``, checked by
the service). ``submitted → draft``: sent back for changes. ``assured → in_delivery``: the governing agreement
is in force. ``in_delivery → closed``: the plan's year has ended. Every move needs a reason, which the audit trail
keeps.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from s75.agreements.models import AgreementStatus
from s75.core.errors import Problem

from .checks import unexplained_failures
from .models import Plan, PlanStatus

S = PlanStatus


@dataclass(frozen=True)
class PlanMoveContext:
    on: date
    reason: str = ""


Condition = Callable[[Plan, PlanMoveContext], list[str]]


def signed_off(plan: Plan, _: PlanMoveContext) -> list[str]:
    if plan.signed_off_by_id is None:
        return ["the Health and Wellbeing Board's chair has not signed the plan off: record the board's decision "
                "approving it"]
    return []


def failures_explained(plan: Plan, _: PlanMoveContext) -> list[str]:
    return [f"the check “{check.title}” fails ({'; '.join(check.reasons)}) and carries no explanation"
            for check in unexplained_failures(plan)]


def agreement_in_force(plan: Plan, context: PlanMoveContext) -> list[str]:
    """The governing agreement is in force on the day of the move: its status after its last transition by then
    (an agreement loaded with no history has only its present status)."""
    agreement = plan.agreement
    last = agreement.transitions.filter(at__date__lte=context.on).last()
    if last is not None:
        status = last.to_status
    else:
        status = AgreementStatus.DRAFT if agreement.transitions.exists() else agreement.status
    if status != AgreementStatus.IN_FORCE:
        return [f"the governing agreement {agreement.reference} is {AgreementStatus(status).label.lower()} on "
                f"{context.on:%d %B %Y}, not in force"]
    return []


def year_ended(plan: Plan, context: PlanMoveContext) -> list[str]:
    ends_on = plan.financial_year.ends_on
    return [] if ends_on < context.on else [f"the plan's year runs until {ends_on:%d %B %Y}"]


TRANSITIONS: dict[tuple[str, str], tuple[Condition, ...]] = {
    (S.DRAFT, S.SUBMITTED): (signed_off, failures_explained),
    (S.SUBMITTED, S.DRAFT): (),
    (S.SUBMITTED, S.ASSURED): (signed_off, failures_explained),
    (S.ASSURED, S.IN_DELIVERY): (agreement_in_force,),
    (S.IN_DELIVERY, S.CLOSED): (year_ended,),
}

# The plan's income, lines, metrics' plans, conditions and explanations change only while it is a draft;
# the actuals of its metrics are reported while it is in delivery.
EDITABLE_STATUSES = frozenset({S.DRAFT})
REPORTING_STATUSES = frozenset({S.IN_DELIVERY})


def edit_unmet(plan: Plan) -> list[str]:
    if plan.status in EDITABLE_STATUSES:
        return []
    return [f"the plan is {plan.get_status_display().lower()}: only a draft can be changed (a submitted plan is sent "
            "back to draft first)"]


def actuals_unmet(plan: Plan) -> list[str]:
    if plan.status in REPORTING_STATUSES:
        return []
    return [f"the plan is {plan.get_status_display().lower()}: actuals are reported while it is in delivery"]


def moves_from(plan: Plan) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == plan.status]


def move_unmet(plan: Plan, to_status: str, context: PlanMoveContext, *, require_reason: bool = True) -> list[str]:
    """What stops ``plan`` moving to ``to_status``; empty when the move is allowed."""
    conditions = TRANSITIONS.get((plan.status, to_status))
    if conditions is None:
        allowed = [PlanStatus(to).label.lower() for to in moves_from(plan)]
        return [f"a plan that is {plan.get_status_display().lower()} can move only to "
                f"{', '.join(allowed) or 'nothing: it is closed'}"]
    unmet = [] if context.reason.strip() or not require_reason else [
        Problem("say why: the reason is recorded in the plan's history", "reason")]
    return unmet + [problem for condition in conditions for problem in condition(plan, context)]
