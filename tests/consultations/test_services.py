"""The consultation services: set-up, the survey frozen once open, responses online and typed in, the outcome and the
erasure of personal data."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from s75.audit.models import AuditEvent
from s75.consultations.models import Answer, Channel, QuestionKind, RespondentDetails, Response
from s75.consultations.services import (
    GRACE_PERIOD,
    ConsultationRefused,
    answer_tag,
    consultation_create,
    consultation_erase,
    consultation_update,
    contact_add,
    document_add,
    faq_add,
    note_add,
    outcome_publish,
    question_add,
    question_remove,
    response_record,
    response_submit,
    theme_add,
)
from tests.consultations.conftest import AFTER, BEFORE, CLOSES, DURING, OPENS, consult
from tests.factories import OrganisationFactory, complete_agreement
from tests.governance.conftest import decide


def _fields(error: ConsultationRefused) -> list:
    return [problem.field for problem in error.problems]


def test_create_refuses_closing_before_opening_and_a_partner_not_party(agreement):
    with pytest.raises(ConsultationRefused) as refused:
        consult(agreement, opens_at=CLOSES, closes_at=OPENS)
    assert _fields(refused.value) == ["closes_at"]
    with pytest.raises(ConsultationRefused) as refused:
        consultation_create(actor=None, agreement=agreement, partners=[OrganisationFactory()], slug="x", title="",
                            summary="", opens_at=OPENS, closes_at=CLOSES)
    assert set(_fields(refused.value)) == {"title", "summary", "partners"}


def test_create_writes_the_audit_trail(consultation):
    event = AuditEvent.objects.get(action="consultation_create")
    assert event.agreement_id == consultation.agreement_id
    assert len(event.after["partners"]) == 2


def test_faqs_and_contacts_take_their_order(consultation):
    faq_add(actor=None, consultation=consultation, question="What is it?", answer="A pooled fund.")
    faq_add(actor=None, consultation=consultation, question="Why?", answer="To join up care.")
    assert list(consultation.faqs.values_list("position", "question")) == [(1, "What is it?"), (2, "Why?")]
    with pytest.raises(ConsultationRefused) as refused:
        contact_add(actor=None, consultation=consultation, name="Steven Burgess", email="not an address")
    assert _fields(refused.value) == ["email"]
    with pytest.raises(ConsultationRefused) as refused:
        contact_add(actor=None, consultation=consultation, name="Steven Burgess")
    assert _fields(refused.value) == ["email"]
    contact_add(actor=None, consultation=consultation, name="Steven Burgess", role="Policy and Strategy Officer",
                organisation="London Borough of Bexley", telephone="020 3045 3550")
    assert consultation.contacts.get().telephone == "020 3045 3550"


def test_documents_are_pdf_or_word_and_limited_in_size(consultation, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with pytest.raises(ConsultationRefused) as refused:
        document_add(actor=None, consultation=consultation, name="Plan",
                     upload=SimpleUploadedFile("plan.exe", b"MZ"))
    assert "PDF or a Word" in str(refused.value)
    with pytest.raises(ConsultationRefused, match="smaller than 10 MB"):
        document_add(actor=None, consultation=consultation, name="Plan",
                     upload=SimpleUploadedFile("plan.pdf", b"x" * (10 * 1024 * 1024 + 1)))
    with pytest.raises(ConsultationRefused, match="named .pdf but does not hold a PDF document"):
        document_add(actor=None, consultation=consultation, name="Plan",
                     upload=SimpleUploadedFile("plan.pdf", b"<html><script>alert(1)</script></html>"))
    with pytest.raises(ConsultationRefused, match="named .doc but does not hold a Word document"):
        document_add(actor=None, consultation=consultation, name="Plan", upload=SimpleUploadedFile("plan.doc", b"MZ"))
    assert not consultation.documents.exists()
    document = document_add(actor=None, consultation=consultation, name="Draft agreement",
                            upload=SimpleUploadedFile("draft.docx", b"PK\x03\x04 draft"))
    assert (document.type_label, document.size_bytes) == ("Word", 10)
    assert (tmp_path / "consultations" / "documents").exists()


def test_survey_cannot_change_once_open(consultation, survey):
    with pytest.raises(ConsultationRefused, match="survey can no longer change"):
        question_add(actor=None, consultation=consultation, kind=QuestionKind.TEXT, text="Late", max_length=10,
                     now=OPENS)
    with pytest.raises(ConsultationRefused, match="survey can no longer change"):
        question_remove(actor=None, question=survey["comments"], now=DURING)
    question_remove(actor=None, question=survey["comments"], now=BEFORE)
    assert list(consultation.questions.values_list("position", flat=True)) == [1, 2, 3, 4]


def test_question_refusals_name_their_field(consultation, survey):
    with pytest.raises(ConsultationRefused) as refused:
        question_add(actor=None, consultation=consultation, kind=QuestionKind.SINGLE, text="Pick", options=["One"],
                     now=BEFORE)
    assert _fields(refused.value) == ["options"]
    with pytest.raises(ConsultationRefused) as refused:
        question_add(actor=None, consultation=consultation, kind=QuestionKind.TEXT, text="Say", now=BEFORE)
    assert _fields(refused.value) == ["max_length"]
    with pytest.raises(ConsultationRefused) as refused:
        question_add(actor=None, consultation=consultation, kind=QuestionKind.TEXT, text="Say", max_length=10,
                     shown_if_option=survey["agree"].options.first(), page=1, now=BEFORE)
    assert _fields(refused.value) == ["shown_if_option"]
    with pytest.raises(ConsultationRefused) as refused:
        question_add(actor=None, consultation=consultation, kind=QuestionKind.RATING, text="Age", about_you=True,
                     required=True, now=BEFORE)
    assert _fields(refused.value) == ["required"]


def test_options_and_pages_beyond_what_the_columns_hold_are_refused(consultation):
    """The review of issue 15: an option of over 300 characters and a page of over 32,767 reached PostgreSQL."""
    with pytest.raises(ConsultationRefused) as refused:
        question_add(actor=None, consultation=consultation, kind=QuestionKind.SINGLE, text="Pick",
                     options=["One", "x" * 301], page=40_000, now=BEFORE)
    assert _fields(refused.value) == ["page", "options"]
    assert [str(problem) for problem in refused.value.problems] == [
        "the page number must be from 1 to 100", "option 2 must be 300 characters or fewer"]


def test_an_offline_response_before_the_opening_time_is_refused(consultation, survey, commissioner):
    """The review of issue 15: on the opening day, before the opening time, a typed-in response was accepted (the
    dates compared equal), and froze the survey before it opened."""
    with pytest.raises(ConsultationRefused) as refused:
        response_record(actor=commissioner, consultation=consultation, channel=Channel.LETTER,
                        received_at=OPENS - timedelta(hours=2), answers=_answers(survey), respondent={},
                        now=OPENS - timedelta(hours=1))
    assert [str(problem) for problem in refused.value.problems] == [
        "the consultation opens at 12:00 on 04 January 2021: responses are recorded from then"]


def test_opening_time_cannot_move_once_open(consultation):
    with pytest.raises(ConsultationRefused) as refused:
        consultation_update(actor=None, consultation=consultation, partners=consultation.partners.all(),
                            title=consultation.title, summary=consultation.summary, opens_at=DURING,
                            closes_at=CLOSES, now=DURING)
    assert _fields(refused.value) == ["opens_at"]
    with pytest.raises(ConsultationRefused) as refused:
        consultation_update(actor=None, consultation=consultation, partners=consultation.partners.all(),
                            title=consultation.title, summary=consultation.summary, opens_at=OPENS,
                            closes_at=DURING - timedelta(days=1), now=DURING)
    assert _fields(refused.value) == ["closes_at"]
    updated = consultation_update(actor=None, consultation=consultation, partners=consultation.partners.all(),
                                  title="New title", summary=consultation.summary, opens_at=OPENS,
                                  closes_at=CLOSES + timedelta(days=7), now=DURING)
    assert updated.title == "New title"
    with pytest.raises(ConsultationRefused, match="has closed: its closing time can no longer change"):
        consultation_update(actor=None, consultation=consultation, partners=consultation.partners.all(),
                            title="New title", summary=consultation.summary, opens_at=OPENS,
                            closes_at=AFTER + timedelta(days=30), now=AFTER + timedelta(days=10))


def _answers(survey):
    return {survey["agree"].pk: survey["agree"].options.get(label="No").pk, survey["why"].pk: "Too costly",
            survey["rating"].pk: 4, survey["comments"].pk: "None"}


def test_a_response_keeps_answers_and_personal_data_apart(consultation, survey):
    response = response_submit(consultation=consultation, answers=_answers(survey),
                               respondent={"name": "Pat Resident", "postcode": "DA6 7AT"}, started_at=DURING,
                               now=DURING)
    assert response.channel == Channel.ONLINE
    assert len(response.reference) == 9 and response.reference[4] == "-"
    assert response.answers.count() == 4
    assert RespondentDetails.objects.get(response=response).name == "Pat Resident"


def test_a_receipt_goes_to_a_respondent_who_gave_an_email(consultation, survey, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = response_submit(consultation=consultation, answers=_answers(survey),
                                   respondent={"email": "pat@example.org"}, started_at=DURING, now=DURING)
        response_submit(consultation=consultation, answers=_answers(survey), respondent={}, started_at=DURING,
                        now=DURING)
    assert [message.to for message in mailoutbox] == [["pat@example.org"]]
    assert response.reference in mailoutbox[0].subject and response.reference in mailoutbox[0].body


def test_hidden_questions_answers_are_dropped(consultation, survey):
    yes = survey["agree"].options.get(label="Yes").pk
    response = response_submit(consultation=consultation, answers=_answers(survey) | {survey["agree"].pk: yes},
                               respondent={}, started_at=DURING, now=DURING)
    assert not response.answers.filter(question=survey["why"]).exists()
    assert not RespondentDetails.objects.filter(response=response).exists()


@pytest.mark.parametrize(("started", "sent", "accepted"), [
    (BEFORE, BEFORE, False),
    (DURING, CLOSES - timedelta(seconds=1), True),
    (CLOSES - timedelta(minutes=5), CLOSES + GRACE_PERIOD - timedelta(seconds=1), True),
    (CLOSES - timedelta(minutes=5), CLOSES + GRACE_PERIOD, False),
    (CLOSES, CLOSES + timedelta(minutes=1), False),
])
def test_responses_only_while_open_with_a_grace_period(consultation, survey, started, sent, accepted):
    def send():
        return response_submit(consultation=consultation, answers=_answers(survey), respondent={},
                               started_at=started, now=sent)
    if accepted:
        assert send().pk
    else:
        with pytest.raises(ConsultationRefused, match="not opened yet|has closed"):
            send()
        assert not Response.objects.exists()


def test_oversized_and_missing_answers_are_refused_naming_the_question(consultation, survey):
    with pytest.raises(ConsultationRefused) as refused:
        response_submit(consultation=consultation, answers=_answers(survey) | {
            survey["agree"].pk: None, survey["comments"].pk: "x" * 51}, respondent={"email": "nope"},
            started_at=DURING, now=DURING)
    assert set(_fields(refused.value)) == {f"q{survey['agree'].pk}", f"q{survey['comments'].pk}", "email"}
    assert not Response.objects.exists()


def test_offline_response_with_its_channel_and_date(consultation, survey, commissioner):
    response = response_record(actor=commissioner, consultation=consultation, channel=Channel.LETTER,
                               received_at=DURING, answers=_answers(survey), respondent={"name": "A Writer"},
                               now=AFTER)
    assert (response.channel, response.recorded_by) == (Channel.LETTER, commissioner)
    with pytest.raises(ConsultationRefused) as refused:
        response_record(actor=commissioner, consultation=consultation, channel=Channel.ONLINE,
                        received_at=AFTER + timedelta(days=30), answers=_answers(survey), respondent={},
                        now=AFTER + timedelta(days=40))
    assert set(_fields(refused.value)) == {"channel", "received_at"}


def test_erasure_keeps_the_answers(consultation, survey, commissioner):
    response = response_submit(consultation=consultation, answers=_answers(survey),
                               respondent={"name": "Pat Resident", "email": "pat@example.org"}, started_at=DURING,
                               now=DURING)
    consultation_erase(actor=commissioner, consultation=consultation, reference=response.reference.lower())
    response.refresh_from_db()
    assert response.personal_data_erased_at is not None
    assert not RespondentDetails.objects.exists()
    assert Answer.objects.filter(response=response).count() == 4
    event = AuditEvent.objects.get(action="consultation_erase")
    assert "pat@example.org" not in str(event.after) and "Pat" not in str(event.after)
    with pytest.raises(ConsultationRefused, match="already erased"):
        consultation_erase(actor=commissioner, consultation=consultation, reference=response.reference)
    with pytest.raises(ConsultationRefused) as refused:
        consultation_erase(actor=commissioner, consultation=consultation, reference="ZZZZ-ZZZZ")
    assert _fields(refused.value) == ["reference"]


def test_outcome_published_only_after_closing(consultation):
    with pytest.raises(ConsultationRefused, match="is open"):
        outcome_publish(actor=None, consultation=consultation, summary="We heard you", now=DURING)
    with pytest.raises(ConsultationRefused) as refused:
        outcome_publish(actor=None, consultation=consultation, summary="", now=AFTER)
    assert _fields(refused.value) == ["summary"]
    published = outcome_publish(actor=None, consultation=consultation, summary="We heard you", now=AFTER)
    assert published.outcome_published_at == AFTER


def test_outcome_cites_a_decision_on_its_agreement_only(consultation, agreement):
    other = decide(complete_agreement(), date(2021, 3, 10))
    with pytest.raises(ConsultationRefused) as refused:
        outcome_publish(actor=None, consultation=consultation, summary="Heard", decision=other, now=AFTER)
    assert _fields(refused.value) == ["decision"]
    decision = decide(agreement, date(2021, 3, 10), summary="Agreed to renew, having read the responses")
    published = outcome_publish(actor=None, consultation=consultation, summary="Heard", decision=decision, now=AFTER)
    assert published.outcome_decision == decision


def test_themes_tag_free_text_answers_and_notes_go_on_responses(consultation, survey, commissioner):
    response = response_submit(consultation=consultation, answers=_answers(survey), respondent={}, started_at=DURING,
                               now=DURING)
    carers = theme_add(actor=commissioner, consultation=consultation, name="Carers")
    with pytest.raises(ConsultationRefused) as refused:
        theme_add(actor=commissioner, consultation=consultation, name=" carers ")
    assert _fields(refused.value) == ["name"]
    elsewhere = theme_add(actor=commissioner, consultation=consult(consultation.agreement, slug="other"),
                          name="Cost")
    text_answer = response.answers.get(question=survey["why"])
    with pytest.raises(ConsultationRefused) as refused:
        answer_tag(actor=commissioner, answer=text_answer, themes=[carers, elsewhere])
    assert _fields(refused.value) == ["themes"]
    with pytest.raises(ConsultationRefused, match="only a free-text answer"):
        answer_tag(actor=commissioner, answer=response.answers.get(question=survey["rating"]), themes=[carers])
    answer_tag(actor=commissioner, answer=text_answer, themes=[carers])
    assert list(text_answer.themes.all()) == [carers]
    with pytest.raises(ConsultationRefused) as refused:
        note_add(actor=commissioner, response=response, text="  ")
    assert _fields(refused.value) == ["text"]
    assert note_add(actor=commissioner, response=response, text="Follow up with the carers' forum").created_by == \
        commissioner
