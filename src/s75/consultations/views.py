"""Staff's pages of consultations: the list, setting one up and changing it, its FAQs, contacts, documents and
survey (with a preview), typing in an offline response, publishing the outcome and erasing personal data.
Thin: parse input, call a service or selector, render.

A consultation the user may not see (``selectors.consultations_visible_to``) is a 404; a change their role does not
allow is a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from s75.agreements.models import Agreement
from s75.agreements.selectors import agreement_get
from s75.core.errors import ServiceError
from s75.core.exports import xlsx_response
from s75.core.pages import form_page, numbered_pagination, page_of
from s75.organisations.models import Organisation

from .charts import question_chart
from .exports import responses_csv, responses_workbook
from .forms import (
    AnalysisFilterForm,
    ConsultationForm,
    ContactForm,
    DocumentForm,
    EraseForm,
    FaqForm,
    NoteForm,
    OfflineResponseForm,
    OutcomeForm,
    QuestionForm,
    SurveyPageForm,
    TagForm,
    ThemeForm,
)
from .models import Answer, Consultation, Option, QuestionKind, Response
from .permissions import ERASE_PERSONAL_DATA, MANAGE_CONSULTATION
from .selectors import (
    consultation_counts,
    consultation_draft,
    consultation_get,
    consultation_responses,
    consultations_visible_to,
    faq_drafts,
    free_text_answers,
    question_counts,
    theme_counts,
    user_may_manage,
)
from .services import (
    answer_tag,
    consultation_create,
    consultation_erase,
    consultation_update,
    contact_add,
    document_add,
    faq_add,
    note_add,
    outcome_decisions,
    outcome_publish,
    question_add,
    question_remove,
    response_record,
    theme_add,
)
from .status import consultation_status
from .survey import ABOUT_YOU, survey_pages


def _posted(request):
    return request.POST if request.method == "POST" else None


def _consultation_or_404(request, pk: int) -> Consultation:
    try:
        return consultation_get(user=request.user, pk=pk)
    except Consultation.DoesNotExist as exc:
        raise Http404("No consultation found") from exc


def _managed(request, pk: int, permission: str = MANAGE_CONSULTATION) -> Consultation:
    consultation = _consultation_or_404(request, pk)
    if not user_may_manage(user=request.user, consultation=consultation, permission=permission):
        raise PermissionDenied
    return consultation


def _act(request, form, act, *, success: str, to: str):
    """Call ``act`` with the form's data; on success say so and go ``to``, else place its problems on the form."""
    try:
        act(**form.cleaned_data)
    except ServiceError as error:
        form.add_problems(error.problems)
        return None
    messages.success(request, success)
    return redirect(to)


@login_required
def consultation_list_view(request):
    consultations = consultations_visible_to(user=request.user).prefetch_related("partners")
    now = timezone.now()
    return render(request, "consultations/list.html", {
        "rows": [(consultation, consultation_status(consultation, now=now)) for consultation in consultations],
    })


@login_required
def consultation_create_view(request, agreement_pk: int):
    try:
        agreement = agreement_get(user=request.user, pk=agreement_pk)
    except Agreement.DoesNotExist as exc:
        raise Http404("No agreement found") from exc
    if not request.user.has_perm(MANAGE_CONSULTATION):
        raise PermissionDenied
    partners = Organisation.objects.filter(parties__agreement=agreement).distinct()
    form = ConsultationForm(_posted(request), partners=partners,
                            initial={"partners": list(partners), **consultation_draft(agreement=agreement)})
    if request.method == "POST" and form.is_valid():
        try:
            consultation = consultation_create(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ServiceError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"The consultation “{consultation}” was set up")
            return redirect("consultations:detail", pk=consultation.pk)
    return form_page(request, form, heading="Set up a consultation", submit="Set up the consultation",
                      caption=str(agreement), back=reverse("agreements:detail", args=[agreement.pk]),
                      intro="The summary and full text start as a draft from the agreement's partners, flexibilities "
                            "and schedules: edit them to say what you are asking.")


@login_required
def consultation_detail_view(request, pk: int):
    consultation = _consultation_or_404(request, pk)
    now = timezone.now()
    status = consultation_status(consultation, now=now)
    return render(request, "consultations/detail.html", {
        "consultation": consultation, "status": status,
        "questions": consultation.questions.prefetch_related("options").select_related("shown_if_option__question"),
        "responses": consultation_responses(consultation=consultation)[:50],
        "counts": consultation_counts(consultation=consultation),
        "question_counts": [(tally, question_chart(tally) if tally.counts else "")
                            for tally in question_counts(consultation=consultation)],
        "may_manage": user_may_manage(user=request.user, consultation=consultation, permission=MANAGE_CONSULTATION),
        "may_erase": user_may_manage(user=request.user, consultation=consultation, permission=ERASE_PERSONAL_DATA),
        "survey_open_to_change": status == "forthcoming",
        "takes_offline": consultation.opens_at <= now and consultation.questions.exists(),
    })


@login_required
def consultation_edit_view(request, pk: int):
    consultation = _managed(request, pk)
    partners = Organisation.objects.filter(parties__agreement=consultation.agreement).distinct()
    form = ConsultationForm(_posted(request), partners=partners, editing=True, initial={
        "partners": list(consultation.partners.all()), "title": consultation.title, "summary": consultation.summary,
        "body": consultation.body, "ways_to_respond": consultation.ways_to_respond,
        "alternative_formats": consultation.alternative_formats,
        "opens_at": timezone.localtime(consultation.opens_at).strftime("%Y-%m-%d %H:%M"),
        "closes_at": timezone.localtime(consultation.closes_at).strftime("%Y-%m-%d %H:%M"),
    })
    if request.method == "POST" and form.is_valid():
        done = _act(request, form, lambda **data: consultation_update(actor=request.user, consultation=consultation,
                                                                      **data),
                    success="The consultation was changed", to=reverse("consultations:detail", args=[pk]))
        if done:
            return done
    return form_page(request, form, heading="Change the consultation", submit="Save the changes",
                      caption=consultation.title, back=reverse("consultations:detail", args=[pk]))


def _simple_page(request, pk: int, form_class, service, *, heading: str, submit: str, success: str,
                 permission: str = MANAGE_CONSULTATION, with_files: bool = False):
    consultation = _managed(request, pk, permission)
    form = form_class(_posted(request), request.FILES if with_files and request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = _act(request, form, lambda **data: service(actor=request.user, consultation=consultation, **data),
                    success=success, to=reverse("consultations:detail", args=[pk]))
        if done:
            return done
    return form_page(request, form, heading=heading, submit=submit, caption=consultation.title,
                      back=reverse("consultations:detail", args=[pk]))


@login_required
def faq_add_view(request, pk: int):
    """Add a question and its answer, typed in or started from a draft drawn from the agreement's data."""
    consultation = _managed(request, pk)
    drafts = faq_drafts(agreement=consultation.agreement)
    draft = drafts.get(request.GET.get("draft", ""))
    form = FaqForm(_posted(request), initial={"question": draft[0], "answer": draft[1]} if draft else None)
    if request.method == "POST" and form.is_valid():
        done = _act(request, form, lambda **data: faq_add(actor=request.user, consultation=consultation, **data),
                    success="The question and its answer were added", to=reverse("consultations:detail", args=[pk]))
        if done:
            return done
    asked = set(consultation.faqs.values_list("question", flat=True))
    address = reverse("consultations:faq_add", args=[pk])
    return form_page(request, form, heading="Add a frequently asked question", submit="Add the question",
                     caption=consultation.title, back=reverse("consultations:detail", args=[pk]),
                     intro="The answers are drawn from the agreement's partners, schedules and term; edit them before "
                           "adding.",
                     starts=[(question, f"{address}?{urlencode({'draft': key})}")
                             for key, (question, _) in drafts.items() if question not in asked])


@login_required
def contact_add_view(request, pk: int):
    return _simple_page(request, pk, ContactForm, contact_add, heading="Add a contact", submit="Add the contact",
                        success="The contact was added")


@login_required
def document_add_view(request, pk: int):
    return _simple_page(request, pk, DocumentForm, document_add, heading="Add a document",
                        submit="Add the document", success="The document was added", with_files=True)


@login_required
def outcome_view(request, pk: int):
    consultation = _managed(request, pk)
    form = OutcomeForm(_posted(request), decisions=outcome_decisions(consultation=consultation))
    if request.method == "POST" and form.is_valid():
        done = _act(request, form, lambda **data: outcome_publish(actor=request.user, consultation=consultation,
                                                                  **data),
                    success="The outcome was published on the public hub",
                    to=reverse("consultations:detail", args=[pk]))
        if done:
            return done
    return form_page(request, form, heading="Publish the outcome", submit="Publish the outcome",
                      caption=consultation.title, back=reverse("consultations:detail", args=[pk]))


@login_required
def erase_view(request, pk: int):
    return _simple_page(request, pk, EraseForm, consultation_erase, heading="Erase a respondent's personal data",
                        submit="Erase their personal data", permission=ERASE_PERSONAL_DATA,
                        success="The respondent's personal data was erased; their answers are kept")


@login_required
def question_add_view(request, pk: int):
    consultation = _managed(request, pk)
    options = Option.objects.filter(question__consultation=consultation).select_related("question")
    form = QuestionForm(_posted(request), options=options, initial={"page": 1})
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "options": form.cleaned_data["options"].splitlines()}
        try:
            question_add(actor=request.user, consultation=consultation, **data)
        except ServiceError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, "The question was added to the survey")
            return redirect("consultations:detail", pk=pk)
    return form_page(request, form, heading="Add a question to the survey", submit="Add the question",
                      caption=consultation.title, back=reverse("consultations:detail", args=[pk]))


@login_required
def question_remove_view(request, pk: int, question_pk: int):
    """Take a question out of the survey before the consultation opens (POST only); a refusal says why."""
    consultation = _managed(request, pk)
    if request.method != "POST":
        return redirect("consultations:detail", pk=pk)
    question = get_object_or_404(consultation.questions, pk=question_pk)
    try:
        question_remove(actor=request.user, question=question)
    except ServiceError as error:
        for problem in error.problems:
            messages.error(request, f"“{question.text}” was not removed: {problem}")
    else:
        messages.success(request, f"The question “{question.text}” was removed from the survey")
    return redirect(reverse("consultations:detail", args=[pk]) + "#survey")


@login_required
def survey_preview_view(request, pk: int):
    """Every page of the survey as a respondent sees it, each question shown (conditions are listed beside)."""
    consultation = _consultation_or_404(request, pk)
    questions = list(consultation.questions.prefetch_related("options").select_related("shown_if_option__question"))
    pages = [(page, SurveyPageForm(questions=[q for q in questions if (q.about_you if page == ABOUT_YOU else
                                                                        not q.about_you and str(q.page) == page)],
                                   about_you=page == ABOUT_YOU))
             for page in survey_pages(questions)]
    return render(request, "consultations/preview.html", {"consultation": consultation, "pages": pages,
                                                          "about_you": ABOUT_YOU})


@login_required
def response_record_view(request, pk: int):
    consultation = _managed(request, pk)
    questions = list(consultation.questions.prefetch_related("options"))
    form = OfflineResponseForm(_posted(request), questions=questions)
    if request.method == "POST" and form.is_valid():
        respondent = {name: form.cleaned_data[name] for name in ("name", "email", "postcode", "organisation")}
        try:
            response = response_record(actor=request.user, consultation=consultation,
                                       channel=form.cleaned_data["channel"], received_at=form.received_at(),
                                       answers=form.answers(), respondent=respondent)
        except ServiceError as error:
            form.problem_fields = {"received_at": "received_on"}
            form.add_problems(error.problems)
        else:
            messages.success(request, f"The response was recorded with the reference {response.reference}")
            return redirect("consultations:detail", pk=pk)
    return form_page(request, form, heading="Type in a response", submit="Record the response",
                      caption=consultation.title, back=reverse("consultations:detail", args=[pk]),
                      intro="For a response that came by letter, e-mail, a meeting or telephone.")


def _with_personal_data(request, consultation: Consultation) -> bool:
    """Personal data goes only to staff who may manage the consultation; others export the answers alone."""
    return user_may_manage(user=request.user, consultation=consultation, permission=MANAGE_CONSULTATION)


@login_required
def responses_xlsx(request, pk: int):
    consultation = _consultation_or_404(request, pk)
    workbook = responses_workbook(consultation=consultation,
                                  with_personal_data=_with_personal_data(request, consultation))
    return xlsx_response(workbook, f"{consultation.slug}-responses.xlsx")


@login_required
def responses_csv_view(request, pk: int):
    consultation = _consultation_or_404(request, pk)
    response = HttpResponse(responses_csv(consultation=consultation,
                                          with_personal_data=_with_personal_data(request, consultation)),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{consultation.slug}-responses.csv"'
    return response


ANALYSIS_PAGE_SIZE = 50


def _analysis_page(request, consultation: Consultation, *, problems: list[str] = ()):
    questions = consultation.questions.filter(kind=QuestionKind.TEXT)
    themes = consultation.themes.all()
    options = Option.objects.filter(question__consultation=consultation).select_related("question")
    filters = AnalysisFilterForm(request.GET or None, questions=questions, themes=themes, options=options)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    theme = chosen.get("theme")
    answers = free_text_answers(consultation=consultation, question_id=chosen.get("question"),
                                theme_id=theme or None, untagged=theme == 0, channel=chosen.get("channel", ""),
                                option_id=chosen.get("option"))
    page = page_of(answers, per_page=ANALYSIS_PAGE_SIZE, query=request.GET)
    return render(request, "consultations/analysis.html", {
        "consultation": consultation, "filters": filters, "themes": themes, "page": page,
        "pagination": numbered_pagination(page, request.GET),
        "theme_counts": theme_counts(consultation=consultation), "problems": problems,
        "may_manage": user_may_manage(user=request.user, consultation=consultation, permission=MANAGE_CONSULTATION),
        "back_here": request.get_full_path(),
    }, status=400 if problems else 200)


@login_required
def analysis_view(request, pk: int):
    """The free-text answers to read, filter by question, theme and channel, and tag with themes; notes beside."""
    return _analysis_page(request, _consultation_or_404(request, pk))


def _back_to_analysis(request, consultation: Consultation, anchor: str):
    analysis = reverse("consultations:analysis", args=[consultation.pk])
    back = request.POST.get("next", "")
    return redirect((back if back.startswith(analysis) and back.isprintable() else analysis) + anchor)


@login_required
def theme_add_view(request, pk: int):
    consultation = _managed(request, pk)
    form = ThemeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done = _act(request, form, lambda **data: theme_add(actor=request.user, consultation=consultation, **data),
                    success="The theme was added", to=reverse("consultations:analysis", args=[pk]))
        if done:
            return done
    return form_page(request, form, heading="Add a theme", submit="Add the theme", caption=consultation.title,
                      back=reverse("consultations:analysis", args=[pk]))


@login_required
def answer_tag_view(request, pk: int, answer_pk: int):
    consultation = _managed(request, pk)
    if request.method != "POST":
        return redirect("consultations:analysis", pk=pk)
    answer = Answer.objects.filter(response__consultation=consultation, pk=answer_pk).first()
    if answer is None:
        raise Http404("No answer found")
    form = TagForm(request.POST, themes=consultation.themes.all())
    if not form.is_valid():
        return _analysis_page(request, consultation, problems=["Choose from the consultation's themes"])
    try:
        answer_tag(actor=request.user, answer=answer, themes=form.cleaned_data["themes"])
    except ServiceError as error:
        return _analysis_page(request, consultation, problems=error.problems)
    messages.success(request, f"The themes of an answer of {answer.response} were saved")
    return _back_to_analysis(request, consultation, f"#answer-{answer.pk}")


@login_required
def note_add_view(request, pk: int, response_pk: int):
    consultation = _managed(request, pk)
    if request.method != "POST":
        return redirect("consultations:analysis", pk=pk)
    response = Response.objects.filter(consultation=consultation, pk=response_pk).first()
    if response is None:
        raise Http404("No response found")
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _analysis_page(request, consultation,
                              problems=[error for errors in form.errors.values() for error in errors])
    try:
        note_add(actor=request.user, response=response, text=form.cleaned_data["text"])
    except ServiceError as error:
        return _analysis_page(request, consultation, problems=error.problems)
    messages.success(request, f"The note on {response} was added")
    return _back_to_analysis(request, consultation, "")
