"""Staff's consultation pages: a 200 for the consulting partners' staff, a 404 for others, a 403 without the role's
permission; every form's refusal placed beside its field."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from s75.consultations.models import Answer, Channel, Consultation, Response
from s75.consultations.services import response_submit
from tests.consultations.conftest import BEFORE, DURING, host_of
from tests.factories import UserFactory


@pytest.fixture
def signed_in(client, commissioner):
    client.force_login(commissioner)
    return client


def test_agreement_page_links_to_setting_up_a_consultation(signed_in, agreement, consultation):
    page = signed_in.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert reverse("consultations:create", args=[agreement.pk]) in page
    assert reverse("consultations:detail", args=[consultation.pk]) in page


def test_set_up_a_consultation(signed_in, agreement):
    url = reverse("consultations:create", args=[agreement.pk])
    page = signed_in.post(url, {"title": "", "slug": "bad slug"}).content.decode()
    assert "Enter the consultation&#x27;s title" in page and "There is a problem" in page
    response = signed_in.post(url, {
        "title": "Renewal", "slug": "renewal", "partners": [p.organisation_id for p in agreement.parties.all()],
        "summary": "We propose to renew", "opens_at": "2031-12-10 12:00", "closes_at": "2031-12-01 12:00"})
    assert "The consultation must close after it opens" in response.content.decode()
    response = signed_in.post(url, {
        "title": "Renewal", "slug": "renewal", "partners": [p.organisation_id for p in agreement.parties.all()],
        "summary": "We propose to renew", "opens_at": "2031-06-10 12:00", "closes_at": "2031-09-01 12:00"})
    consultation = Consultation.objects.get(slug="renewal")
    assert response.url == reverse("consultations:detail", args=[consultation.pk])
    assert consultation.opens_at.hour == 11  # 12:00 BST


def test_build_the_survey_then_preview(signed_in, consultation):
    url = reverse("consultations:question_add", args=[consultation.pk])
    with mock.patch("django.utils.timezone.now", return_value=BEFORE):
        page = signed_in.post(url, {"kind": "single", "text": "Do you agree?", "options": "Yes", "page": 1})
        assert "a choice question needs at least two options".capitalize() in page.content.decode()
        signed_in.post(url, {"kind": "single", "text": "Do you agree?", "options": "Yes\nNo", "page": 1})
        signed_in.post(url, {"kind": "text", "text": "Why?", "max_length": 300, "page": 2})
    preview = signed_in.get(reverse("consultations:preview", args=[consultation.pk])).content.decode()
    assert "Do you agree?" in preview and "Why?" in preview and "Your postcode" in preview
    with mock.patch("django.utils.timezone.now", return_value=DURING):
        page = signed_in.post(url, {"kind": "text", "text": "Late", "max_length": 30, "page": 1}).content.decode()
    assert "survey can no longer change" in page


def test_type_in_an_offline_response(signed_in, consultation, survey, commissioner):
    url = reverse("consultations:response_record", args=[consultation.pk])
    page = signed_in.post(url, {"channel": "online"}).content.decode()
    assert "Select a valid choice" in page
    response = signed_in.post(url, {
        "channel": "letter", "received_on-day": "10", "received_on-month": "2", "received_on-year": "2021",
        f"q{survey['agree'].pk}": survey["agree"].options.first().pk, "name": "A Writer"})
    assert response.status_code == 302
    recorded = Response.objects.get()
    assert (recorded.channel, recorded.recorded_by) == (Channel.LETTER, commissioner)
    page = signed_in.post(url, {
        "channel": "email", "received_on-day": "10", "received_on-month": "2", "received_on-year": "2020",
        f"q{survey['agree'].pk}": survey["agree"].options.first().pk}).content.decode()
    assert "received while the consultation was open" in page


def test_erase_and_publish(signed_in, consultation, survey):
    answers = {survey["agree"].pk: survey["agree"].options.first().pk}
    response = response_submit(consultation=consultation, answers=answers,
                               respondent={"name": "Pat"}, started_at=DURING, now=DURING)
    detail = signed_in.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "Pat" in detail and response.reference in detail
    signed_in.post(reverse("consultations:erase", args=[consultation.pk]), {"reference": response.reference})
    detail = signed_in.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "Erased on request" in detail
    page = signed_in.post(reverse("consultations:outcome", args=[consultation.pk]), {"summary": "Heard"})
    assert page.status_code == 302  # the consultation closed in 2021
    assert Consultation.objects.get().outcome_published_at is not None


def test_other_organisations_staff_get_404_and_board_members_403(client, consultation, agreement):
    client.force_login(UserFactory(role="Commissioner"))
    assert client.get(reverse("consultations:detail", args=[consultation.pk])).status_code == 404
    assert client.get(reverse("consultations:list")).status_code == 200
    client.force_login(UserFactory(role="Board member", organisation=host_of(agreement)))
    assert client.get(reverse("consultations:detail", args=[consultation.pk])).status_code == 200
    for name in ("edit", "faq_add", "contact_add", "document_add", "question_add", "response_record", "outcome",
                 "erase"):
        assert client.get(reverse(f"consultations:{name}", args=[consultation.pk])).status_code == 403, name
    assert client.get(reverse("consultations:create", args=[agreement.pk])).status_code == 403


def test_faq_contact_document_pages(signed_in, consultation, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    signed_in.post(reverse("consultations:faq_add", args=[consultation.pk]), {"question": "Why?", "answer": "So."})
    page = signed_in.post(reverse("consultations:contact_add", args=[consultation.pk]), {"name": "Steven"})
    assert "Give an e-mail address or a telephone number" in page.content.decode()
    signed_in.post(reverse("consultations:document_add", args=[consultation.pk]),
                   {"name": "Draft", "upload": SimpleUploadedFile("draft.pdf", b"%PDF-1.4 draft")})
    public = signed_in.get(reverse("consult:consultation", args=[consultation.slug])).content.decode()
    assert "Why?" in public and "Draft" in public and "PDF, 1 KB" in public
    document = consultation.documents.get()
    download = signed_in.get(reverse("consult:document", args=[consultation.slug, document.pk]))
    assert download["Content-Type"] == "application/pdf"


def test_a_frequently_asked_question_started_from_the_agreement(signed_in, consultation):
    url = reverse("consultations:faq_add", args=[consultation.pk])
    page = signed_in.get(url).content.decode()
    assert f'href="{url}?draft=term">How long would the agreement last?</a>' in page
    draft = signed_in.get(url, {"draft": "term"}).content.decode()
    assert 'value="How long would the agreement last?"' in draft
    assert "It would run from 1 April 2024 to 31 March 2027" in draft
    signed_in.post(url, {"question": "How long would the agreement last?", "answer": "Three years."})
    assert consultation.faqs.get().answer == "Three years."
    assert "?draft=term" not in signed_in.get(url).content.decode()  # asked already, so not offered again
    assert signed_in.get(url, {"draft": "nonsense"}).status_code == 200


def test_remove_a_question_before_the_consultation_opens(signed_in, consultation, survey):
    detail = reverse("consultations:detail", args=[consultation.pk])
    why = survey["why"]  # shown only after an answer to "agree"
    with mock.patch("django.utils.timezone.now", return_value=BEFORE):
        page = signed_in.get(detail).content.decode()
        assert reverse("consultations:question_remove", args=[consultation.pk, why.pk]) in page
        refused = signed_in.post(reverse("consultations:question_remove", args=[consultation.pk, survey["agree"].pk]),
                                 follow=True).content.decode()
        assert "was not removed: another question is shown only after an answer to this one" in refused
        signed_in.post(reverse("consultations:question_remove", args=[consultation.pk, why.pk]))
        assert not consultation.questions.filter(pk=why.pk).exists()
        assert list(consultation.questions.values_list("position", flat=True)) == list(
            range(1, consultation.questions.count() + 1))
    with mock.patch("django.utils.timezone.now", return_value=DURING):
        assert reverse("consultations:question_remove", args=[consultation.pk, survey["agree"].pk]) not in (
            signed_in.get(detail).content.decode())
        opened = signed_in.post(reverse("consultations:question_remove", args=[consultation.pk, survey["agree"].pk]),
                                follow=True).content.decode()
    assert "survey can no longer change" in opened and consultation.questions.filter(pk=survey["agree"].pk).exists()


def test_downloads_carry_personal_data_only_for_managers(client, consultation, survey, agreement):
    answers = {survey["agree"].pk: survey["agree"].options.first().pk}
    response_submit(consultation=consultation, answers=answers, respondent={"name": "Pat Resident"},
                    started_at=DURING, now=DURING)
    client.force_login(UserFactory(role="Commissioner", organisation=host_of(agreement)))
    detail = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "Pat Resident" in detail and "Do you support it? (1 answered)" in detail
    assert "Pat Resident" in client.get(reverse("consultations:responses_csv", args=[consultation.pk])).content.decode()
    client.force_login(UserFactory(role="Board member", organisation=host_of(agreement)))
    detail = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "Pat Resident" not in detail
    download = client.get(reverse("consultations:responses_csv", args=[consultation.pk]))
    assert download["Content-Type"].startswith("text/csv") and "Pat Resident" not in download.content.decode()
    xlsx = client.get(reverse("consultations:responses_xlsx", args=[consultation.pk]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_analysis_page_filters_tags_and_notes(signed_in, consultation, survey):
    no = survey["agree"].options.get(label="No").pk
    for why in ("Too costly", "Carers left out"):
        response_submit(consultation=consultation, answers={survey["agree"].pk: no, survey["why"].pk: why},
                        respondent={}, started_at=DURING, now=DURING)
    url = reverse("consultations:analysis", args=[consultation.pk])
    signed_in.post(reverse("consultations:theme_add", args=[consultation.pk]), {"name": "Cost"})
    cost = consultation.themes.get()
    answer = Answer.objects.get(text="Too costly")
    back = signed_in.post(reverse("consultations:answer_tag", args=[consultation.pk, answer.pk]),
                          {"themes": [cost.pk], "next": f"{url}?channel=online"})
    assert back.url == f"{url}?channel=online#answer-{answer.pk}"
    page = signed_in.get(url, {"theme": cost.pk}).content.decode()
    assert "Too costly" in page and "Carers left out" not in page
    page = signed_in.get(url, {"theme": 0}).content.decode()
    assert "Carers left out" in page and "Too costly" not in page
    yes = survey["agree"].options.get(label="Yes").pk
    response_submit(consultation=consultation, answers={survey["agree"].pk: yes, survey["comments"].pk: "Fine"},
                    respondent={}, started_at=DURING, now=DURING)
    page = signed_in.get(url, {"option": yes}).content.decode()
    assert "Fine" in page and "Too costly" not in page
    refused = signed_in.post(reverse("consultations:note_add", args=[consultation.pk, answer.response_id]),
                             {"text": ""})
    assert refused.status_code == 400 and "Write the note" in refused.content.decode()
    signed_in.post(reverse("consultations:note_add", args=[consultation.pk, answer.response_id]),
                   {"text": "Ask finance", "next": "https://evil.example/"})
    assert "Note: Ask finance" in signed_in.get(url).content.decode()
