"""The public consultation hub: no account needed. The list, a consultation's page, the survey (a page per group of
questions, answers kept in the session until sent), the check-answers page and the confirmation.

These pages show nothing of staff's: no responses, no personal data, no links into the register. The survey is
resolved on the server (which questions show depends on earlier answers), so it works with JavaScript off.
"""

import secrets
from datetime import datetime

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from .abuse import client_address, response_rate_refusal
from .forms import HubSearchForm, SendForm, SurveyPageForm
from .models import Consultation, Document
from .selectors import public_consultation_get, public_consultations, public_partners, theme_counts
from .services import GRACE_PERIOD, ConsultationRefused, response_submit
from .status import ConsultationStatus, consultation_status
from .survey import ABOUT_YOU, page_questions, survey_pages, visible_questions

DRAFT_IDLE_SECONDS = 3 * 60 * 60


def _consultation_or_404(slug: str, *, page: bool = True) -> Consultation:
    try:
        return public_consultation_get(slug=slug, page=page)
    except Consultation.DoesNotExist as exc:
        raise Http404("No consultation found") from exc


def _session_key(consultation: Consultation) -> str:
    return f"consultation-{consultation.pk}"


def _draft(request, consultation: Consultation) -> dict | None:
    """The response being written: when it was started, the answers so far (by question id), the details."""
    return request.session.get(_session_key(consultation))


def _draft_answers(draft: dict) -> dict[int, object]:
    return {int(question_id): value for question_id, value in draft["answers"].items()}


def _keep(request, consultation: Consultation, draft: dict) -> None:
    request.session[_session_key(consultation)] = draft


def _takes_responses(consultation: Consultation, *, now: datetime, started_at: datetime | None = None) -> bool:
    if consultation_status(consultation, now=now) == ConsultationStatus.OPEN:
        return True
    return started_at is not None and started_at < consultation.closes_at <= now < consultation.closes_at + GRACE_PERIOD


def hub_view(request):
    partners = public_partners()
    form = HubSearchForm(request.GET or None, partners=partners)
    search, partner = "", None
    if form.is_valid():
        search, partner = form.cleaned_data["q"], form.cleaned_data["partner"]
    groups = public_consultations(now=timezone.now(), search=search, partner=partner)
    return render(request, "consultations/public/hub.html", {
        "form": form, "groups": groups, "searched": bool(search or partner),
        "found": sum(len(entries) for entries in groups.values()),
    })


def consultation_view(request, slug: str):
    consultation = _consultation_or_404(slug)
    now = timezone.now()
    status = consultation_status(consultation, now=now)
    published = status == ConsultationStatus.OUTCOME_PUBLISHED
    return render(request, "consultations/public/consultation.html", {
        "consultation": consultation, "status": status,
        "takes_responses": _takes_responses(consultation, now=now) and consultation.questions.exists(),
        # What the published outcome says "you said": how many responded, and the main themes with their counts.
        "responses": consultation.responses.count() if published else None,
        "themes": [(theme, count) for theme, count in theme_counts(consultation=consultation) if count]
        if published else [],
    })


def survey_start_view(request, slug: str):
    """Begin (or carry on with) a response: the time it was started counts for the grace period after closing."""
    consultation = _consultation_or_404(slug, page=False)
    questions = list(consultation.questions.all())
    if not _takes_responses(consultation, now=timezone.now()) or not questions:
        return redirect("consult:consultation", slug=slug)
    if not request.user.is_authenticated:
        # A member of the public's draft, with what they said about themselves, lasts this long unused; `s75
        # clearsessions`, run daily, then removes it (README, "Serve in production").
        request.session.set_expiry(DRAFT_IDLE_SECONDS)
    if _draft(request, consultation) is None:
        _keep(request, consultation, {"id": secrets.token_hex(16), "started_at": timezone.now().isoformat(),
                                      "answers": {}, "respondent": {}})
    return redirect("consult:survey_page", slug=slug, page=survey_pages(questions)[0])


def _questions(consultation: Consultation) -> list:
    """The survey's questions with their options, read once for each request."""
    return list(consultation.questions.prefetch_related("options"))


def _next_page(questions: list, answers: dict, page: str) -> str | None:
    """The page after ``page`` that has a question to show given ``answers``; None after the last."""
    pages = survey_pages(questions)
    for later in pages[pages.index(page) + 1:]:
        if later == ABOUT_YOU or page_questions(questions, answers, later):
            return later
    return None


def _previous_page(questions: list, answers: dict, page: str) -> str | None:
    pages = survey_pages(questions)
    for earlier in reversed(pages[:pages.index(page)]):
        if page_questions(questions, answers, earlier):
            return earlier
    return None


def survey_page_view(request, slug: str, page: str):
    consultation = _consultation_or_404(slug, page=False)
    draft = _draft(request, consultation)
    if draft is None:
        return redirect("consult:survey_start", slug=slug)
    questions = _questions(consultation)
    if page not in survey_pages(questions):
        raise Http404("No such page of the survey")
    answers = _draft_answers(draft)
    shown = page_questions(questions, answers, page)
    about_you = page == ABOUT_YOU
    initial = {f"q{question.pk}": answers.get(question.pk) for question in shown}
    if about_you:
        initial |= draft["respondent"]
    form = SurveyPageForm(request.POST if request.method == "POST" else None, questions=shown, about_you=about_you,
                          initial=initial)
    if request.method == "POST" and form.is_valid():
        draft["answers"].update({str(question_id): value for question_id, value in form.answers().items()})
        if about_you:
            draft["respondent"] = {name: form.cleaned_data[name] for name in ("name", "email", "postcode",
                                                                               "organisation")}
        _keep(request, consultation, draft)
        following = None if request.GET.get("check") else _next_page(questions, _draft_answers(draft), page)
        return redirect(reverse("consult:survey_page", args=[slug, following]) if following
                        else reverse("consult:survey_check", args=[slug]))
    previous = _previous_page(questions, answers, page)
    pages = survey_pages(questions)
    return render(request, "consultations/public/survey_page.html", {
        "consultation": consultation, "form": form, "about_you": about_you,
        "back": reverse("consult:survey_page", args=[slug, previous]) if previous
        else reverse("consult:consultation", args=[slug]),
        "page_number": pages.index(page) + 1, "page_count": len(pages),
    })


def _answer_words(question, value) -> str:
    if value in (None, "", []):
        return "Not answered"
    labels = {option.pk: option.label for option in question.options.all()}
    if isinstance(value, list):
        return ", ".join(labels.get(option, "") for option in value)
    if question.scale:
        return question.scale.get(value, "")
    return labels.get(value, "") if labels else value


def survey_check_view(request, slug: str):
    consultation = _consultation_or_404(slug, page=False)
    draft = _draft(request, consultation)
    if draft is None:
        sent = request.session.get(f"{_session_key(consultation)}-sent")
        return redirect("consult:survey_done" if sent else "consult:survey_start", slug=slug)
    answers = _draft_answers(draft)
    form = SendForm(request.POST if request.method == "POST" else None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            refusal = "Your response could not be sent. If you are a person, leave the last box empty."
        else:
            refusal = response_rate_refusal(consultation_id=consultation.pk, address=client_address(request))
        if not refusal:
            try:
                response = response_submit(consultation=consultation, answers=answers,
                                           respondent=draft["respondent"], draft=draft.get("id", ""),
                                           started_at=datetime.fromisoformat(draft["started_at"]))
            except ConsultationRefused as refused:
                form.add_error(None, "; ".join(problem[0].upper() + problem[1:] for problem in refused.problems))
            else:
                request.session.pop(_session_key(consultation), None)
                request.session[f"{_session_key(consultation)}-sent"] = response.reference
                return redirect("consult:survey_done", slug=slug)
    if refusal:
        form.add_error(None, refusal)
    questions = _questions(consultation)
    rows = [{"question": question, "answer": _answer_words(question, answers.get(question.pk)),
             "page": ABOUT_YOU if question.about_you else str(question.page)}
            for question in visible_questions(questions, answers)]
    return render(request, "consultations/public/check.html", {
        "consultation": consultation, "rows": rows, "form": form,
        "respondent_lines": [value for value in draft["respondent"].values() if value],
        "about_you": ABOUT_YOU,
    })


def survey_done_view(request, slug: str):
    consultation = _consultation_or_404(slug, page=False)
    reference = request.session.get(f"{_session_key(consultation)}-sent")
    if reference is None:
        return redirect("consult:consultation", slug=slug)
    return render(request, "consultations/public/done.html", {"consultation": consultation, "reference": reference})


def document_view(request, slug: str, pk: int):
    consultation = _consultation_or_404(slug, page=False)
    try:
        document = consultation.documents.get(pk=pk)
    except Document.DoesNotExist as exc:
        raise Http404("No document found") from exc
    return FileResponse(document.file.open("rb"), content_type=document.content_type, as_attachment=True,
                        filename=document.file.name.rsplit("/", 1)[-1])
