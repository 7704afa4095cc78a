"""Governance writes, and the lifecycle accepting a recorded decision as the evidence for approval, a move or a
variation: a cited decision must be on that agreement, approved, and dated no later than the act."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from s75.agreements.models import AgreementStatus, Transition
from s75.agreements.renewal import agreement_renew
from s75.agreements.services import (
    ChangeRefused,
    TransitionRefused,
    VariationDetails,
    agreement_transition,
    approval_record,
    schedule_update,
)
from s75.audit.models import AuditEvent
from s75.governance.models import BoardKind, DecisionOutcome, DecisionSubject
from s75.governance.services import (
    GovernanceRefused,
    board_create,
    board_member_add,
    decision_approval_record,
    decision_record,
    meeting_create,
    paper_add,
)
from tests.factories import complete_agreement

from .conftest import decide, host_of, meeting_of

pytestmark = pytest.mark.django_db
S = AgreementStatus


def test_a_board_is_created_with_the_agreements_it_oversees_and_audited(agreement, officer):
    board = board_create(actor=officer, name="Bexley Health and Wellbeing Board",
                         kind=BoardKind.HEALTH_AND_WELLBEING, organisation=host_of(agreement),
                         terms_of_reference="Signs off the Better Care Fund plan.", agreements=[agreement])
    assert list(board.agreements.all()) == [agreement]
    event = AuditEvent.objects.get(action="board_create")
    assert (event.actor, event.after["name"], event.after["agreements"]) == (
        officer, "Bexley Health and Wellbeing Board", [agreement.reference])
    with pytest.raises(GovernanceRefused, match="a board called 'Bexley Health and Wellbeing Board' already exists"):
        board_create(actor=officer, name="Bexley Health and Wellbeing Board", kind=BoardKind.PLACE,
                     organisation=host_of(agreement))


def test_members_meetings_and_papers_are_checked_and_audited(agreement, officer, papers_dir):
    board = meeting_of(agreement, date(2024, 9, 12)).board
    with pytest.raises(GovernanceRefused) as refused:
        board_member_add(actor=officer, board=board, name=" ", role="", from_date=date(2024, 5, 1),
                         to_date=date(2024, 4, 1))
    assert refused.value.problems == [
        "enter the member's name", "enter the member's role on the board",
        "the date membership ended must be on or after the date it began",
    ]
    member = board_member_add(actor=officer, board=board, name="Cllr Louie French", role="Chair",
                              organisation=host_of(agreement), from_date=date(2024, 5, 1))
    assert member.to_date is None
    with pytest.raises(GovernanceRefused, match="already has a meeting on 12 September 2024"):
        meeting_create(actor=officer, board=board, held_on=date(2024, 9, 12))
    meeting = meeting_create(actor=officer, board=board, held_on=date(2024, 12, 5), title="Extraordinary meeting")

    upload = SimpleUploadedFile("Better Care Fund Q2.pdf", b"%PDF-1.4 the report", content_type="application/pdf")
    paper = paper_add(actor=officer, meeting=meeting, title="Better Care Fund Q2 report", agenda_item="7",
                      upload=upload)
    assert paper.filename == "Better_Care_Fund_Q2.pdf"
    assert (papers_dir / paper.file.name).read_bytes() == b"%PDF-1.4 the report"
    link = paper_add(actor=officer, meeting=meeting, title="Minutes", url="https://www.bexley.gov.uk/minutes")
    assert not link.file
    with pytest.raises(GovernanceRefused, match="either a file or a link, not both"):
        paper_add(actor=officer, meeting=meeting, title="Both", url="https://example.org/",
                  upload=SimpleUploadedFile("a.pdf", b"x"))
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "board_member_add", "meeting_create", "paper_add"}


def test_a_decision_says_what_it_is_for_and_goes_in_the_agreements_audit_trail(agreement, officer):
    meeting = meeting_of(agreement, date(2024, 9, 12))
    with pytest.raises(GovernanceRefused) as refused:
        decision_record(actor=officer, meeting=meeting, agreement=agreement, summary="",
                        outcome=DecisionOutcome.NOTED, subject=DecisionSubject.QUARTERLY_REPORT)
    assert refused.value.problems == [
        "say what was decided", "say which financial year a quarterly report is for",
        "say which quarter the report is for: 1, 2 or 3 (the fourth is the annual return)",
    ]
    decision = decision_record(actor=officer, meeting=meeting, agreement=agreement, summary="Noted the Q1 report",
                               outcome=DecisionOutcome.NOTED, subject=DecisionSubject.QUARTERLY_REPORT,
                               financial_year=2024, quarter=1, minute_reference="HWB/24/41")
    event = AuditEvent.objects.get(action="decision_record")
    assert (event.agreement, event.after["minute_reference"]) == (agreement, "HWB/24/41")
    assert decision.decided_on == date(2024, 9, 12)


def test_a_decision_about_a_variation_names_one_of_its_own_agreement(in_force):
    other = complete_agreement()
    with pytest.raises(GovernanceRefused, match="is a variation of another agreement"):
        decide(other, date(2024, 9, 12), subject=DecisionSubject.VARIATION,
               variation=in_force.variations.get(number=0))


# The evidence rule, through the agreements' own services.

def test_a_partners_approval_cites_the_decision_that_made_it(agreement):
    decision = decide(agreement, date(2024, 3, 1))
    council = agreement.parties.get(is_host=True)
    approval = decision_approval_record(actor=None, decision=decision, party=council)
    assert (approval.decision, approval.decided_on, approval.decision_maker, approval.reference) == (
        decision, date(2024, 3, 1), "Test Health and Wellbeing Board", "Minute 7")
    assert AuditEvent.objects.get(action="approval_record").after["decision_id"] == decision.pk


def test_an_approval_refuses_a_decision_that_is_not_evidence_and_says_which_condition_is_unmet(agreement):
    other = complete_agreement()
    council = agreement.parties.get(is_host=True)
    on_another = decide(other, date(2024, 3, 1))
    deferred = decide(agreement, date(2024, 2, 1), outcome=DecisionOutcome.DEFERRED)
    later = decide(agreement, date(2024, 3, 20))
    cases = [
        (on_another, "is on another agreement (Joint equipment partnership): a decision cited as evidence must be "
                     "on this agreement"),
        (deferred, "was deferred, not approved: only an approved decision is evidence"),
        (later, "was made on 20 March 2024, after the approval on 01 March 2024: a decision cited as evidence must "
                "be dated no later than the act"),
    ]
    for decision, condition in cases:
        with pytest.raises(ChangeRefused) as refused:
            approval_record(actor=None, agreement=agreement, party=council, decided_on=date(2024, 3, 1),
                            decision_maker="Board", decision=decision)
        assert refused.value.problems == [f"the cited decision ({decision}) {condition}"]
    assert not agreement.approvals.exists()


def test_a_move_cites_the_decision_that_authorised_it(agreement):
    authority = decide(agreement, date(2024, 3, 1))
    for party in agreement.parties.all():
        decision_approval_record(actor=None, decision=authority, party=party)
    agreement_transition(actor=None, agreement=agreement, to_status=S.APPROVED, reason="Approved by the board",
                         on=date(2024, 3, 1), decision=authority)
    assert Transition.objects.get(agreement=agreement).decision == authority


def test_a_move_refuses_a_decision_made_after_it_or_not_approved(in_force):
    rejected = decide(in_force, date(2025, 6, 5), outcome=DecisionOutcome.REJECTED, subject=DecisionSubject.TERMINATION)
    with pytest.raises(TransitionRefused) as refused:
        agreement_transition(actor=None, agreement=in_force, to_status=S.ENDED, end_reason="terminated",
                             reason="Terminated on notice", on=date(2025, 6, 1), decision=rejected)
    assert refused.value.problems == [
        f"the cited decision ({rejected}) was rejected, not approved: only an approved decision is evidence",
        f"the cited decision ({rejected}) was made on 05 June 2025, after the move on 01 June 2025: a decision cited "
        "as evidence must be dated no later than the act",
    ]
    in_force.refresh_from_db()
    assert in_force.status == S.IN_FORCE
    approved = decide(in_force, date(2025, 7, 3), subject=DecisionSubject.TERMINATION)
    agreement_transition(actor=None, agreement=in_force, to_status=S.ENDED, end_reason="terminated",
                         reason="Terminated on notice", on=date(2025, 7, 3), decision=approved)
    assert in_force.transitions.order_by("-id").first().decision == approved


def test_a_variation_cites_the_decision_that_authorised_it_dated_by_when_it_takes_effect(in_force):
    schedule = in_force.schedules.get()
    decision = decide(in_force, date(2025, 3, 20), subject=DecisionSubject.VARIATION)
    too_early = VariationDetails(effective_from=date(2025, 3, 1), description="Renamed", decision=decision)
    with pytest.raises(ChangeRefused, match="after the variation takes effect on 01 March 2025"):
        schedule_update(actor=None, schedule=schedule, title="Joint Equipment Service", variation=too_early)
    variation = VariationDetails(effective_from=date(2025, 4, 1), description="Renamed", decision=decision)
    schedule_update(actor=None, schedule=schedule, title="Joint Equipment Service", variation=variation)
    assert in_force.variations.get(number=1).decision == decision
    assert list(decision.authorised_variations.all()) == [in_force.variations.get(number=1)]


def test_a_renewal_cites_the_decision_to_renew_and_refuses_one_that_is_not_evidence(in_force):
    other = complete_agreement(reference="other-s75")
    elsewhere = decide(other, date(2025, 9, 1), subject=DecisionSubject.RENEWAL)
    rejected = decide(in_force, date(2025, 9, 1), outcome=DecisionOutcome.REJECTED, subject=DecisionSubject.RENEWAL)
    term = {"reference": "renewed-s75", "start_date": date(2027, 4, 1), "end_date": date(2030, 3, 31)}
    for cited, unmet in [(elsewhere, "is on another agreement"), (rejected, "was rejected, not approved")]:
        with pytest.raises(ChangeRefused, match=unmet):
            agreement_renew(actor=None, agreement=in_force, decision=cited, **term)
    assert not in_force.renewals.exists()

    approved = decide(in_force, date(2025, 10, 2), subject=DecisionSubject.RENEWAL)
    renewal = agreement_renew(actor=None, agreement=in_force, decision=approved, **term)
    assert renewal.predecessor == in_force and renewal.renewal_decision == approved
    assert list(approved.authorised_renewals.all()) == [renewal]
    event = AuditEvent.objects.get(action="agreement_renew")
    assert event.after == {"renewal": "renewed-s75", "decision": approved.pk}
