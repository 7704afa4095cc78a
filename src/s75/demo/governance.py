"""The demo's boards, meetings and decisions (``data/governance.yaml``), loaded through the governance services.
Safe to run again: what is already there is left as it is."""

from datetime import timedelta
from importlib import resources

import yaml
from django.utils import timezone

from s75.agreements.models import Agreement
from s75.governance.models import Board
from s75.governance.services import board_create, decision_record, meeting_create, paper_add
from s75.organisations.selectors import organisation_get_by_code


def _meeting_load(board: Board, spec: dict) -> None:
    meeting = board.meetings.filter(held_on=spec["held_on"]).first() or meeting_create(
        actor=None, board=board, held_on=spec["held_on"], title=spec.get("title") or "")
    for paper in spec.get("papers", []):
        if not meeting.papers.filter(title=paper["title"]).exists():
            paper_add(actor=None, meeting=meeting, title=paper["title"], agenda_item=paper.get("agenda_item", ""),
                      url=paper.get("url", ""))
    for decision in spec.get("decisions", []):
        if meeting.decisions.filter(minute_reference=decision["minute_reference"]).exists():
            continue
        decision_record(
            actor=None, meeting=meeting, agreement=Agreement.objects.get(reference=decision["agreement"]),
            summary=decision["summary"], outcome=decision["outcome"], subject=decision["subject"],
            minute_reference=decision["minute_reference"], financial_year=decision.get("financial_year"),
            quarter=decision.get("quarter"),
        )


def _next_meeting_arranged(board: Board, spec: dict) -> None:
    """A board that meets regularly has its next meeting ``in_days`` after the demo is loaded, unless one is
    arranged already: the demo always has a meeting coming up, whenever it is loaded."""
    today = timezone.localdate()
    if not board.meetings.filter(held_on__gte=today).exists():
        _meeting_load(board, {**spec, "held_on": today + timedelta(days=spec["in_days"])})


def governance_demo_load() -> None:
    data = yaml.safe_load(resources.files("s75.demo").joinpath("data", "governance.yaml").read_text("utf-8"))
    for spec in data["boards"]:
        board = Board.objects.filter(name=spec["name"]).first() or board_create(
            actor=None, name=spec["name"], kind=spec["kind"],
            organisation=organisation_get_by_code(code=spec["organisation"]),
            terms_of_reference=spec["terms_of_reference"],
            agreements=Agreement.objects.filter(reference__in=spec["agreements"]),
        )
        for meeting in spec["meetings"]:
            _meeting_load(board, meeting)
        if "next_meeting" in spec:
            _next_meeting_arranged(board, spec["next_meeting"])
