"""Each lifecycle transition: refused with every unmet condition named, allowed once they are met."""

from datetime import UTC, date, datetime

import pytest

from s75.agreements.models import AgreementStatus, EndReason, Transition, Variation
from s75.agreements.renewal import agreement_renew
from s75.agreements.services import (
    TransitionRefused,
    agreement_transition,
    agreement_update,
    approval_record,
    schedule_create,
)
from s75.audit.models import AuditEvent
from tests.factories import AgreementFactory, OrganisationFactory, PartyFactory, complete_agreement

pytestmark = pytest.mark.django_db
S = AgreementStatus


def refusal(agreement, to_status, **kwargs) -> list[str]:
    kwargs.setdefault("reason", "test")
    with pytest.raises(TransitionRefused) as caught:
        agreement_transition(actor=None, agreement=agreement, to_status=to_status, **kwargs)
    agreement.refresh_from_db()
    return caught.value.problems


def test_an_empty_draft_cannot_go_to_consultation_and_says_why():
    agreement = AgreementFactory()
    assert refusal(agreement, S.CONSULTATION) == [
        "no NHS body is a party to the agreement",
        "no local authority is a party to the agreement",
        "the agreement has no schedules",
    ]
    assert agreement.status == S.DRAFT
    assert not Transition.objects.filter(agreement=agreement).exists()


def test_every_transition_needs_a_reason():
    agreement = complete_agreement()
    assert refusal(agreement, S.CONSULTATION, reason="  ") == [
        "say why: the reason is recorded in the agreement's history"
    ]


def test_council_only_agreement_lacks_an_nhs_body():
    agreement = AgreementFactory()
    PartyFactory(agreement=agreement, organisation=OrganisationFactory(), is_host=True)
    schedule_create(actor=None, agreement=agreement, title="Service")
    assert refusal(agreement, S.CONSULTATION) == ["no NHS body is a party to the agreement"]


def test_consultation_to_approved_waits_for_the_closing_date_and_every_approval():
    agreement = complete_agreement(consultation_exemption_reason="", consultation_closed_on=date(2025, 3, 4))
    agreement_transition(actor=None, agreement=agreement, to_status=S.CONSULTATION, reason="Consult")
    problems = refusal(agreement, S.APPROVED, on=date(2025, 3, 3))
    host, partner = agreement.parties.all()
    assert problems == [
        "the consultation does not close until 04 March 2025",
        f"{host} has not recorded its approval",
        f"{partner} has not recorded its approval",
    ]
    for party in (host, partner):
        approval_record(
            actor=None, agreement=agreement, party=party, decided_on=date(2025, 3, 10), decision_maker="Board"
        )
    agreement_transition(actor=None, agreement=agreement, to_status=S.APPROVED, reason="Approved", on=date(2025, 3, 11))
    agreement.refresh_from_db()
    assert agreement.status == S.APPROVED


def test_draft_to_approved_needs_a_closed_consultation_or_a_reason_none_was_needed():
    agreement = complete_agreement(approve=True, consultation_exemption_reason="")
    assert refusal(agreement, S.APPROVED) == [
        "the consultation has no closing date recorded, and no reason why none was needed is recorded"
    ]
    agreement_update(actor=None, agreement=agreement, consultation_exemption_reason="Same services renewed")
    agreement_transition(actor=None, agreement=agreement, to_status=S.APPROVED, reason="Approved")


def test_in_force_needs_the_whole_checklist_a_host_and_a_manager():
    agreement = complete_agreement(approve=True, review_terms="", pooled_fund_manager_name="")
    agreement_transition(actor=None, agreement=agreement, to_status=S.APPROVED, reason="Approved")
    assert refusal(agreement, S.IN_FORCE) == [
        "content checklist (f) duration, and how the agreement is reviewed, varied or terminated: "
        "the agreement does not say how it is reviewed",
        "content checklist (g) how the fund is managed and monitored: no pooled fund manager is named",
        "a pooled fund needs a pooled fund manager",
    ]


def test_in_force_refuses_an_excluded_nhs_function():
    agreement = complete_agreement(approve=True)
    schedule = agreement.schedules.get()
    from s75.agreements.services import schedule_update

    schedule_update(actor=None, schedule=schedule, nhs_functions="Community equipment\nDay-case surgery")
    agreement_transition(actor=None, agreement=agreement, to_status=S.APPROVED, reason="Approved")
    assert refusal(agreement, S.IN_FORCE) == [
        "schedule 1 (Joint Equipment Store) names 'Day-case surgery', which falls under an excluded function: Surgery"
    ]


def test_coming_into_force_records_history_audit_and_the_terms_as_commenced():
    agreement = complete_agreement(approve=True)
    approved_at = datetime(2024, 3, 2, 17, tzinfo=UTC)
    agreement_transition(actor=None, agreement=agreement, to_status=S.APPROVED, reason="Approved", at=approved_at)
    at = datetime(2024, 4, 1, 8, tzinfo=UTC)
    with pytest.raises(TransitionRefused, match="history is in time order"):
        agreement_transition(actor=None, agreement=agreement, to_status=S.IN_FORCE, reason="Commenced",
                             at=datetime(2024, 3, 1, tzinfo=UTC))
    agreement_transition(actor=None, agreement=agreement, to_status=S.IN_FORCE, reason="Commenced", at=at)
    transitions = list(agreement.transitions.values_list("from_status", "to_status", "reason"))
    assert transitions == [(S.DRAFT, S.APPROVED, "Approved"), (S.APPROVED, S.IN_FORCE, "Commenced")]
    assert agreement.transitions.last().at == at
    commenced = Variation.objects.get(agreement=agreement, number=0)
    assert commenced.effective_from == date(2024, 4, 1)
    assert commenced.document_after["agreement"]["status"] == S.IN_FORCE
    events = AuditEvent.objects.filter(agreement=agreement, action="agreement_transition")
    assert [(e.before, e.after["status"], e.reason) for e in events.order_by("id")] == [
        ({"status": "draft"}, "approved", "Approved"),
        ({"status": "approved"}, "in_force", "Commenced"),
    ]


def in_force_agreement(**overrides):
    agreement = complete_agreement(approve=True, **overrides)
    agreement_transition(actor=None, agreement=agreement, to_status=S.APPROVED, reason="Approved")
    agreement_transition(actor=None, agreement=agreement, to_status=S.IN_FORCE, reason="Commenced")
    agreement.refresh_from_db()
    return agreement


def test_ending_needs_a_valid_reason_of_the_kind_given():
    agreement = in_force_agreement()
    assert refusal(agreement, S.ENDED) == ["say why the agreement ended: expired, terminated or superseded"]
    assert refusal(agreement, S.ENDED, end_reason=EndReason.EXPIRED, on=date(2027, 3, 31)) == [
        "the agreement does not expire until the end of 31 March 2027"
    ]
    assert refusal(agreement, S.ENDED, end_reason=EndReason.SUPERSEDED) == [
        "no renewal of this agreement has been approved"
    ]
    agreement_transition(
        actor=None, agreement=agreement, to_status=S.ENDED, end_reason=EndReason.EXPIRED, reason="Term over",
        on=date(2027, 4, 1),
    )
    agreement.refresh_from_db()
    assert (agreement.status, agreement.end_reason) == (S.ENDED, EndReason.EXPIRED)


def test_an_ended_agreement_goes_nowhere():
    agreement = in_force_agreement()
    agreement_transition(
        actor=None, agreement=agreement, to_status=S.ENDED, end_reason=EndReason.TERMINATED, reason="Ended by notice"
    )
    assert refusal(agreement, S.IN_FORCE) == ["an agreement that is ended can move only to nothing: it has ended"]


def test_skipping_a_state_is_refused_with_the_moves_that_are_open():
    agreement = complete_agreement(approve=True)
    assert refusal(agreement, S.IN_FORCE) == [
        "an agreement that is draft can move only to in consultation, approved"
    ]


def test_superseded_once_the_renewal_is_approved():
    agreement = in_force_agreement()
    renewal = agreement_renew(
        actor=None, agreement=agreement, reference="renewed", start_date=date(2027, 4, 1), end_date=date(2030, 3, 31)
    )
    assert refusal(agreement, S.ENDED, end_reason=EndReason.SUPERSEDED) == [
        "no renewal of this agreement has been approved"
    ]
    for party in renewal.parties.all():
        approval_record(actor=None, agreement=renewal, party=party, decided_on=date(2026, 3, 1), decision_maker="Board")
    agreement_update(actor=None, agreement=renewal, consultation_exemption_reason="Renewal of the same services")
    agreement_transition(actor=None, agreement=renewal, to_status=S.APPROVED, reason="Approved")
    agreement_transition(
        actor=None, agreement=agreement, to_status=S.ENDED, end_reason=EndReason.SUPERSEDED, reason="Renewed"
    )
    agreement.refresh_from_db()
    assert (agreement.status, agreement.end_reason) == (S.ENDED, EndReason.SUPERSEDED)


def test_in_force_needs_a_host_for_a_pooled_fund():
    agreement = complete_agreement(approve=True)
    from s75.agreements.services import party_update

    party_update(actor=None, party=agreement.host, is_host=False)
    agreement_transition(actor=None, agreement=agreement, to_status=S.APPROVED, reason="Approved")
    assert refusal(agreement, S.IN_FORCE) == [
        "content checklist (g) how the fund is managed and monitored: no party is named as host of the pooled fund",
        "a pooled fund needs a host partner",
    ]


def test_approvals_count_only_once_decided():
    agreement = complete_agreement(approve=True)  # approvals decided on 1 March 2024
    host, partner = agreement.parties.all()
    assert refusal(agreement, S.APPROVED, on=date(2024, 2, 29)) == [
        f"{host} has not recorded its approval by 29 February 2024",
        f"{partner} has not recorded its approval by 29 February 2024",
    ]
    agreement_transition(actor=None, agreement=agreement, to_status=S.APPROVED, reason="Approved", on=date(2024, 3, 1))


def test_in_force_refuses_while_the_consultation_is_still_open():
    agreement = complete_agreement(
        approve=True, consultation_exemption_reason="", consultation_closed_on=date(2024, 3, 4)
    )
    agreement_transition(actor=None, agreement=agreement, to_status=S.CONSULTATION, reason="Consult")
    assert refusal(agreement, S.APPROVED, on=date(2024, 3, 3)) == [
        "the consultation does not close until 04 March 2024"
    ]


def test_consultation_can_go_back_to_draft_for_redrafting():
    agreement = complete_agreement()
    agreement_transition(actor=None, agreement=agreement, to_status=S.CONSULTATION, reason="Consult")
    agreement_transition(actor=None, agreement=agreement, to_status=S.DRAFT, reason="Redraft after responses")
    agreement.refresh_from_db()
    assert agreement.status == S.DRAFT


def test_reopening_an_approved_agreement_withdraws_the_approvals_and_audits_them():
    agreement = complete_agreement(approve=True)
    agreement_transition(actor=None, agreement=agreement, to_status=S.APPROVED, reason="Approved")
    from s75.agreements.services import ChangeRefused, schedule_update

    with pytest.raises(ChangeRefused, match="the approved terms are frozen"):
        schedule_update(actor=None, schedule=agreement.schedules.get(), title="Changed after approval")
    agreement_transition(actor=None, agreement=agreement, to_status=S.DRAFT, reason="Terms to change")
    assert not agreement.approvals.exists()
    assert AuditEvent.objects.filter(agreement=agreement, action="approval_withdraw").count() == 2
    schedule_update(actor=None, schedule=agreement.schedules.get(), title="Changed after approval")
