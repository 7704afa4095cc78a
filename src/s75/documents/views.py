"""Pages of the agreement document: the Word download, and the clause templates (read by anyone signed in,
changed by those who may edit them). Thin: they call the selectors and services and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from s75.agreements.pages import visible_agreement_or_404

from .clauses import FILTERS, MAX_REPEATS, TAGS, ClauseTooLong
from .forms import ClauseEditForm
from .models import TemplateSetVersion
from .selectors import (
    PLACEHOLDERS,
    agreement_draft,
    agreement_template_version,
    may_edit_templates,
    template_sets_for,
    template_version_get,
    version_clauses,
)
from .services import TemplateError, clause_template_edit
from .word import DOCX_CONTENT_TYPE, agreement_docx

# What the help on the template pages lists: the placeholders, and the tags and filters a clause may use.
CLAUSE_LANGUAGE = {"placeholders": PLACEHOLDERS, "clause_tags": TAGS + ("for",), "clause_filters": FILTERS + ("join",),
                   "max_repeats": f"{MAX_REPEATS:,}"}


def _version_or_404(request, slug: str, number: int | None = None) -> TemplateSetVersion:
    """The version of the set the user works with: their organisation's copy, or the shipped set."""
    try:
        return template_version_get(slug=slug, organisation=request.user.organisation, number=number)
    except TemplateSetVersion.DoesNotExist as exc:
        raise Http404("No such clause templates") from exc


@login_required
def agreement_docx_view(request, pk: int):
    agreement = visible_agreement_or_404(request, pk)
    try:
        version = agreement_template_version(agreement=agreement)
    except TemplateSetVersion.DoesNotExist as exc:
        raise Http404("No clause templates are installed") from exc
    try:
        draft = agreement_draft(agreement=agreement, version=version, today=timezone.localdate())
    except ClauseTooLong as error:
        messages.error(request, str(error))
        return redirect("agreements:detail", pk=agreement.pk)
    response = HttpResponse(agreement_docx(draft), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{agreement.reference}-draft.docx"'
    return response


@login_required
def template_set_list_view(request):
    return render(request, "documents/template_sets.html", {"template_sets": template_sets_for(user=request.user)})


@login_required
def template_set_view(request, slug: str):
    wanted = request.GET.get("version", "")
    version = _version_or_404(request, slug, int(wanted) if wanted.isdigit() and len(wanted) < 10 else None)
    latest = _version_or_404(request, slug)
    return render(request, "documents/template_set.html", {
        "version": version,
        "latest": latest,
        "clauses": version_clauses(version=version),
        "versions": version.template_set.versions.select_related("created_by").order_by("-number"),
        "may_edit": may_edit_templates(user=request.user, organisation=request.user.organisation),
        "organisation": request.user.organisation,
        **CLAUSE_LANGUAGE,
    })


@login_required
def clause_edit_view(request, slug: str, key: str):
    organisation = request.user.organisation
    if not may_edit_templates(user=request.user, organisation=organisation):
        raise PermissionDenied
    latest = _version_or_404(request, slug)
    clause = version_clauses(version=latest).filter(key=key).first()
    if clause is None:
        raise Http404("No such clause")
    form = ClauseEditForm(
        request.POST if request.method == "POST" else None,
        initial={"heading": clause.heading, "body": clause.body, "based_on": latest.number},
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = clause_template_edit(
                actor=request.user, organisation=organisation, slug=slug, key=key, **form.cleaned_data
            )
        except TemplateError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{clause.heading} was saved as version {version.number} of "
                                      f"{organisation}'s clause templates")
            return redirect("documents:template_set", slug=slug)
    return render(request, "documents/clause_form.html", {
        "template_set": latest.template_set, "clause": clause, "form": form, "organisation": organisation,
        **CLAUSE_LANGUAGE,
    })
