"""Who sees which consultation, the public hub's list, and the approval gate the lifecycle asks through its hook."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from s75.agreements.models import AgreementStatus, Variation
from s75.agreements.services import TransitionRefused, agreement_transition
from s75.consultations.selectors import (
    consultation_draft,
    consultations_visible_to,
    faq_drafts,
    public_consultations,
)
from s75.consultations.services import outcome_publish
from tests.consultations.conftest import AFTER, DURING, consult
from tests.factories import UserFactory, complete_agreement


def test_staff_of_the_consulting_partners_only(consultation, commissioner):
    assert list(consultations_visible_to(user=commissioner)) == [consultation]
    assert not consultations_visible_to(user=UserFactory(role="Commissioner")).exists()
    assert consultations_visible_to(user=None).count() == 1


def test_hub_lists_by_status_and_searches_by_word_and_partner(agreement, consultation):
    later = consult(agreement, slug="later", title="Carers' breaks", summary="Respite for carers",
                    opens_at=AFTER, closes_at=AFTER + timedelta(days=30))
    hub = public_consultations(now=DURING)
    assert [entry.consultation for entry in hub["open"]] == [consultation]
    assert [entry.consultation for entry in hub["forthcoming"]] == [later]
    assert [entry.consultation for entry in public_consultations(now=DURING, search="respite CARERS")["forthcoming"]] \
        == [later]
    assert not any(public_consultations(now=DURING, search="respite equipment").values())
    other = complete_agreement()
    assert not any(public_consultations(now=DURING, partner=other.parties.first().organisation_id).values())


@pytest.fixture
def closed_agreement(db):
    """An agreement out to consultation, its partners' approvals recorded (1 March 2024)."""
    agreement = complete_agreement(approve=True)
    agreement_transition(actor=None, agreement=agreement, to_status=AgreementStatus.CONSULTATION, reason="Consulting",
                         on=date(2021, 1, 4))
    return agreement


def test_approval_waits_for_the_outcome_then_goes_ahead(closed_agreement):
    consultation = consult(closed_agreement)
    with pytest.raises(TransitionRefused, match="has closed but its outcome is not published"):
        agreement_transition(actor=None, agreement=closed_agreement, to_status=AgreementStatus.APPROVED,
                             reason="Approved", on=date(2024, 3, 20))
    outcome_publish(actor=None, consultation=consultation, summary="Most supported the proposal.", now=AFTER)
    with pytest.raises(TransitionRefused, match="outcome is not published"):
        agreement_transition(actor=None, agreement=closed_agreement, to_status=AgreementStatus.APPROVED,
                             reason="Approved", on=date(2021, 3, 4))
    approved = agreement_transition(actor=None, agreement=closed_agreement, to_status=AgreementStatus.APPROVED,
                                    reason="Approved", on=date(2024, 3, 20))
    assert approved.status == AgreementStatus.APPROVED


def test_approval_refused_while_the_consultation_is_open(closed_agreement):
    now = timezone.now()
    consult(closed_agreement, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))
    with pytest.raises(TransitionRefused, match="does not close until"):
        agreement_transition(actor=None, agreement=closed_agreement, to_status=AgreementStatus.APPROVED,
                             reason="Approved", on=timezone.localdate())


def test_an_agreement_without_an_s75_consultation_keeps_its_recorded_date(closed_agreement):
    with pytest.raises(TransitionRefused, match="no closing date recorded"):
        agreement_transition(actor=None, agreement=closed_agreement, to_status=AgreementStatus.APPROVED,
                             reason="Approved", on=date(2024, 3, 20))


def test_a_consultation_on_a_variation_is_not_the_agreements_own(closed_agreement):
    """The review of issue 15: an open consultation on a variation held up the agreement's approval."""
    variation = Variation.objects.create(agreement=closed_agreement, number=1, effective_from=date(2024, 4, 1),
                                         description="Adds a schedule", document_after={})
    now = timezone.now()
    consult(closed_agreement, variation=variation, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))
    with pytest.raises(TransitionRefused, match="no closing date recorded"):
        agreement_transition(actor=None, agreement=closed_agreement, to_status=AgreementStatus.APPROVED,
                             reason="Approved", on=date(2024, 3, 20))


def test_a_draft_drawn_from_the_agreement(agreement):
    draft = consultation_draft(agreement=agreement)
    host, nhs = (party.name_in_agreement for party in agreement.parties.order_by("position"))
    assert draft["summary"].startswith(f"{host} and {nhs} propose")
    assert "1 April 2024 to 31 March 2027" in draft["summary"]
    assert "- a pooled budget" in draft["body"] and "- Joint Equipment Store" in draft["body"]
    assert "lead commissioning" not in draft["body"]


def test_faqs_drafted_from_the_agreement(agreement):
    drafts = faq_drafts(agreement=agreement)
    host, nhs = (party.name_in_agreement for party in agreement.parties.order_by("position"))
    question, answer = drafts["partners"]
    assert question == "Who would be part of the agreement?"
    assert answer.startswith(f"The partners would be {host} and {nhs}. {host} would host the agreement")
    assert "- a pooled budget" in drafts["flexibilities"][1] and "lead commissioning" not in drafts["flexibilities"][1]
    assert drafts["services"][1].startswith("- Joint Equipment Store")
    assert "1 April 2024 to 31 March 2027" in drafts["term"][1]
