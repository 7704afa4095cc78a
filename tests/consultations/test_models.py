"""The database's own guards on consultations, answers and personal data."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from s75.consultations.models import Answer, Channel, Consultation, Option, Question, RespondentDetails, Response
from tests.consultations.conftest import CLOSES, DURING


def _refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_consultation_closes_after_opening_and_publishes_after_closing(consultation):
    _refused(lambda: Consultation.objects.filter(pk=consultation.pk).update(closes_at=consultation.opens_at))
    _refused(lambda: Consultation.objects.filter(pk=consultation.pk).update(
        outcome_summary="Heard", outcome_published_at=CLOSES - timedelta(days=1)))
    _refused(lambda: Consultation.objects.filter(pk=consultation.pk).update(outcome_published_at=CLOSES))


def test_question_guards(consultation, survey):
    _refused(lambda: Question.objects.filter(pk=survey["comments"].pk).update(max_length=None))
    _refused(lambda: Question.objects.filter(pk=survey["rating"].pk).update(max_length=10))
    _refused(lambda: Question.objects.filter(pk=survey["age"].pk).update(required=True))
    _refused(lambda: Question.objects.filter(pk=survey["age"].pk).update(position=1))


def test_answer_holds_one_kind_of_value_once(consultation, survey):
    response = Response.objects.create(consultation=consultation, reference="ABCD-EFGH", channel=Channel.ONLINE,
                                       received_at=DURING)
    option = survey["agree"].options.first()
    _refused(lambda: Answer.objects.create(response=response, question=survey["agree"], option=option, text="x"))
    _refused(lambda: Answer.objects.create(response=response, question=survey["rating"], scale_value=6))
    _refused(lambda: Answer.objects.create(response=response, question=survey["comments"]))
    Answer.objects.create(response=response, question=survey["agree"], option=option)
    _refused(lambda: Answer.objects.create(response=response, question=survey["agree"], option=option))
    Answer.objects.create(response=response, question=survey["rating"], scale_value=3)
    _refused(lambda: Answer.objects.create(response=response, question=survey["rating"], scale_value=2))
    _refused(lambda: Response.objects.create(consultation=consultation, reference="ABCD-EFGH", channel="letter",
                                             received_at=DURING))
    _refused(lambda: RespondentDetails.objects.create(response=response))


def test_survey_frozen_by_the_database_once_a_response_exists(consultation, survey):
    option = survey["agree"].options.first()
    Question.objects.filter(pk=survey["comments"].pk).update(text="Any other comments?")  # no response yet
    Response.objects.create(consultation=consultation, reference="ABCD-EFGH", channel=Channel.ONLINE,
                            received_at=DURING)
    _refused(lambda: Question.objects.filter(pk=survey["comments"].pk).update(text="Changed"))
    _refused(lambda: Question.objects.create(consultation=consultation, position=9, kind="rating", text="Late"))
    _refused(lambda: Option.objects.filter(pk=option.pk).update(label="Changed"))
    _refused(lambda: Option.objects.create(question=survey["agree"], position=9, label="Maybe"))
    _refused(lambda: Option.objects.filter(pk=option.pk).delete())
