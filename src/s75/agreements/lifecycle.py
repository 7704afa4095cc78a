"""The agreement lifecycle: every allowed transition and the conditions it checks, in one table.

A condition is a function of the agreement (and the transition's context) returning the list of what is
unmet, in words a pooled fund manager can act on. A transition is allowed when every list is empty;
every transition also needs a reason, which the history keeps.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Model

from s75.core.errors import Problem
from s75.organisations.models import LOCAL_AUTHORITY_KINDS, NHS_KINDS

from .checklist import agreement_checklist, agreement_excluded_functions
from .consultation_gate import consultation_unfinished
from .evidence import decision_evidence_unmet
from .models import Agreement, AgreementStatus, EndReason

S = AgreementStatus


@dataclass(frozen=True)
class TransitionContext:
    on: date
    end_reason: str = ""
    reason: str = ""
    varying: bool = False  # judging a variation of an agreement in force, not a move of its lifecycle
    decision: Model | None = None  # the board decision (governance's) the move cites as its evidence, if any


Condition = Callable[[Agreement, TransitionContext], list[str]]


def has_nhs_and_council_parties(agreement: Agreement, _: TransitionContext) -> list[str]:
    kinds = {party.organisation.kind for party in agreement.parties.select_related("organisation")}
    unmet = []
    if not kinds & NHS_KINDS:
        unmet.append("no NHS body is a party to the agreement")
    if not kinds & LOCAL_AUTHORITY_KINDS:
        unmet.append("no local authority is a party to the agreement")
    return unmet


def has_schedules(agreement: Agreement, _: TransitionContext) -> list[str]:
    return [] if agreement.schedules.exists() else ["the agreement has no schedules"]


def consultation_closed(agreement: Agreement, context: TransitionContext) -> list[str]:
    """A consultation run in s75 must have closed and published its outcome; otherwise the recorded closing date
    must have passed."""
    unfinished = consultation_unfinished(agreement=agreement, on=context.on)
    if unfinished is not None:
        return unfinished
    closed_on = agreement.consultation_closed_on
    if closed_on is None:
        return ["the consultation has no closing date recorded"]
    if closed_on > context.on:
        return [f"the consultation does not close until {closed_on:%d %B %Y}"]
    return []


def consultation_closed_or_exempt(agreement: Agreement, context: TransitionContext) -> list[str]:
    if agreement.consultation_exemption_reason.strip():
        return []
    unmet = consultation_closed(agreement, context)
    if unmet:
        return [f"{unmet[0]}, and no reason why none was needed is recorded"]
    return []


def approved_by_every_party(agreement: Agreement, context: TransitionContext) -> list[str]:
    approved = set(agreement.approvals.filter(decided_on__lte=context.on).values_list("party_id", flat=True))
    return [
        f"{party} has not recorded its approval" + (f" by {context.on:%d %B %Y}" if party.approvals.exists() else "")
        for party in agreement.parties.all()
        if party.pk not in approved
    ]


def checklist_complete(agreement: Agreement, context: TransitionContext) -> list[str]:
    return [
        f"content checklist ({item.key}) {item.title.lower()}: {missing}"
        for item in agreement_checklist(agreement=agreement, schedules_need_contributions=not context.varying)
        for missing in item.missing
    ]


def no_excluded_functions(agreement: Agreement, _: TransitionContext) -> list[str]:
    return [str(finding) for finding in agreement_excluded_functions(agreement=agreement)]


def host_and_manager_for_pooled_fund(agreement: Agreement, _: TransitionContext) -> list[str]:
    if not agreement.pooled_fund:
        return []
    unmet = []
    if agreement.host is None:
        unmet.append("a pooled fund needs a host partner")
    if not agreement.pooled_fund_manager_name.strip():
        unmet.append("a pooled fund needs a pooled fund manager")
    return unmet


def end_reason_holds(agreement: Agreement, context: TransitionContext) -> list[str]:
    if context.end_reason == EndReason.EXPIRED:
        if agreement.end_date >= context.on:
            return [Problem(f"the agreement does not expire until the end of {agreement.end_date:%d %B %Y}",
                            "end_reason")]
        return []
    if context.end_reason == EndReason.TERMINATED:
        return []  # the reason every transition needs says why it was terminated
    if context.end_reason == EndReason.SUPERSEDED:
        renewal_ready = agreement.renewals.filter(status__in=[S.APPROVED, S.IN_FORCE]).exists()
        return [] if renewal_ready else ["no renewal of this agreement has been approved"]
    return [Problem("say why the agreement ended: expired, terminated or superseded", "end_reason")]


def cited_decision_authorises(agreement: Agreement, context: TransitionContext) -> list[str]:
    if context.decision is None:
        return []
    return [Problem(problem, "decision") for problem in decision_evidence_unmet(
        decision=context.decision, agreement=agreement, on=context.on, act="the move")]


# What must stay true of an agreement in force; a variation that would break one of these is refused.
IN_FORCE_INVARIANTS: tuple[Condition, ...] = (
    has_nhs_and_council_parties,
    checklist_complete,
    no_excluded_functions,
    host_and_manager_for_pooled_fund,
)

# Every move may cite the board decision that authorised it (``cited_decision_authorises``, a no-op otherwise).
TRANSITIONS: dict[tuple[str, str], tuple[Condition, ...]] = {
    (S.DRAFT, S.CONSULTATION): (has_nhs_and_council_parties, has_schedules, cited_decision_authorises),
    (S.CONSULTATION, S.DRAFT): (cited_decision_authorises,),
    (S.CONSULTATION, S.APPROVED): (consultation_closed, approved_by_every_party, cited_decision_authorises),
    (S.DRAFT, S.APPROVED): (has_nhs_and_council_parties, consultation_closed_or_exempt, approved_by_every_party,
                            cited_decision_authorises),
    (S.APPROVED, S.DRAFT): (cited_decision_authorises,),
    (S.APPROVED, S.IN_FORCE): (consultation_closed_or_exempt, approved_by_every_party, *IN_FORCE_INVARIANTS,
                               cited_decision_authorises),
    (S.IN_FORCE, S.ENDED): (end_reason_holds, cited_decision_authorises),
}

# Statuses in which the agreement's terms may be edited directly. Approved terms are frozen (reopening the
# agreement as a draft withdraws the approvals); once in force they change only by variation.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.CONSULTATION})
RENEWABLE_STATUSES = frozenset({S.APPROVED, S.IN_FORCE})

# What stops the other acts on an agreement in its state. The services refuse with these words, and the pages offer
# an act only where its list is empty, so that no page offers what the service would then refuse.


def change_unmet(agreement: Agreement, *, by_variation: bool) -> list[str]:
    """What stops a change to the agreement's terms, made directly or (``by_variation``) as a dated variation."""
    if agreement.status in EDITABLE_STATUSES:
        return ["variations are recorded for agreements in force; edit this one directly"] if by_variation else []
    if agreement.status == S.ENDED:
        return ["the agreement has ended and can no longer be changed"]
    if agreement.status == S.APPROVED:
        return ["the approved terms are frozen: move the agreement back to draft to change them, which withdraws "
                "the approvals"]
    return [] if by_variation else ["the agreement is in force: record the change as a variation with its "
                                    "effective date"]


def change_by_variation(agreement: Agreement) -> bool:
    """Whether a change to the agreement is a variation (it is in force) rather than an edit."""
    return agreement.status == S.IN_FORCE


def approval_unmet(agreement: Agreement) -> list[str]:
    if agreement.status not in EDITABLE_STATUSES:
        return ["approvals are recorded while the agreement is a draft or out to consultation"]
    return []


def renewal_unmet(agreement: Agreement) -> list[str]:
    if agreement.status not in RENEWABLE_STATUSES:
        return ["only an approved agreement or one in force can be renewed"]
    return []


def transition_unmet(
    agreement: Agreement, to_status: str, context: TransitionContext, *, require_reason: bool = True
) -> list[str]:
    """What stops ``agreement`` moving to ``to_status``; empty when the move is allowed.

    ``require_reason=False`` leaves out the reason, for pages that show what is unmet before anyone types one.
    """
    conditions = TRANSITIONS.get((agreement.status, to_status))
    if conditions is None:
        allowed = [AgreementStatus(to).label.lower() for (frm, to) in TRANSITIONS if frm == agreement.status]
        options = ", ".join(allowed) or "nothing: it has ended"
        return [f"an agreement that is {agreement.get_status_display().lower()} can move only to {options}"]
    unmet = [] if context.reason.strip() or not require_reason else [
        Problem("say why: the reason is recorded in the agreement's history", "reason")
    ]
    return unmet + [problem for condition in conditions for problem in condition(agreement, context)]


def invariants_unmet(agreement: Agreement, on: date) -> list[str]:
    """What an agreement in force would no longer satisfy, checked after each variation."""
    context = TransitionContext(on=on, varying=True)
    return [problem for condition in IN_FORCE_INVARIANTS for problem in condition(agreement, context)]


def transitions_from(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]
