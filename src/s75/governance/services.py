"""Writes to the governance register: boards, members, meetings, papers and decisions. Every page and command
changes them through here; each service is one transaction that writes its audit record.

A decision on an agreement is written to that agreement's audit trail too. ``decision_approval_record`` turns an
approved decision into a partner's approval of the agreement, through the agreements' own service.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from s75.agreements.models import Agreement, Approval, Party, Variation
from s75.agreements.services import approval_record
from s75.audit.services import audit_record, snapshot
from s75.core.errors import ServiceError
from s75.core.users import acting_user
from s75.organisations.models import Organisation

from .models import (
    YEAR_SUBJECTS,
    Board,
    BoardMember,
    Decision,
    DecisionSubject,
    Meeting,
    Paper,
)


class GovernanceRefused(ServiceError):
    """A refused change to the governance register; ``problems`` lists every reason."""


def _refuse_if(problems: list[str]) -> None:
    if problems:
        raise GovernanceRefused(problems)


def board_create(
    *, actor, name: str, kind: str, organisation: Organisation, terms_of_reference: str = "",
    agreements: Iterable[Agreement] = (),
) -> Board:
    """A board of ``organisation`` (usually the creator's, so that they go on to see it)."""
    name = name.strip()
    if not name:
        raise GovernanceRefused(["enter the board's name"])
    if Board.objects.filter(name=name).exists():
        raise GovernanceRefused([f"a board called {name!r} already exists"])
    with transaction.atomic():
        board = Board.objects.create(
            name=name, kind=kind, organisation=organisation, terms_of_reference=terms_of_reference,
            created_by=acting_user(actor), modified_by=acting_user(actor),
        )
        board.agreements.set(agreements)
        references = sorted(board.agreements.values_list("reference", flat=True))
        audit_record(actor=actor, action="board_create", obj=board, after={**snapshot(board), "agreements": references})
    return board


def board_member_add(
    *, actor, board: Board, name: str, role: str, from_date: date, to_date: date | None = None,
    organisation: Organisation | None = None,
) -> BoardMember:
    problems = []
    if not name.strip():
        problems.append("enter the member's name")
    if not role.strip():
        problems.append("enter the member's role on the board")
    if to_date is not None and to_date < from_date:
        problems.append("the date membership ended must be on or after the date it began")
    _refuse_if(problems)
    with transaction.atomic():
        member = BoardMember.objects.create(
            board=Board.objects.select_for_update().get(pk=board.pk), name=name.strip(), role=role.strip(),
            organisation=organisation, from_date=from_date, to_date=to_date,
            created_by=acting_user(actor), modified_by=acting_user(actor),
        )
        audit_record(actor=actor, action="board_member_add", obj=member, after=snapshot(member))
    return member


def meeting_create(*, actor, board: Board, held_on: date, title: str = "") -> Meeting:
    with transaction.atomic():
        locked = Board.objects.select_for_update().get(pk=board.pk)
        _refuse_if([f"{locked} already has a meeting on {held_on:%d %B %Y}"]
                   if locked.meetings.filter(held_on=held_on).exists() else [])
        meeting = Meeting.objects.create(
            board=locked, held_on=held_on, title=title.strip(),
            created_by=acting_user(actor), modified_by=acting_user(actor),
        )
        audit_record(actor=actor, action="meeting_create", obj=meeting, after=snapshot(meeting))
    return meeting


def paper_add(*, actor, meeting: Meeting, title: str, agenda_item: str = "", upload=None, url: str = "") -> Paper:
    """A meeting paper: an uploaded file (kept under ``var/``), a link to the published copy, or only its title."""
    problems = [] if title.strip() else ["enter the paper's title"]
    if upload is not None and url:
        problems.append("give either a file or a link, not both")
    _refuse_if(problems)
    with transaction.atomic():
        paper = Paper(meeting=meeting, title=title.strip(), agenda_item=agenda_item.strip(), url=url,
                      created_by=acting_user(actor), modified_by=acting_user(actor))
        if upload is not None:
            paper.file.save(upload.name, upload, save=False)
        paper.save()
        audit_record(actor=actor, action="paper_add", obj=paper, after=snapshot(paper))
    return paper


def _decision_problems(
    *, agreement: Agreement, subject: str, variation: Variation | None, financial_year: int | None,
    quarter: int | None, summary: str,
) -> list[str]:
    """What the database would refuse about a decision's subject, in words (checked before saving)."""
    problems = [] if summary.strip() else ["say what was decided"]
    if variation is not None and variation.agreement_id != agreement.pk:
        problems.append(f"{variation} is a variation of another agreement: choose one of {agreement}")
    if variation is not None and subject != DecisionSubject.VARIATION:
        problems.append("a decision about a variation has the subject “a variation”")
    if subject in YEAR_SUBJECTS and financial_year is None:
        problems.append(f"say which financial year {DecisionSubject(subject).label.lower()} is for")
    if subject == DecisionSubject.QUARTERLY_REPORT and quarter not in {1, 2, 3}:
        problems.append("say which quarter the report is for: 1, 2 or 3 (the fourth is the annual return)")
    if subject != DecisionSubject.QUARTERLY_REPORT and quarter is not None:
        problems.append("only a quarterly report has a quarter")
    return problems


def decision_record(
    *, actor, meeting: Meeting, agreement: Agreement, summary: str, outcome: str,
    subject: str = DecisionSubject.AGREEMENT, minute_reference: str = "", variation: Variation | None = None,
    financial_year: int | None = None, quarter: int | None = None,
) -> Decision:
    """A board's decision on an agreement, dated by its meeting; written to the agreement's audit trail too."""
    _refuse_if(_decision_problems(agreement=agreement, subject=subject, variation=variation,
                                  financial_year=financial_year, quarter=quarter, summary=summary))
    with transaction.atomic():
        decision = Decision.objects.create(
            meeting=meeting, agreement=agreement, summary=summary.strip(), outcome=outcome, subject=subject,
            minute_reference=minute_reference.strip(), variation=variation, financial_year=financial_year,
            quarter=quarter, created_by=acting_user(actor), modified_by=acting_user(actor),
        )
        audit_record(actor=actor, action="decision_record", obj=decision, agreement=agreement,
                     after=snapshot(decision))
    return decision


def decision_approval_record(*, actor, decision: Decision, party: Party) -> Approval:
    """Record ``party``'s approval of the decision's agreement with the decision as its evidence: dated by the
    meeting, made by the board, referenced by the minute. The agreements' service checks the rest."""
    return approval_record(
        actor=actor, agreement=decision.agreement, party=party, decided_on=decision.decided_on,
        decision_maker=decision.meeting.board.name,
        reference=f"Minute {decision.minute_reference}" if decision.minute_reference else "", decision=decision,
    )
