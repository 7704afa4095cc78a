"""Who sees which boards and decisions, finding decisions, the boards of an agreement, and the forward plan."""

from datetime import date

import pytest

from s75.governance.models import BoardKind, DecisionOutcome, DecisionSubject
from s75.governance.selectors import (
    PlanState,
    boards_for_agreement,
    boards_visible_to,
    decision_list,
    decision_recorders,
    decisions_visible_to,
    forward_plan,
    meetings_next,
    meetings_visible_to,
)
from s75.governance.services import board_create, board_member_add, decision_record, meeting_create
from tests.factories import OrganisationFactory, UserFactory, complete_agreement

from .conftest import bring_into_force, decide, host_of, meeting_of, nhs_of

pytestmark = pytest.mark.django_db


def test_partners_see_boards_of_their_agreements_or_that_their_organisation_runs_or_sits_on(agreement):
    decision = decide(agreement, date(2024, 3, 1))
    board = decision.meeting.board
    unrelated = board_create(actor=None, name="Elsewhere Integration Executive",
                             kind=BoardKind.INTEGRATION_EXECUTIVE, organisation=OrganisationFactory())
    partner = UserFactory(organisation=nhs_of(agreement))
    outsider = UserFactory()
    assert set(boards_visible_to(user=partner)) == {board}
    assert set(decisions_visible_to(user=partner)) == {decision}
    assert not boards_visible_to(user=outsider).exists()
    assert not decisions_visible_to(user=outsider).exists()
    # Sitting on a board shows it and its decisions, even on agreements the member's organisation is not party to.
    board_member_add(actor=None, board=board, name="Healthwatch chair", role="Member",
                     organisation=outsider.organisation, from_date=date(2024, 1, 1))
    assert set(boards_visible_to(user=outsider)) == {board}
    assert set(decisions_visible_to(user=outsider)) == {decision}
    assert set(boards_visible_to(user=UserFactory(organisation=unrelated.organisation))) == {unrelated}
    assert set(boards_visible_to(user=None)) == {board, unrelated}
    assert set(boards_visible_to(user=UserFactory(is_superuser=True, organisation=None))) == {board, unrelated}
    assert not boards_visible_to(user=UserFactory(organisation=None)).exists()


def test_the_boards_of_an_agreement_are_those_that_oversee_it_or_decided_on_it(agreement):
    overseer = meeting_of(agreement, date(2024, 2, 1)).board
    other = complete_agreement()
    decider = decide(agreement, date(2024, 3, 1)).meeting.board
    decided_elsewhere = board_create(actor=None, name="Borough-Based Board", kind=BoardKind.PLACE,
                                     organisation=host_of(other), agreements=[other])
    assert decider == overseer  # the helper's board oversees the agreement
    extra = board_create(actor=None, name="Joint Commissioning Group", kind=BoardKind.JOINT_COMMISSIONING,
                         organisation=host_of(agreement))
    decision_record(actor=None, meeting=meeting_create(actor=None, board=extra, held_on=date(2024, 5, 2)),
                    agreement=agreement, summary="Noted the plan", outcome=DecisionOutcome.NOTED)
    assert set(boards_for_agreement(agreement=agreement)) == {overseer, extra}
    assert set(boards_for_agreement(agreement=other)) == {decided_elsewhere}


def _plan(agreement, today):
    return [(item.subject, item.title, item.due_on, item.state(today))
            for item in forward_plan(user=None, today=today) if item.agreement == agreement]


def test_the_forward_plan_lists_reports_eight_weeks_after_quarter_end_and_next_years_budget_by_28_february():
    agreement = bring_into_force(complete_agreement(approve=True))
    assert _plan(agreement, date(2024, 11, 1)) == [
        ("quarterly_report", "Quarterly report 2024-25 Q1, to 30 June 2024", date(2024, 8, 25), PlanState.OVERDUE),
        ("quarterly_report", "Quarterly report 2024-25 Q2, to 30 September 2024", date(2024, 11, 25), PlanState.DUE),
        ("quarterly_report", "Quarterly report 2024-25 Q3, to 31 December 2024", date(2025, 2, 25), PlanState.DUE),
        ("budget", "Budget 2025-26", date(2025, 2, 28), PlanState.DUE),
    ]


def test_a_recorded_decision_settles_an_item_and_a_deferral_does_not():
    agreement = bring_into_force(complete_agreement(approve=True))
    decide(agreement, date(2024, 11, 14), outcome=DecisionOutcome.NOTED, subject=DecisionSubject.QUARTERLY_REPORT,
           financial_year=2024, quarter=2)
    decide(agreement, date(2025, 2, 13), outcome=DecisionOutcome.DEFERRED, subject=DecisionSubject.BUDGET,
           financial_year=2025)
    items = {item.title: item for item in forward_plan(user=None, today=date(2025, 3, 3))
             if item.agreement == agreement}
    assert items["Quarterly report 2024-25 Q2, to 30 September 2024"].state(date(2025, 3, 3)) == PlanState.DECIDED
    budget = items["Budget 2025-26"]
    assert (budget.state(date(2025, 3, 3)), budget.decision.outcome) == (PlanState.OVERDUE, DecisionOutcome.DEFERRED)
    assert budget.next_meeting is None


def test_the_forward_plan_shows_a_renewal_in_its_notice_period_and_the_next_board_meeting():
    agreement = bring_into_force(complete_agreement(approve=True))
    meeting_of(agreement, date(2026, 12, 3))
    meeting = meeting_of(agreement, date(2026, 10, 8))
    renewal = [item for item in forward_plan(user=None, today=date(2026, 10, 1))
               if item.subject == DecisionSubject.RENEWAL and item.agreement == agreement]
    assert [(item.title, item.due_on, item.next_meeting) for item in renewal] == [
        ("Renew, extend or let expire (ends 31 March 2027)", date(2027, 3, 31), meeting)]
    assert "Annual return 2026-27" not in [item.title for item in forward_plan(user=None, today=date(2026, 10, 1))]
    annual = [item for item in forward_plan(user=None, today=date(2027, 4, 20)) if item.agreement == agreement
              and item.subject == DecisionSubject.ANNUAL_RETURN]
    assert [(item.title, item.due_on) for item in annual] == [("Annual return 2026-27", date(2027, 5, 26))]


def test_the_forward_plan_is_scoped_to_the_users_agreements_and_leaves_out_drafts_and_non_pooled_funds():
    agreement = bring_into_force(complete_agreement(approve=True))
    partner, outsider = UserFactory(organisation=nhs_of(agreement)), UserFactory()
    assert forward_plan(user=partner, today=date(2024, 11, 1))
    assert forward_plan(user=outsider, today=date(2024, 11, 1)) == []
    draft = complete_agreement()
    lead_only = bring_into_force(complete_agreement(approve=True, pooled_fund=False, lead_commissioning=True))
    subjects = {(item.agreement, item.subject) for item in forward_plan(user=None, today=date(2024, 11, 1))}
    assert not any(agreement == draft for agreement, _ in subjects)
    assert {subject for agreement, subject in subjects if agreement == lead_only} == {DecisionSubject.BUDGET}


def test_decisions_are_found_by_date_kind_outcome_and_who_recorded_them(agreement):
    officer = UserFactory(role="Pooled fund manager", organisation=host_of(agreement))
    agreed = decision_record(actor=officer, meeting=meeting_of(agreement, date(2024, 3, 14)), agreement=agreement,
                             summary="Agreed the agreement", outcome=DecisionOutcome.APPROVED)
    budget = decide(agreement, date(2025, 2, 20), subject=DecisionSubject.BUDGET, financial_year=2025,
                    outcome=DecisionOutcome.DEFERRED)
    later = decide(agreement, date(2025, 6, 5), outcome=DecisionOutcome.NOTED)

    def found(**filters):
        return list(decision_list(user=officer, **filters))

    assert found() == [later, budget, agreed]
    assert found(held_from=date(2025, 2, 20)) == [later, budget]  # both ends are inclusive
    assert found(held_to=date(2025, 2, 20)) == [budget, agreed]
    assert found(held_from=date(2024, 4, 1), held_to=date(2025, 3, 31)) == [budget]
    assert found(subject=DecisionSubject.BUDGET) == [budget]
    assert found(outcome=DecisionOutcome.NOTED) == [later]
    assert found(recorded_by=officer) == [agreed]
    assert list(decision_recorders(user=officer)) == [officer]
    # Another organisation finds none of them, however it filters, and no one to choose.
    outsider = UserFactory(role="Pooled fund manager")
    assert not decision_list(user=outsider, outcome=DecisionOutcome.NOTED).exists()
    assert not decision_recorders(user=outsider).exists()


def test_meetings_visible_are_ordered_by_board_date_and_title(agreement):
    meeting_of(agreement, date(2024, 9, 12))
    meeting_of(agreement, date(2024, 3, 1))
    meeting_of(agreement, date(2024, 1, 10), name="A Joint Commissioning Board")
    reader = UserFactory(role="Board member", organisation=agreement.parties.get(is_host=True).organisation)
    assert [(meeting.board.name, meeting.held_on) for meeting in meetings_visible_to(user=reader)] == [
        ("A Joint Commissioning Board", date(2024, 1, 10)), ("Test Health and Wellbeing Board", date(2024, 3, 1)),
        ("Test Health and Wellbeing Board", date(2024, 9, 12))]
    assert not meetings_visible_to(user=UserFactory(role="Board member")).exists()


def test_the_next_meeting_of_each_of_the_users_own_boards(agreement):
    meeting_of(agreement, date(2024, 3, 1))
    following = meeting_of(agreement, date(2024, 9, 12))
    overseeing = meeting_of(agreement, date(2024, 5, 1), name="NHS board")
    overseeing.board.organisation = nhs_of(agreement)
    overseeing.board.save()
    member = UserFactory(role="Board member", organisation=host_of(agreement))
    assert meetings_next(user=member, today=date(2024, 3, 2)) == [following], "not the NHS body's board"
    assert meetings_next(user=member, today=date(2024, 9, 13)) == []
    assert meetings_next(user=None, today=date(2024, 3, 2)) == [overseeing, following]
    assert meetings_next(user=UserFactory(organisation=None), today=date(2024, 3, 2)) == []
