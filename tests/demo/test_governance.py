"""The demo's boards and decisions: those the seeds name, on the demo partnerships, loaded once however often run."""

from datetime import date, timedelta
from importlib import resources

import pytest
from django.utils import timezone

from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import agreement_file_read
from s75.audit.models import AuditEvent
from s75.demo.governance import governance_demo_load
from s75.demo.services import DEMO_FILES
from s75.governance.models import Board, Decision, Meeting
from s75.governance.selectors import boards_for_agreement, forward_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnerships():
    for filename in DEMO_FILES:
        agreement_load(actor=None, document=agreement_file_read(resources.files("s75.demo").joinpath("data", filename)))


def test_the_seed_boards_are_loaded_once_with_their_decisions(partnerships):
    governance_demo_load()
    counts = (Board.objects.count(), Meeting.objects.count(), Decision.objects.count(), AuditEvent.objects.count())
    governance_demo_load()
    assert (Board.objects.count(), Meeting.objects.count(), Decision.objects.count(),
            AuditEvent.objects.count()) == counts
    bexley = Decision.objects.get(meeting__board__name="Bexley Borough-Based Board").agreement
    assert {board.name for board in boards_for_agreement(agreement=bexley)} == {
        "Bexley Health and Wellbeing Board", "Bexley Borough-Based Board"}
    leicestershire = Board.objects.get(name="Leicestershire Health and Wellbeing Board")
    assert leicestershire.meetings.get().held_on == date(2014, 4, 1)


def test_bexleys_forward_plan_shows_its_reports_and_renewal_with_the_next_board_meeting(partnerships):
    governance_demo_load()
    today = date(2026, 11, 22)
    plan = [(item.title, item.state(today), item.next_meeting.held_on) for item in forward_plan(user=None, today=today)]
    assert plan == [
        ("Annual return 2025-26", "Overdue", date(2026, 12, 10)),
        ("Quarterly report 2026-27 Q1, to 30 June 2026", "Overdue", date(2026, 12, 10)),
        ("Quarterly report 2026-27 Q2, to 30 September 2026", "Due", date(2026, 12, 10)),
        ("Quarterly report 2026-27 Q3, to 31 December 2026", "Due", date(2026, 12, 10)),
        ("Renew, extend or let expire (ends 31 March 2027)", "Due", date(2026, 12, 10)),
    ]


def test_the_integration_executive_always_has_a_meeting_coming_up_with_its_papers(partnerships):
    governance_demo_load()
    governance_demo_load()
    executive = Board.objects.get(name="Leicestershire Integration Executive")
    meeting = executive.meetings.get()
    assert meeting.held_on == timezone.localdate() + timedelta(days=14)
    assert [paper.title for paper in meeting.papers.order_by("agenda_item")] == [
        "Better Care Fund pooled budget, monitoring report for the month",
        "Better Care Fund plan, progress against the national conditions"]
