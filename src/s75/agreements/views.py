"""Pages of the agreement register. Thin: parse input, call a service or selector, render.

Every page finds its agreement through ``agreement_get``, so an agreement the user's organisation is not party
to is a 404: another organisation cannot learn that it exists. A change the user's role does not allow is a 403.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from s75.audit.forms import AuditFilterForm
from s75.audit.permissions import VIEW_AUDIT_TRAIL as VIEW_AUDIT
from s75.audit.selectors import audit_trail
from s75.audit.values import BLANK
from s75.core.exports import table_workbook, xlsx_response
from s75.core.pages import numbered_pagination, page_of

from .checklist import agreement_checklist, agreement_excluded_functions
from .forms import (
    AgreementCreateForm,
    AgreementForm,
    ApprovalForm,
    AsAtForm,
    PartyForm,
    RegisterFilterForm,
    RenewalForm,
    ScheduleForm,
    TransitionForm,
)
from .lifecycle import approval_unmet, renewal_unmet
from .models import Agreement, AgreementStatus, Schedule
from .pages import editable_agreement_or_403, may_edit, visible_agreement_or_404
from .panels import as_at_panels, detail_panels
from .permissions import MANAGE_AGREEMENT as MANAGE
from .permissions import TRANSITION_AGREEMENT as TRANSITION
from .renewal import agreement_renew
from .selectors import (
    KeyDate,
    agreement_as_at,
    agreement_list,
    agreement_next_key_date,
    agreement_renewal_chain,
    agreement_transition_options,
    renewal_due,
    user_may_change,
)
from .services import (
    AgreementError,
    agreement_create,
    agreement_transition,
    agreement_update,
    approval_record,
    party_add,
    schedule_create,
    schedule_update,
)

AUDIT_EVENTS_PER_PAGE = 50
AGREEMENTS_PER_PAGE = 25

def _posted(request):
    return request.POST if request.method == "POST" else None


def _schedule_or_404(agreement: Agreement, number: int) -> Schedule:
    try:
        return agreement.schedules.select_related("lead_commissioner").get(number=number)
    except Schedule.DoesNotExist as exc:
        raise Http404("No such schedule") from exc


@dataclass(frozen=True)
class RegisterRow:
    agreement: Agreement
    next_key_date: KeyDate | None
    renewal_due: bool


def _register_rows(agreements) -> list[RegisterRow]:
    today = timezone.localdate()
    return [
        RegisterRow(agreement, agreement_next_key_date(agreement=agreement, today=today),
                    renewal_due(agreement=agreement, today=today))
        for agreement in agreements
    ]


@login_required
def agreement_list_view(request):
    form = RegisterFilterForm(request.GET, user=request.user)
    context = {"form": form, "may_create": request.user.has_perm(MANAGE)}
    if form.is_valid():
        page = page_of(agreement_list(user=request.user, **form.filters()), per_page=AGREEMENTS_PER_PAGE,
                       query=request.GET)
        context.update({
            "page": page, "rows": _register_rows(page.object_list), "filters": form.active(),
            "pagination": numbered_pagination(page, request.GET),
        })
    return render(request, "agreements/list.html", context)


@login_required
def agreement_list_xlsx(request):
    form = RegisterFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        raise Http404("Those filters cannot be read")
    rows = _register_rows(agreement_list(user=request.user, **form.filters()))
    workbook = table_workbook(
        title="Agreements",
        headers=["Title", "Reference", "Status", "Partners", "Start", "End", "Next key date", "On",
                 "Renewal due"],
        rows=[
            [row.agreement.title, row.agreement.reference, row.agreement.get_status_display(),
             "; ".join(party.name_in_agreement for party in row.agreement.parties.all()),
             row.agreement.start_date, row.agreement.end_date,
             row.next_key_date.label if row.next_key_date else None,
             row.next_key_date.on if row.next_key_date else None,
             "Yes" if row.renewal_due else "No"]
            for row in rows
        ],
    )
    status = form.cleaned_data["status"]
    return xlsx_response(workbook, f"agreements{'-' + status if status else ''}.xlsx")


@login_required
def agreement_create_view(request):
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied
    organisation = request.user.organisation
    form = AgreementCreateForm(_posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreement_create(
                actor=request.user, first_party=organisation, first_party_is_host=form.cleaned_data["host"],
                **form.agreement_fields(),
            )
        except AgreementError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{agreement} was created as a draft")
            return redirect("agreements:detail", pk=agreement.pk)
    return render(request, "agreements/agreement_form.html", {"form": form})


def _detail_context(request, agreement: Agreement, form: TransitionForm | None = None) -> dict:
    user, today = request.user, timezone.localdate()
    options = agreement_transition_options(agreement=agreement, today=today)
    may_transition = any(option.allowed for option in options) and user_may_change(
        user=user, agreement=agreement, permission=TRANSITION)
    if form is None and may_transition:
        form = TransitionForm(agreement=agreement, options=options)
    return {
        "agreement": agreement,
        "parties": agreement.parties.select_related("organisation"),
        "schedules": agreement.schedules.select_related("lead_commissioner"),
        "checklist": agreement_checklist(agreement=agreement),
        "excluded_functions": agreement_excluded_functions(agreement=agreement),
        "approvals": agreement.approvals.select_related("party"),
        "transitions": agreement.transitions.select_related("by"),
        "variations": agreement.variations.select_related("recorded_by"),
        "next_key_date": agreement_next_key_date(agreement=agreement, today=today),
        "renewal_due": renewal_due(agreement=agreement, today=today),
        "options": [(option, TransitionForm.value_of(option)) for option in options],
        "unready": [option for option in options if not option.allowed],
        "form": form,
        "may_edit": may_edit(user, agreement),
        "may_record_approval": not approval_unmet(agreement)
        and user_may_change(user=user, agreement=agreement, permission=MANAGE),
        "may_renew": not renewal_unmet(agreement)
        and user_may_change(user=user, agreement=agreement, permission=MANAGE),
        "renewal_chain": agreement_renewal_chain(user=user, agreement=agreement),
        "may_view_audit": user_may_change(user=user, agreement=agreement, permission=VIEW_AUDIT),
        **detail_panels(agreement=agreement),
    }


@login_required
def agreement_detail_view(request, pk: int):
    agreement = visible_agreement_or_404(request, pk)
    return render(request, "agreements/detail.html", _detail_context(request, agreement))


@login_required
@require_POST
def agreement_transition_view(request, pk: int):
    agreement = visible_agreement_or_404(request, pk)
    if not user_may_change(user=request.user, agreement=agreement, permission=TRANSITION):
        raise PermissionDenied
    options = agreement_transition_options(agreement=agreement, today=timezone.localdate())
    form = TransitionForm(request.POST, agreement=agreement, options=options)
    if form.is_valid():
        try:
            moved = agreement_transition(actor=request.user, agreement=agreement, **form.transition())
        except AgreementError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"The agreement is now {moved.get_status_display().lower()}")
            return redirect("agreements:detail", pk=agreement.pk)
    return render(request, "agreements/detail.html", _detail_context(request, agreement, form))


@login_required
def agreement_edit_view(request, pk: int):
    agreement = editable_agreement_or_403(request, pk)
    form = AgreementForm(_posted(request), initial=AgreementForm.initial_for(agreement), agreement=agreement)
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.agreement_fields().items()
                   if getattr(agreement, name) != value}
        if not changes:
            form.add_problems(["you have not changed anything"])
        else:
            try:
                agreement_update(actor=request.user, agreement=agreement, variation=form.variation(), **changes)
            except AgreementError as error:
                form.add_problems(error.problems)
            else:
                messages.success(request, "The agreement was updated")
                return redirect("agreements:detail", pk=agreement.pk)
    return render(request, "agreements/agreement_form.html", {"form": form, "agreement": agreement})


@login_required
def party_add_view(request, pk: int):
    agreement = editable_agreement_or_403(request, pk)
    form = PartyForm(_posted(request), agreement=agreement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            party = party_add(
                actor=request.user, agreement=agreement, organisation=data["organisation"],
                name_in_agreement=data["name_in_agreement"], is_host=data["is_host"],
                requires_prior_agreement=data["requires_prior_agreement"], variation=form.variation(),
            )
        except AgreementError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{party} was added as a partner")
            return redirect("agreements:detail", pk=agreement.pk)
    return render(request, "agreements/change_form.html", {
        "form": form, "agreement": agreement, "heading": "Add a partner", "submit": "Add partner",
    })


@login_required
def schedule_detail_view(request, pk: int, number: int):
    agreement = visible_agreement_or_404(request, pk)
    schedule = _schedule_or_404(agreement, number)
    return render(request, "agreements/schedule_detail.html", {
        "agreement": agreement, "schedule": schedule,
        "contributions": schedule.contributions.select_related("party", "funding_stream")
        .order_by("financial_year", "party__position", "funding_stream__name"),
        "may_edit": may_edit(request.user, agreement),
    })


@login_required
def schedule_create_view(request, pk: int):
    agreement = editable_agreement_or_403(request, pk)
    form = ScheduleForm(_posted(request), agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = schedule_create(actor=request.user, agreement=agreement, variation=form.variation(),
                                       **form.schedule_fields())
        except AgreementError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{schedule} was added")
            return redirect("agreements:schedule_detail", pk=agreement.pk, number=schedule.number)
    return render(request, "agreements/change_form.html", {
        "form": form, "agreement": agreement, "heading": "Add a schedule", "submit": "Add schedule",
    })


@login_required
def schedule_edit_view(request, pk: int, number: int):
    agreement = editable_agreement_or_403(request, pk)
    schedule = _schedule_or_404(agreement, number)
    form = ScheduleForm(_posted(request), agreement=agreement, initial=ScheduleForm.initial_for(schedule))
    if request.method == "POST" and form.is_valid():
        try:
            schedule = schedule_update(actor=request.user, schedule=schedule, variation=form.variation(),
                                       **form.schedule_fields())
        except AgreementError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{schedule} was updated")
            return redirect("agreements:schedule_detail", pk=agreement.pk, number=schedule.number)
    return render(request, "agreements/change_form.html", {
        "form": form, "agreement": agreement, "heading": f"Change schedule {number}", "submit": "Save schedule",
    })


@login_required
def approval_record_view(request, pk: int):
    agreement = visible_agreement_or_404(request, pk)
    if not user_may_change(user=request.user, agreement=agreement, permission=MANAGE):
        raise PermissionDenied
    form = ApprovalForm(_posted(request), agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            approval = approval_record(actor=request.user, agreement=agreement, **form.cleaned_data)
        except AgreementError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{approval.party}'s approval was recorded")
            return redirect("agreements:detail", pk=agreement.pk)
    return render(request, "agreements/change_form.html", {
        "form": form, "agreement": agreement, "heading": "Record an approval", "submit": "Record approval",
    })


@login_required
def agreement_renew_view(request, pk: int):
    agreement = visible_agreement_or_404(request, pk)
    if not user_may_change(user=request.user, agreement=agreement, permission=MANAGE):
        raise PermissionDenied
    form = RenewalForm(_posted(request), agreement=agreement, initial=RenewalForm.initial_for(agreement))
    if request.method == "POST" and form.is_valid():
        try:
            renewal = agreement_renew(actor=request.user, agreement=agreement, **form.cleaned_data)
        except AgreementError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"The renewal {renewal.reference} was drafted")
            return redirect("agreements:detail", pk=renewal.pk)
    return render(request, "agreements/change_form.html", {
        "form": form, "agreement": agreement, "heading": "Renew the agreement", "submit": "Draft the renewal",
        "intro": "The renewal starts as a draft with the same terms, schedules and risk-share terms for every "
                 "year. Each partner that has been succeeded by another organisation by the start date is "
                 "replaced by its successor. Contributions, approvals and terms for particular years are not "
                 "copied: they belong to the new term.",
    })


def _auditable_agreement(request, pk: int) -> Agreement:
    agreement = visible_agreement_or_404(request, pk)
    if not user_may_change(user=request.user, agreement=agreement, permission=VIEW_AUDIT):
        raise PermissionDenied
    return agreement


@login_required
def audit_view(request, pk: int):
    agreement = _auditable_agreement(request, pk)
    form = AuditFilterForm(request.GET or None, agreement=agreement)
    page = page_of(audit_trail(agreement=agreement, choice=form.choice()), per_page=AUDIT_EVENTS_PER_PAGE,
                   query=request.GET)
    pagination = numbered_pagination(page, request.GET)
    return render(request, "agreements/audit.html", {
        "agreement": agreement, "form": form, "page": page, "pagination": pagination, "query": pagination.query,
    })


def _local(moment: datetime) -> datetime:
    """Excel holds no time zone: write the time as it was in London."""
    return timezone.localtime(moment).replace(tzinfo=None)


@login_required
def audit_xlsx(request, pk: int):
    """The trail as the page shows it, with the page's filters: one row per event, its changes one to a line."""
    agreement = _auditable_agreement(request, pk)
    form = AuditFilterForm(request.GET or None, agreement=agreement)
    workbook = table_workbook(
        title="Audit trail",
        headers=["When", "Who", "Kind of change", "What happened", "Changes", "Reason"],
        rows=[
            [_local(line.event.at), line.who, line.kind, line.sentence, _changes_text(line.changes),
             line.event.reason]
            for line in audit_trail(agreement=agreement, choice=form.choice())
        ],
    )
    return xlsx_response(workbook, f"{agreement.reference}-audit-trail.xlsx")


def _changes_text(changes) -> str:
    return "\n".join(f"{change.label}: {change.before} → {change.after or BLANK}" if change.before is not None
                     else f"{change.label}: {change.after}" for change in changes)


@login_required
def agreement_as_at_view(request, pk: int):
    agreement = visible_agreement_or_404(request, pk)
    form = AsAtForm(request.GET or None)
    context = {"agreement": agreement, "form": form}
    if form.is_valid():
        on: date = form.cleaned_data["date"]
        document = agreement_as_at(agreement=agreement, on=on)
        context.update({"on": on, "document": document})
        if document is not None:
            term = document["agreement"]["term"]
            context.update({
                **as_at_panels(document=document),
                "status_label": AgreementStatus(document["agreement"]["status"]).label,
                "term": (date.fromisoformat(term["start"]), date.fromisoformat(term["end"])),
            })
    return render(request, "agreements/as_at.html", context)
