"""The public hub as a member of the public uses it: no account, the survey page by page, check answers, send; and
each refusal (closed, rate limit, honeypot, oversized answer, a bad CSRF token)."""

import re
from datetime import date, timedelta
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from s75.consultations.models import RespondentDetails, Response
from s75.consultations.services import answer_tag, faq_add, outcome_publish, response_submit, theme_add
from tests.consultations.conftest import AFTER, BEFORE, CLOSES, DURING
from tests.governance.conftest import decide

NOW = "django.utils.timezone.now"


def _at(moment):
    return mock.patch(NOW, return_value=moment)


@pytest.fixture
def faqs(consultation):
    faq_add(actor=None, consultation=consultation, question="What is a section 75 agreement?",
            answer="## Powers\n- pooled budgets\n- lead commissioning\n\nSee [the Act](https://www.legislation.gov.uk)."
                   "\n<script>alert(1)</script>")


def _answer_everything(client, consultation, survey, *, comments="Keep it local"):
    slug = consultation.slug
    assert client.get(reverse("consult:survey_start", args=[slug])).url.endswith("/respond/1/")
    no = survey["agree"].options.get(label="No").pk
    response = client.post(reverse("consult:survey_page", args=[slug, "1"]), {f"q{survey['agree'].pk}": no})
    assert response.url.endswith("/respond/2/")
    response = client.post(reverse("consult:survey_page", args=[slug, "2"]),
                           {f"q{survey['why'].pk}": "Costs", f"q{survey['rating'].pk}": "4"})
    response = client.post(reverse("consult:survey_page", args=[slug, "3"]), {f"q{survey['comments'].pk}": comments})
    assert response.url.endswith("/respond/about-you/")
    return client.post(reverse("consult:survey_page", args=[slug, "about-you"]),
                       {"name": "Pat Resident", "email": "pat@example.org", "postcode": "DA6 7AT"})


def test_hub_lists_and_searches_without_an_account(consultation):
    client = Client()
    with _at(DURING):
        page = client.get(reverse("consult:hub")).content.decode()
        assert "Proposal to pool the equipment budget" in page and "Open consultations" in page
        assert "Sign out" not in page and "Agreements" not in page
        found = client.get(reverse("consult:hub"), {"q": "nothing-like-this"}).content.decode()
        assert "0 consultations found" in found


def test_consultation_page_renders_text_safely(consultation, faqs):
    with _at(DURING):
        page = Client().get(reverse("consult:consultation", args=[consultation.slug])).content.decode()
    assert '<h2 class="govuk-heading-m">Powers</h2>' in page
    assert '<a class="govuk-link" href="https://www.legislation.gov.uk">the Act</a>' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "4 March 2021, 12:00pm" in page  # 12:00 UTC in March is 12:00 in London (GMT)


def test_answering_the_survey_then_sending(consultation, survey):
    client = Client()
    with _at(DURING):
        assert _answer_everything(client, consultation, survey).url.endswith("/respond/check/")
        check = client.get(reverse("consult:survey_check", args=[consultation.slug])).content.decode()
        assert "Costs" in check and "4" in check and "Pat Resident" in check
        sent = client.post(reverse("consult:survey_check", args=[consultation.slug]), {"website": ""})
        assert sent.url.endswith("/respond/sent/")
        done = client.get(sent.url).content.decode()
    response = Response.objects.get()
    assert response.reference in done
    assert re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", done)
    assert RespondentDetails.objects.get(response=response).email == "pat@example.org"


def test_a_question_shown_only_after_an_answer_is_skipped(consultation, survey):
    client = Client()
    with _at(DURING):
        client.get(reverse("consult:survey_start", args=[consultation.slug]))
        yes = survey["agree"].options.get(label="Yes").pk
        client.post(reverse("consult:survey_page", args=[consultation.slug, "1"]), {f"q{survey['agree'].pk}": yes})
        page = client.get(reverse("consult:survey_page", args=[consultation.slug, "2"])).content.decode()
    assert "How good is the service now?" in page and "Why not?" not in page


def test_required_and_oversized_answers_are_shown_in_the_error_summary(consultation, survey):
    client = Client()
    with _at(DURING):
        client.get(reverse("consult:survey_start", args=[consultation.slug]))
        page = client.post(reverse("consult:survey_page", args=[consultation.slug, "1"]), {}).content.decode()
        assert "There is a problem" in page and "Select an answer to “Do you support it?”" in page
        page = client.post(reverse("consult:survey_page", args=[consultation.slug, "3"]),
                           {f"q{survey['comments'].pk}": "x" * 51}).content.decode()
        assert "Your answer must be 50 characters or fewer" in page


def test_honeypot_refuses(consultation, survey):
    client = Client()
    with _at(DURING):
        _answer_everything(client, consultation, survey)
        page = client.post(reverse("consult:survey_check", args=[consultation.slug]),
                           {"website": "http://spam.example"}).content.decode()
    assert "could not be sent" in page and not Response.objects.exists()


def test_rate_limit_per_address(consultation, survey, settings):
    settings.S75_CONSULTATION_RATE_PER_ADDRESS = (1, 600)
    with _at(DURING):
        first = Client()
        _answer_everything(first, consultation, survey)
        first.post(reverse("consult:survey_check", args=[consultation.slug]), {"website": ""})
        second = Client()
        _answer_everything(second, consultation, survey)
        page = second.post(reverse("consult:survey_check", args=[consultation.slug]), {"website": ""})
    assert "Wait 10 minutes" in page.content.decode()
    assert Response.objects.count() == 1


def test_rate_limit_per_consultation(consultation, survey, settings):
    settings.S75_CONSULTATION_RATE_PER_CONSULTATION = (1, 60)
    with _at(DURING):
        for address in ("192.0.2.1", "192.0.2.2"):
            client = Client(REMOTE_ADDR=address)
            _answer_everything(client, consultation, survey)
            page = client.post(reverse("consult:survey_check", args=[consultation.slug]), {"website": ""})
    assert "Too many responses" in page.content.decode()
    assert Response.objects.count() == 1


def test_closed_consultation_refuses_after_the_grace_period(consultation, survey):
    client = Client()
    with _at(CLOSES.replace(hour=11)):
        _answer_everything(client, consultation, survey)
    with _at(CLOSES + timedelta(hours=1)):  # past the 30 minutes' grace, within the draft's 3 idle hours
        page = client.post(reverse("consult:survey_check", args=[consultation.slug]), {"website": ""})
        assert "This consultation has closed" in page.content.decode()
        assert "Respond to the consultation" not in client.get(
            reverse("consult:consultation", args=[consultation.slug])).content.decode()
    with _at(BEFORE):
        assert client.get(reverse("consult:survey_start", args=[consultation.slug])).url.endswith(
            f"/{consultation.slug}/")
    assert not Response.objects.exists()


def test_bad_csrf_token_is_refused(consultation, survey):
    client = Client(enforce_csrf_checks=True)
    with _at(DURING):
        client.get(reverse("consult:survey_start", args=[consultation.slug]))
        response = client.post(reverse("consult:survey_page", args=[consultation.slug, "1"]),
                               {"csrfmiddlewaretoken": "forged"})
    assert response.status_code == 403


def test_unknown_consultation_and_page_are_404(consultation, survey):
    client = Client()
    assert client.get(reverse("consult:consultation", args=["no-such"])).status_code == 404
    with _at(DURING):
        client.get(reverse("consult:survey_start", args=[consultation.slug]))
        assert client.get(reverse("consult:survey_page", args=[consultation.slug, "9"])).status_code == 404


def test_published_outcome_names_the_decision_it_informed(consultation, agreement, survey):
    no = survey["agree"].options.get(label="No").pk
    sent = response_submit(consultation=consultation, answers={survey["agree"].pk: no, survey["why"].pk: "Cost"},
                           respondent={}, started_at=DURING, now=DURING)
    answer_tag(actor=None, answer=sent.answers.get(question=survey["why"]),
               themes=[theme_add(actor=None, consultation=consultation, name="Value for money")])
    theme_add(actor=None, consultation=consultation, name="Unused theme")
    decision = decide(agreement, date(2021, 3, 10), summary="Agreed to renew, having read the responses")
    outcome_publish(actor=None, consultation=consultation, summary="## You said\n- keep it local", decision=decision,
                    now=AFTER)
    with _at(AFTER):
        page = Client().get(reverse("consult:consultation", args=[consultation.slug])).content.decode()
    assert "Outcome published" in page and "You said" in page
    assert "Agreed to renew, having read the responses" in page and "10 March 2021" in page
    assert "We received 1 response." in page and "Value for money" in page and "Unused theme" not in page
    assert f"What followed: {agreement.title}, from {agreement.start_date:%-d %B %Y} (the agreement is" in page


def test_a_survey_page_reads_the_survey_once(consultation, survey, django_assert_max_num_queries):
    """Each page of the survey reads the consultation, its questions and their options once (and the session), not
    what the consultation's own page shows, however many questions there are."""
    client = Client()
    with _at(DURING):
        client.get(reverse("consult:survey_start", args=[consultation.slug]))
        with django_assert_max_num_queries(4):
            assert client.get(reverse("consult:survey_page", args=[consultation.slug, "2"])).status_code == 200
        with django_assert_max_num_queries(8):
            assert client.post(reverse("consult:survey_page", args=[consultation.slug, "2"]),
                               {f"q{survey['why'].pk}": "Costs", f"q{survey['rating'].pk}": "4"}).status_code == 302


def test_sending_twice_saves_one_response(consultation, survey):
    """A double click on Send: the second request, which read the session before the first emptied it, is answered
    with the response the first saved; a later one goes to the confirmation."""
    client = Client()
    with _at(DURING):
        _answer_everything(client, consultation, survey)
        session = client.session
        draft = session[f"consultation-{consultation.pk}"]
        first = client.post(reverse("consult:survey_check", args=[consultation.slug]), {"website": ""})
        reference = Response.objects.get().reference
        assert reference in client.get(first.url).content.decode()
        again = Client()  # a request that still holds the draft, as the second of a double click does
        again_session = again.session
        again_session[f"consultation-{consultation.pk}"] = draft
        again_session.save()
        again.cookies["sessionid"] = again_session.session_key
        second = again.post(reverse("consult:survey_check", args=[consultation.slug]), {"website": ""})
        assert reference in again.get(second.url).content.decode()
        late = client.post(reverse("consult:survey_check", args=[consultation.slug]), {"website": ""})
        assert late.url.endswith("/respond/sent/")
    assert Response.objects.count() == 1


def test_the_same_draft_sent_at_once_is_saved_once(consultation, survey):
    answers = {survey["agree"].pk: survey["agree"].options.first().pk}
    with _at(DURING):
        first = response_submit(consultation=consultation, answers=answers, respondent={}, started_at=DURING,
                                draft="a" * 32)
        second = response_submit(consultation=consultation, answers=answers, respondent={}, started_at=DURING,
                                 draft="a" * 32)
        other = response_submit(consultation=consultation, answers=answers, respondent={}, started_at=DURING)
    assert first == second != other and Response.objects.count() == 2


def test_a_public_draft_expires_after_three_idle_hours(consultation, survey):
    client = Client()
    with _at(DURING):
        client.get(reverse("consult:survey_start", args=[consultation.slug]))
    cookie = client.cookies["sessionid"]
    assert cookie["max-age"] == 3 * 60 * 60
    assert Session.objects.get(session_key=cookie.value).expire_date == DURING + timedelta(hours=3)
