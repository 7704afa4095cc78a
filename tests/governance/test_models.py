"""What the database itself refuses about governance rows, whatever path writes them."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from s75.governance.models import BoardMember, Decision, DecisionOutcome, DecisionSubject, Meeting

from .conftest import meeting_of

pytestmark = pytest.mark.django_db


def _refused(**fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(summary="Agreed", outcome=DecisionOutcome.APPROVED, **fields)


def test_a_decision_has_a_quarter_only_when_it_is_on_a_quarterly_report(agreement):
    meeting = meeting_of(agreement, date(2024, 9, 12))
    _refused(meeting=meeting, agreement=agreement, subject=DecisionSubject.QUARTERLY_REPORT, financial_year=2024)
    _refused(meeting=meeting, agreement=agreement, subject=DecisionSubject.QUARTERLY_REPORT, financial_year=2024,
             quarter=4)
    _refused(meeting=meeting, agreement=agreement, subject=DecisionSubject.BUDGET, financial_year=2024, quarter=1)
    Decision.objects.create(meeting=meeting, agreement=agreement, subject=DecisionSubject.QUARTERLY_REPORT,
                            financial_year=2024, quarter=1, summary="Noted the Q1 report", outcome="noted")


def test_a_budget_plan_or_report_says_which_financial_year(agreement):
    meeting = meeting_of(agreement, date(2025, 2, 20))
    for subject in (DecisionSubject.BUDGET, DecisionSubject.BCF_PLAN, DecisionSubject.ANNUAL_RETURN):
        _refused(meeting=meeting, agreement=agreement, subject=subject)


def test_only_a_decision_about_a_variation_names_one(in_force):
    variation = in_force.variations.get(number=0)
    _refused(meeting=meeting_of(in_force, date(2024, 9, 12)), agreement=in_force, subject=DecisionSubject.AGREEMENT,
             variation=variation)


def test_a_board_meets_once_a_day_and_membership_ends_after_it_begins(agreement):
    meeting = meeting_of(agreement, date(2024, 9, 12))
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(board=meeting.board, held_on=date(2024, 9, 12))
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardMember.objects.create(board=meeting.board, name="Cllr A", role="Chair", from_date=date(2024, 5, 1),
                                   to_date=date(2024, 4, 30))


def test_a_decision_is_dated_by_its_meeting_and_labels_its_period(agreement):
    decision = Decision.objects.create(
        meeting=meeting_of(agreement, date(2024, 9, 12)), agreement=agreement,
        subject=DecisionSubject.QUARTERLY_REPORT, financial_year=2024, quarter=1, summary="Noted", outcome="noted",
        minute_reference="41",
    )
    assert decision.decided_on == date(2024, 9, 12)
    assert decision.period_label == "2024-25 Q1"
    assert str(decision) == "Test Health and Wellbeing Board, 12 September 2024, minute 41"
