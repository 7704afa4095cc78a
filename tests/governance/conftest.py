"""Boards, meetings and decisions for the governance tests, made through the services as a board officer would."""

from datetime import date

import pytest

from s75.agreements.models import Agreement, AgreementStatus
from s75.agreements.services import agreement_transition
from s75.governance.models import Board, BoardKind, Decision, DecisionOutcome, Meeting
from s75.governance.services import board_create, decision_record, meeting_create
from tests.factories import UserFactory, complete_agreement


def host_of(agreement: Agreement):
    return agreement.parties.get(is_host=True).organisation


def nhs_of(agreement: Agreement):
    return agreement.parties.get(is_host=False).organisation


def meeting_of(agreement: Agreement, held_on: date, *, name: str = "Test Health and Wellbeing Board") -> Meeting:
    """A meeting of the agreement's board (made on first use), run by the host council and overseeing it."""
    board = Board.objects.filter(name=name).first() or board_create(
        actor=None, name=name, kind=BoardKind.HEALTH_AND_WELLBEING, organisation=host_of(agreement),
        agreements=[agreement],
    )
    return board.meetings.filter(held_on=held_on).first() or meeting_create(actor=None, board=board, held_on=held_on)


def decide(agreement: Agreement, held_on: date, outcome: str = DecisionOutcome.APPROVED, **fields) -> Decision:
    return decision_record(actor=None, meeting=meeting_of(agreement, held_on), agreement=agreement,
                           summary=fields.pop("summary", "Agreed the section 75 agreement"), outcome=outcome,
                           minute_reference=fields.pop("minute_reference", "7"), **fields)


def bring_into_force(agreement: Agreement) -> Agreement:
    agreement_transition(actor=None, agreement=agreement, to_status=AgreementStatus.APPROVED, reason="Approved",
                         on=date(2024, 3, 10))
    return agreement_transition(actor=None, agreement=agreement, to_status=AgreementStatus.IN_FORCE,
                                reason="Commenced", on=date(2024, 4, 1))


@pytest.fixture
def agreement(db):
    """A draft that meets every condition but the partners' approvals (1 April 2024 to 31 March 2027)."""
    return complete_agreement()


@pytest.fixture
def in_force(db):
    return bring_into_force(complete_agreement(approve=True))


@pytest.fixture
def officer(agreement):
    """A pooled fund manager at the agreement's host council."""
    return UserFactory(role="Pooled fund manager", organisation=host_of(agreement))


@pytest.fixture
def papers_dir(settings, tmp_path):
    """Meeting papers are kept under the var directory: a fresh one for each test."""
    settings.VAR_DIR = tmp_path
    return tmp_path / "governance" / "papers"

