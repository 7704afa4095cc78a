"""Writes to the agreement register. Every path (pages, API, CLI, file loads) changes agreements through here.

Each service is one transaction: it locks the agreement, checks the change is allowed in the agreement's
state, makes it, and writes the audit record. Once an agreement is in force its terms change only by a
dated variation, which keeps the whole agreement as it stood before and after.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from s75.accounts.models import User
from s75.audit.services import audit_record, snapshot
from s75.core.errors import Problem, ServiceError
from s75.core.users import acting_user
from s75.organisations.models import Organisation

from .document import agreement_document
from .evidence import decision_evidence_unmet
from .lifecycle import TransitionContext, approval_unmet, change_unmet, invariants_unmet, transition_unmet
from .models import Agreement, AgreementStatus, Approval, Party, Schedule, Transition, Variation
from .selectors import agreements_due_for_renewal, reference_unavailable


class AgreementError(ServiceError):
    """A refused change; ``problems`` lists every reason, each in words a user can act on, with the argument it
    concerns."""


class TransitionRefused(AgreementError):
    def __init__(self, agreement: Agreement, to_status: str, problems: list[str]):
        self.agreement, self.to_status = agreement, to_status
        super().__init__(problems)


class ChangeRefused(AgreementError):
    pass


@dataclass(frozen=True)
class VariationDetails:
    effective_from: date
    description: str
    approval_reference: str = ""
    decision: Model | None = None  # the board decision (governance's) that authorised the variation, if cited


AGREEMENT_FIELDS = frozenset({
    "title", "summary", "basis_s75", "basis_s76", "basis_s256", "pooled_fund", "lead_commissioning",
    "integrated_provision", "is_better_care_fund", "start_date", "end_date", "extension_months_available",
    "renewal_notice_months", "pooled_fund_manager_name", "pooled_fund_manager_title", "pooled_fund_manager_email",
    "contribution_variation_terms", "review_terms", "variation_terms", "termination_terms", "fund_management_terms",
    "prior_agreement_clause", "consultation_closed_on", "consultation_exemption_reason", "predecessor",
})
SCHEDULE_FIELDS = frozenset({
    "number", "title", "funding_type", "lead_commissioner", "aims_and_outcomes", "nhs_functions",
    "health_related_functions", "eligible_people", "services", "resources",
})

_REFERENCE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_open_variation: ContextVar[int | None] = ContextVar("open_variation", default=None)


def agreement_data_changed(*, agreement_id: int) -> None:
    """Move on the agreement's data version in the caller's transaction: every service that writes something its
    fund's monitoring dashboard shows calls this, so the version commits with the change (ADR 0004).

    It locks the agreement's row until the transaction ends, so call it before locking or writing anything else of
    the agreement: every act takes the agreement first, and no two acts can wait on each other."""
    Agreement.objects.filter(pk=agreement_id).update(data_version=F("data_version") + 1)


@contextmanager
def agreement_change(*, agreement: Agreement, actor, variation: VariationDetails | None) -> Iterator[Agreement]:
    """Lock the agreement and allow a change only where its state permits; record the variation it makes."""
    with transaction.atomic():
        # Moved on before the row is read, so that saving the locked row keeps the new version.
        agreement_data_changed(agreement_id=agreement.pk)
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if _open_variation.get() == locked.pk:
            yield locked
            return
        refused = change_unmet(locked, by_variation=variation is not None)
        if refused:
            raise ChangeRefused(refused)
        if variation is None:
            yield locked
            return
        problems = _variation_problems(locked, variation)
        if problems:
            raise ChangeRefused(problems)
        before = agreement_document(agreement=locked)
        last = locked.variations.order_by("-number").first()
        token = _open_variation.set(locked.pk)
        try:
            yield locked
        finally:
            _open_variation.reset(token)
        broken = invariants_unmet(locked, variation.effective_from)
        if broken:
            raise ChangeRefused([f"the agreement could no longer be in force: {problem}" for problem in broken])
        after = agreement_document(agreement=locked)
        recorded = Variation.objects.create(
            agreement=locked, number=(last.number + 1) if last else 1, effective_from=variation.effective_from,
            description=variation.description, approval_reference=variation.approval_reference,
            decision=variation.decision, document_before=before, document_after=after, recorded_by=acting_user(actor),
        )
        audit_record(actor=actor, action="variation_record", obj=recorded, agreement=locked,
                     after={"effective_from": str(variation.effective_from), "description": variation.description})


def _variation_problems(agreement: Agreement, variation: VariationDetails) -> list[str]:
    problems = []
    if not variation.description.strip():
        problems.append(Problem("describe the variation", "variation.description"))
    if not agreement.start_date <= variation.effective_from <= agreement.end_date:
        problems.append(Problem(
            f"a variation must take effect within the term ({agreement.start_date:%d %B %Y} to "
            f"{agreement.end_date:%d %B %Y})", "variation.effective_from",
        ))
    latest = agreement.variations.order_by("-effective_from").first()
    if latest and variation.effective_from < latest.effective_from:
        problems.append(Problem(
            f"variations are recorded in date order: {latest} already takes effect on {latest.effective_from:%d %B %Y}",
            "variation.effective_from",
        ))
    if variation.decision is not None:
        problems += [Problem(problem, "variation.decision") for problem in decision_evidence_unmet(
            decision=variation.decision, agreement=agreement, on=variation.effective_from,
            act="the variation takes effect")]
    return problems


# The longest term s75 accepts: section 75 agreements run for a few years, and are varied or renewed, not drawn up
# for centuries; a longer term is a mistyped year.
MAX_TERM_YEARS = 25


def _months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to the day after ``end`` (a term of 1 April to 31 March is 12)."""
    after = end + timedelta(days=1)
    return (after.year - start.year) * 12 + after.month - start.month - (after.day < start.day)


def _agreement_problems(agreement: Agreement) -> list[str]:
    """What the database would refuse about the agreement's own fields, in words (checked before saving)."""
    problems = []
    if agreement.end_date <= agreement.start_date:
        problems.append(Problem("the end date must be after the start date", "end_date"))
    elif _months_between(agreement.start_date, agreement.end_date) > MAX_TERM_YEARS * 12:
        problems.append(Problem(f"a term may run at most {MAX_TERM_YEARS} years: this one ends "
                                f"{agreement.end_date:%d %B %Y}; check the end date", "end_date"))
    elif agreement.renewal_notice_months >= _months_between(agreement.start_date, agreement.end_date):
        problems.append(Problem(f"the renewal notice ({agreement.renewal_notice_months} months) must be shorter than "
                                "the term", "renewal_notice_months"))
    if agreement.extension_months_available > MAX_TERM_YEARS * 12:
        problems.append(Problem(f"an extension may run at most {MAX_TERM_YEARS} years", "extension_months_available"))
    if not (agreement.basis_s75 or agreement.basis_s76 or agreement.basis_s256):
        problems.append(Problem("choose at least one legal basis: s75, s76 or s256", "basis_s75"))
    if agreement.basis_s75 and not (
        agreement.pooled_fund or agreement.lead_commissioning or agreement.integrated_provision
    ):
        problems.append(Problem("a section 75 agreement uses at least one flexibility: pooled fund, lead "
                                "commissioning or integrated provision", "pooled_fund"))
    return problems


def agreement_create(
    *, actor, reference: str, title: str, start_date: date, end_date: date,
    first_party: Organisation | None = None, first_party_is_host: bool = False, held_by: Organisation | None = None,
    **fields,
) -> Agreement:
    """A new draft agreement; ``first_party`` (usually the creator's organisation) joins it in the same step, so
    the person who made it can see it. Its reference is unique in the register of ``held_by`` (see
    ``Agreement.held_by``), or else of ``first_party``."""
    held_by = first_party if held_by is None else held_by
    unknown = set(fields) - AGREEMENT_FIELDS
    if unknown:
        raise ChangeRefused([f"unknown agreement field: {name}" for name in sorted(unknown)])
    agreement = Agreement(
        reference=reference, title=title, start_date=start_date, end_date=end_date, held_by=held_by,
        created_by=acting_user(actor), modified_by=acting_user(actor), **fields,
    )
    problems = _agreement_problems(agreement)
    if not _REFERENCE.fullmatch(reference or ""):
        problems.insert(0, Problem(f"{reference!r} is not a usable reference: use lower-case letters, digits and "
                                   "hyphens, like luton-s75-2013", "reference"))
    elif unavailable := reference_unavailable(reference=reference, held_by=held_by):
        problems.insert(0, Problem(unavailable, "reference"))
    if problems:
        raise ChangeRefused(problems)
    with transaction.atomic():
        agreement.save()
        audit_record(actor=actor, action="agreement_create", obj=agreement, agreement=agreement,
                     after=snapshot(agreement))
        if first_party is not None:
            party_add(actor=actor, agreement=agreement, organisation=first_party, is_host=first_party_is_host)
    return agreement


def agreement_update(*, actor, agreement: Agreement, variation: VariationDetails | None = None, **fields) -> Agreement:
    unknown = set(fields) - AGREEMENT_FIELDS
    if unknown:
        raise ChangeRefused([f"unknown agreement field: {name}" for name in sorted(unknown)])
    with agreement_change(agreement=agreement, actor=actor, variation=variation) as locked:
        before = snapshot(locked, *fields)
        for name, value in fields.items():
            setattr(locked, name, value)
        problems = _agreement_problems(locked)
        if problems:
            raise ChangeRefused(problems)
        locked.modified_by = acting_user(actor)
        locked.save()
        audit_record(actor=actor, action="agreement_update", obj=locked, agreement=locked,
                     before=before, after=snapshot(locked, *fields))
    return locked


def party_add(
    *, actor, agreement: Agreement, organisation: Organisation, name_in_agreement: str = "", is_host: bool = False,
    requires_prior_agreement: bool | None = None, variation: VariationDetails | None = None,
) -> Party:
    """Add a party; unless told otherwise, every party but the host requires its prior agreement to an overspend."""
    with agreement_change(agreement=agreement, actor=actor, variation=variation) as locked:
        if locked.parties.filter(organisation=organisation).exists():
            raise ChangeRefused(f"{organisation} is already a party to this agreement", field="organisation")
        if is_host and locked.parties.filter(is_host=True).exists():
            raise ChangeRefused(f"{locked.host} is already the host; an agreement has one host", field="is_host")
        last = locked.parties.order_by("-position").first()
        party = Party.objects.create(
            agreement=locked, organisation=organisation, name_in_agreement=name_in_agreement or organisation.name,
            is_host=is_host,
            requires_prior_agreement=(not is_host) if requires_prior_agreement is None else requires_prior_agreement,
            position=(last.position + 1) if last else 1, created_by=acting_user(actor), modified_by=acting_user(actor),
        )
        audit_record(actor=actor, action="party_add", obj=party, agreement=locked, after=snapshot(party))
    return party


def party_update(*, actor, party: Party, variation: VariationDetails | None = None, **fields) -> Party:
    allowed = {"name_in_agreement", "is_host", "requires_prior_agreement"}
    if set(fields) - allowed:
        raise ChangeRefused([f"unknown party field: {name}" for name in sorted(set(fields) - allowed)])
    with agreement_change(agreement=party.agreement, actor=actor, variation=variation) as locked:
        party = Party.objects.select_for_update().get(pk=party.pk)
        if fields.get("is_host") and locked.parties.filter(is_host=True).exclude(pk=party.pk).exists():
            raise ChangeRefused(f"{locked.host} is already the host; an agreement has one host", field="is_host")
        before = snapshot(party, *fields)
        for name, value in fields.items():
            setattr(party, name, value)
        party.modified_by = acting_user(actor)
        party.save()
        audit_record(actor=actor, action="party_update", obj=party, agreement=locked, before=before,
                     after=snapshot(party, *fields))
    return party


def _schedule_problems(agreement: Agreement, fields: dict, schedule: Schedule | None = None) -> list[str]:
    problems = []
    others = agreement.schedules.exclude(pk=schedule.pk) if schedule else agreement.schedules.all()
    if "number" in fields and others.filter(number=fields["number"]).exists():
        problems.append(Problem(f"schedule number {fields['number']} is already used", "number"))
    if "title" in fields and others.filter(title=fields["title"]).exists():
        problems.append(Problem(f"a schedule called {fields['title']!r} already exists", "title"))
    lead = fields.get("lead_commissioner")
    if lead is not None and lead.agreement_id != agreement.pk:
        problems.append(Problem("the lead commissioner must be a party to this agreement", "lead_commissioner"))
    return problems


def schedule_create(
    *, actor, agreement: Agreement, title: str, variation: VariationDetails | None = None, **fields
) -> Schedule:
    unknown = set(fields) - SCHEDULE_FIELDS
    if unknown:
        raise ChangeRefused([f"unknown schedule field: {name}" for name in sorted(unknown)])
    with agreement_change(agreement=agreement, actor=actor, variation=variation) as locked:
        if "number" not in fields:
            last = locked.schedules.order_by("-number").first()
            fields["number"] = (last.number + 1) if last else 1
        problems = _schedule_problems(locked, {**fields, "title": title})
        if problems:
            raise ChangeRefused(problems)
        schedule = Schedule.objects.create(
            agreement=locked, title=title, created_by=acting_user(actor), modified_by=acting_user(actor), **fields
        )
        audit_record(actor=actor, action="schedule_create", obj=schedule, agreement=locked, after=snapshot(schedule))
    return schedule


def schedule_update(*, actor, schedule: Schedule, variation: VariationDetails | None = None, **fields) -> Schedule:
    unknown = set(fields) - SCHEDULE_FIELDS
    if unknown:
        raise ChangeRefused([f"unknown schedule field: {name}" for name in sorted(unknown)])
    with agreement_change(agreement=schedule.agreement, actor=actor, variation=variation) as locked:
        schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
        problems = _schedule_problems(locked, fields, schedule)
        if problems:
            raise ChangeRefused(problems)
        before = snapshot(schedule)
        for name, value in fields.items():
            setattr(schedule, name, value)
        schedule.modified_by = acting_user(actor)
        schedule.save()
        audit_record(actor=actor, action="schedule_update", obj=schedule, agreement=locked, before=before,
                     after=snapshot(schedule))
    return schedule


def approval_record(
    *, actor, agreement: Agreement, party: Party, decided_on: date, decision_maker: str, reference: str = "",
    decision: Model | None = None,
) -> Approval:
    """Record a party's decision to enter the agreement, the evidence the lifecycle asks for; ``decision`` is the
    recorded board decision it cites, if any."""
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        refused = approval_unmet(locked)
        if refused:
            raise ChangeRefused(refused)
        if party.agreement_id != locked.pk:
            raise ChangeRefused(f"{party} is not a party to this agreement", field="party")
        if not decision_maker.strip():
            raise ChangeRefused("say who made the decision (board, cabinet, executive)", field="decision_maker")
        if decision is not None:
            unmet = decision_evidence_unmet(decision=decision, agreement=locked, on=decided_on, act="the approval")
            if unmet:
                raise ChangeRefused(unmet, field="decision")
        approval = Approval.objects.filter(agreement=locked, party=party).first()
        before = snapshot(approval) if approval else None
        if approval is None:
            approval = Approval(agreement=locked, party=party, created_by=acting_user(actor))
        approval.decided_on, approval.decision_maker, approval.reference = decided_on, decision_maker, reference
        approval.decision = decision
        approval.modified_by = acting_user(actor)
        approval.save()
        audit_record(actor=actor, action="approval_record", obj=approval, agreement=locked, before=before,
                     after=snapshot(approval))
    return approval


def agreement_transition(
    *, actor, agreement: Agreement, to_status: str, reason: str, end_reason: str = "", on: date | None = None,
    at=None, decision: Model | None = None,
) -> Agreement:
    """Move the agreement to ``to_status`` or raise :class:`TransitionRefused` listing every unmet condition.

    ``on`` is the date the conditions are judged at (default today); ``at`` the time recorded in the history;
    ``decision`` the recorded board decision that authorised the move, if one is cited.
    """
    with transaction.atomic():
        # Moved on before the row is read, so that saving the locked row keeps the new version.
        agreement_data_changed(agreement_id=agreement.pk)
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        context = TransitionContext(on=on or timezone.localdate(), end_reason=end_reason, reason=reason,
                                    decision=decision)
        problems = transition_unmet(locked, to_status, context)
        previous = locked.transitions.order_by("-at", "-id").first()
        if at is not None and previous is not None and at < previous.at:
            problems.append(Problem(f"the history is in time order: the last move was recorded at "
                                    f"{previous.at:%d %B %Y %H:%M}", "at"))
        if problems:
            raise TransitionRefused(locked, to_status, problems)
        from_status = locked.status
        locked.status = to_status
        locked.end_reason = end_reason if to_status == AgreementStatus.ENDED else ""
        locked.modified_by = acting_user(actor)
        locked.save()
        Transition.objects.create(
            agreement=locked, from_status=from_status, to_status=to_status, end_reason=locked.end_reason,
            reason=reason, at=at or timezone.now(), by=acting_user(actor), decision=decision,
        )
        if from_status == AgreementStatus.APPROVED and to_status == AgreementStatus.DRAFT:
            for approval in locked.approvals.all():
                audit_record(actor=actor, action="approval_withdraw", obj=approval, agreement=locked,
                             before=snapshot(approval), reason="The approved agreement was reopened for changes")
            locked.approvals.all().delete()
        if to_status == AgreementStatus.IN_FORCE:
            Variation.objects.create(
                agreement=locked, number=0, effective_from=locked.start_date, description="As commenced",
                document_after=agreement_document(agreement=locked), recorded_by=acting_user(actor),
            )
        audit_record(actor=actor, action="agreement_transition", obj=locked, agreement=locked,
                     before={"status": from_status}, after={"status": to_status, "end_reason": locked.end_reason},
                     reason=reason)
    return locked


def agreement_vary(*, actor, agreement: Agreement, variation: VariationDetails, changes) -> Variation:
    """Make several changes as one variation: ``changes(agreement)`` calls the other services."""
    with agreement_change(agreement=agreement, actor=actor, variation=variation) as locked:
        changes(locked)
    return locked.variations.order_by("-number").first()


def renewal_alerts_send(*, today: date) -> list[Agreement]:
    """Email each agreement's renewal alert once, when it enters its renewal notice period with no renewal drafted.

    The alert goes to the pooled fund manager's address and to the host's pooled fund managers in the system.
    """
    sent = []
    for agreement in agreements_due_for_renewal(user=None, today=today):
        if agreement.renewal_alert_sent_on is not None:
            continue
        with transaction.atomic():
            locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
            if locked.renewal_alert_sent_on is not None:
                continue  # another run alerted it while this one was looking
            host = locked.host
            recipients = {locked.pooled_fund_manager_email} - {""}
            if host is not None:
                recipients |= set(
                    User.objects.filter(organisation=host.organisation, groups__name="Pooled fund manager")
                    .exclude(email="").values_list("email", flat=True)
                )
            message = dict(
                subject=f"Renewal due: {locked.title}",
                message=(
                    f"{locked.title} ({locked.reference}) ends on {locked.end_date:%d %B %Y}. It is within its "
                    f"{locked.renewal_notice_months}-month renewal notice period and no renewal has been drafted.\n\n"
                    "Decide whether to renew, extend or let it expire, and record the decision."
                ),
                from_email=None,
                recipient_list=sorted(recipients),
            )
            transaction.on_commit(lambda message=message: send_mail(**message))
            locked.renewal_alert_sent_on = today
            locked.save(update_fields=["renewal_alert_sent_on"])
            audit_record(actor=None, action="renewal_alert_send", obj=locked, agreement=locked,
                         after={"sent_on": str(today), "recipients": sorted(recipients)})
        sent.append(locked)
    return sent
