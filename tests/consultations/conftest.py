"""Consultations for the tests, set up through the services as a commissioner would."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from s75.agreements.models import AgreementStatus
from s75.agreements.services import agreement_transition
from s75.consultations.models import QuestionKind
from s75.consultations.services import consultation_create, question_add
from tests.factories import UserFactory, complete_agreement

OPENS = datetime(2021, 1, 4, 12, 0, tzinfo=UTC)
CLOSES = datetime(2021, 3, 4, 12, 0, tzinfo=UTC)
BEFORE = OPENS - timedelta(days=10)
DURING = OPENS + timedelta(days=10)
AFTER = CLOSES + timedelta(days=1)


def host_of(agreement):
    return agreement.parties.get(is_host=True).organisation


def nhs_of(agreement):
    return agreement.parties.get(is_host=False).organisation


def consult(agreement, *, opens_at=OPENS, closes_at=CLOSES, slug="equipment-store", **fields):
    return consultation_create(
        actor=None, agreement=agreement, partners=[host_of(agreement), nhs_of(agreement)], slug=slug,
        title=fields.pop("title", "Proposal to pool the equipment budget"),
        summary=fields.pop("summary", "We propose a pooled fund for community equipment."),
        opens_at=opens_at, closes_at=closes_at, **fields,
    )


def add_survey(consultation):
    """Three pages: a single choice; a question shown only to those who disagree, a rating; free text; About you."""
    agree = question_add(actor=None, consultation=consultation, kind=QuestionKind.SINGLE, text="Do you support it?",
                         required=True, options=["Yes", "No"], now=BEFORE)
    why = question_add(actor=None, consultation=consultation, kind=QuestionKind.TEXT, text="Why not?", page=2,
                       max_length=200, shown_if_option=agree.options.get(label="No"), now=BEFORE)
    rating = question_add(actor=None, consultation=consultation, kind=QuestionKind.RATING,
                          text="How good is the service now?", page=2, now=BEFORE)
    comments = question_add(actor=None, consultation=consultation, kind=QuestionKind.TEXT, text="Anything else?",
                            page=3, max_length=50, now=BEFORE)
    age = question_add(actor=None, consultation=consultation, kind=QuestionKind.SINGLE, text="Your age",
                       about_you=True, options=["Under 65", "65 or over"], now=BEFORE)
    return {"agree": agree, "why": why, "rating": rating, "comments": comments, "age": age}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The rate limits count in the cache, which the test settings keep in files shared by the run."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agreement(db):
    return complete_agreement()


@pytest.fixture
def consultation(agreement):
    return consult(agreement)


@pytest.fixture
def survey(consultation):
    return add_survey(consultation)


@pytest.fixture
def commissioner(agreement):
    return UserFactory(role="Commissioner", organisation=host_of(agreement))


@pytest.fixture
def in_consultation(agreement):
    return agreement_transition(actor=None, agreement=agreement, to_status=AgreementStatus.CONSULTATION,
                                reason="Out to consultation", on=OPENS.date())
