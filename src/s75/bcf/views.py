"""Pages of Better Care Fund plans: the list, a new plan, a plan's page with its checks, money, national
conditions, metrics, lifecycle and history, its workbooks and the upload of a filled-in planning workbook. Thin:
parse input, call a service or selector, render.

Every page finds its plan through ``plan_get``, so a plan of another area is a 404. A change needs
``bcf.manage_plan`` (assurance ``bcf.assure_plan``), else 403; a refused change shows the service's problems in the
error summary and saves nothing.
"""

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from s75.agreements.selectors import agreements_visible_to, user_may_change
from s75.audit.permissions import VIEW_AUDIT_TRAIL
from s75.audit.wording import event_in_words
from s75.core.exports import XLSX_CONTENT_TYPE, pounds, table_workbook, xlsx_response

from .charts import metric_chart
from .checks import CHECKS, CheckResult, plan_checks
from .forms import (
    CheckedWorkbookForm,
    ConditionForm,
    ExplanationForm,
    MetricActualForm,
    MoveForm,
    PlanCreateForm,
    SignOffForm,
    WorkbookUploadForm,
)
from .lifecycle import PlanMoveContext, actuals_unmet, edit_unmet, move_unmet, moves_from
from .models import ListName, Plan, PlanStatus
from .national import national_view_allowed
from .permissions import ASSURE_PLAN, MANAGE_PLAN
from .selectors import (
    agreements_for_new_plan,
    line_actuals,
    plan_audit_events,
    plan_get,
    plan_metrics,
    plan_totals,
    plans_visible_to,
    sign_off_decisions,
    year_list,
)
from .services import (
    BcfError,
    condition_confirm,
    explanation_set,
    metric_actual_record,
    plan_create,
    plan_move,
    plan_sign_off,
)
from .workbook_reading import WorkbookRejected, plan_workbook_read
from .workbook_writing import workbook_filename, workbook_for

AUDIT_EVENTS_SHOWN = 20
QUARTERLY_RETURNS = (1, 2, 3)  # the year-end return is the fourth quarter's
# The session key under which the workbooks checked and kept for "Import the file" wait, by token.
CHECKED_WORKBOOKS = "bcf_checked_workbooks"


def _plan_or_404(request, pk: int) -> Plan:
    try:
        return plan_get(user=request.user, pk=pk)
    except Plan.DoesNotExist as exc:
        raise Http404("No plan found") from exc


def _plan_to_change(request, pk: int) -> Plan:
    plan = _plan_or_404(request, pk)
    if not request.user.has_perm(MANAGE_PLAN):
        raise PermissionDenied
    return plan


@dataclass(frozen=True)
class PlanRow:
    plan: Plan
    income_pence: int
    planned_pence: int
    failing: list[CheckResult]


def _plan_rows(plans) -> list[PlanRow]:
    rows = []
    for plan in plans:
        totals = plan_totals(plan=plan)
        rows.append(PlanRow(plan, totals["income"], totals["planned"],
                            [check for check in plan_checks(plan) if not check.passed]))
    return rows


@login_required
def plan_list_view(request):
    return render(request, "bcf/list.html", {
        "rows": _plan_rows(plans_visible_to(user=request.user)),
        "may_create": request.user.has_perm(MANAGE_PLAN) and agreements_for_new_plan(user=request.user).exists(),
        "may_see_national": national_view_allowed(user=request.user),
    })


@login_required
def plan_list_xlsx(request):
    rows = _plan_rows(plans_visible_to(user=request.user))
    workbook = table_workbook(
        title="Better Care Fund plans",
        headers=["Health and Wellbeing Board area", "Year", "Agreement", "Status", "Income (£)",
                 "Planned expenditure (£)", "Checks failing"],
        rows=[[str(row.plan.hwb), row.plan.year.year.label, row.plan.agreement.reference,
               row.plan.get_status_display(), pounds(row.income_pence), pounds(row.planned_pence),
               "; ".join(check.title for check in row.failing)] for row in rows],
        money_columns={5, 6},
    )
    return xlsx_response(workbook, "better-care-fund-plans.xlsx")


@login_required
def plan_create_view(request):
    if not request.user.has_perm(MANAGE_PLAN):
        raise PermissionDenied
    # The agreement's page links here with ``?agreement=`` chosen.
    form = PlanCreateForm(request.POST if request.method == "POST" else None,
                          agreements=agreements_for_new_plan(user=request.user),
                          initial={"agreement": request.GET.get("agreement")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = plan_create(actor=request.user, hwb=data["hwb"], year=data["year"], agreement=data["agreement"],
                               narrative=data["narrative"])
        except BcfError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{plan} was created as a draft")
            return redirect("bcf:detail", pk=plan.pk)
    return render(request, "bcf/plan_form.html", {"form": form})


@dataclass(frozen=True)
class CheckPanel:
    check: CheckResult
    explanation: str
    form: ExplanationForm | None


@dataclass(frozen=True)
class MoveOption:
    status: str
    label: str
    unmet: list[str]


def _moves(plan: Plan) -> list[MoveOption]:
    context = PlanMoveContext(on=timezone.localdate())
    return [MoveOption(to, PlanStatus(to).label, move_unmet(plan, to, context, require_reason=False))
            for to in moves_from(plan)]


def _may_move(user, to_status: str) -> bool:
    return user.has_perm(ASSURE_PLAN if to_status == PlanStatus.ASSURED else MANAGE_PLAN)


def _detail_context(request, plan: Plan, *, failed: dict | None = None) -> dict:
    """The plan's page; ``failed`` holds the one form whose post was refused, under the name the page reads it by
    (``explanation:<check>``, ``condition:<id>``, ``metric:<id>``, ``sign_off``, ``move``), shown with its
    problems in place and in the error summary."""
    failed = failed or {}
    user = request.user
    may_change = user.has_perm(MANAGE_PLAN)
    may_edit = may_change and not edit_unmet(plan)
    checks = plan_checks(plan)
    explanations = dict(plan.explanations.values_list("check_code", "explanation"))
    check_panels = [
        CheckPanel(check, explanations.get(check.code, ""),
                   failed.get(f"explanation:{check.code}") or (ExplanationForm(
                       prefix=f"explain-{check.code}", initial={"explanation": explanations.get(check.code, "")})
                       if may_edit and not check.passed else None))
        for check in checks
    ]
    conditions = [
        (confirmation, failed.get(f"condition:{confirmation.pk}") or (ConditionForm(
            prefix=f"condition-{confirmation.pk}",
            initial={"confirmed": confirmation.confirmed, "comment": confirmation.comment}) if may_edit else None))
        for confirmation in plan.conditions.select_related("condition")
    ]
    may_report = may_change and not actuals_unmet(plan)
    metrics = [
        {"metric": metric, "values": values, "chart": metric_chart(metric=metric, values=values),
         "form": failed.get(f"metric:{metric.pk}") or (MetricActualForm(prefix=f"metric-{metric.pk}")
                                                       if may_report else None)}
        for metric, values in plan_metrics(plan=plan)
    ]
    moves = _moves(plan)
    allowed = [move.status for move in moves if _may_move(user, move.status)]
    income = list(plan.income.select_related("source", "organisation"))
    lines = line_actuals(plan=plan)
    return {
        "plan": plan, "totals": plan_totals(plan=plan), "checks": check_panels,
        "failing": [panel for panel in check_panels if not panel.check.passed],
        "income_sources": _income_by_source(income),
        "lines": lines, "actual_total": sum(row.actual_pence for row in lines), "conditions": conditions,
        "metrics": metrics, "moves": moves,
        "move_form": failed.get("move") or (MoveForm(prefix="move", moves=allowed) if allowed else None),
        "sign_off_form": failed.get("sign_off") or (SignOffForm(prefix="sign-off", decisions=sign_off_decisions(
            plan=plan)) if may_edit else None),
        "may_edit": may_edit, "quarterly_returns": QUARTERLY_RETURNS,
        "audit": [event_in_words(event) for event in plan_audit_events(plan=plan)[:AUDIT_EVENTS_SHOWN]],
        # NHS England sees every plan but is party to no agreement: the agreement's pages are not linked for it.
        "sees_agreement": agreements_visible_to(user=user).filter(pk=plan.agreement_id).exists(),
        "may_view_audit": user_may_change(user=user, agreement=plan.agreement, permission=VIEW_AUDIT_TRAIL),
        "form": next(iter(failed.values()), None),
    }


def _income_by_source(income) -> list[dict]:
    """The plan's income grouped by source of funding, with each source's total."""
    sources: dict[int, dict] = {}
    for row in income:
        entry = sources.setdefault(row.source_id, {"source": row.source, "rows": [], "total": 0})
        entry["rows"].append(row)
        entry["total"] += row.amount_pence
    return list(sources.values())


@login_required
def plan_detail_view(request, pk: int):
    plan = _plan_or_404(request, pk)
    return render(request, "bcf/detail.html", _detail_context(request, plan))


def _plan_act(request, plan: Plan, form, *, name: str, anchor: str, act) -> HttpResponse:
    """One change from the plan page: ``act(cleaned_data)`` calls the service and returns the message of success;
    back to the plan's section, or the plan page again with the form's problems, nothing saved."""
    if form.is_valid():
        try:
            message = act(form.cleaned_data)
        except BcfError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, message)
            return redirect(f"{reverse('bcf:detail', args=[plan.pk])}#{anchor}")
    return render(request, "bcf/detail.html", _detail_context(request, plan, failed={name: form}))


@login_required
@require_POST
def explanation_view(request, pk: int, check_code: str):
    plan = _plan_to_change(request, pk)
    if check_code not in CHECKS:
        raise Http404("No such check")

    def act(data):
        explanation_set(actor=request.user, plan=plan, check_code=check_code, explanation=data["explanation"])
        return f"The explanation of “{CHECKS[check_code]}” was saved"
    return _plan_act(request, plan, ExplanationForm(request.POST, prefix=f"explain-{check_code}"),
                     name=f"explanation:{check_code}", anchor="checks", act=act)


@login_required
@require_POST
def condition_view(request, pk: int, confirmation_pk: int):
    plan = _plan_to_change(request, pk)
    confirmation = plan.conditions.select_related("condition").filter(pk=confirmation_pk).first()
    if confirmation is None:
        raise Http404("No such national condition")

    def act(data):
        condition_confirm(actor=request.user, plan=plan, condition=confirmation.condition,
                          confirmed=data["confirmed"], comment=data["comment"])
        return f"{confirmation.condition.code.upper()} is {'confirmed' if data['confirmed'] else 'not confirmed'}"
    return _plan_act(request, plan, ConditionForm(request.POST, prefix=f"condition-{confirmation.pk}"),
                     name=f"condition:{confirmation.pk}", anchor="conditions", act=act)


@login_required
@require_POST
def metric_actual_view(request, pk: int, metric_pk: int):
    plan = _plan_to_change(request, pk)
    metric = year_list(year=plan.year, name=ListName.METRIC).filter(pk=metric_pk).first()
    if metric is None:
        raise Http404("No such metric")

    def act(data):
        metric_actual_record(actor=request.user, plan=plan, metric=metric, quarter=data["quarter"],
                             actual=data["actual"])
        return f"The actual of {metric.name} for Q{data['quarter']} was saved"
    return _plan_act(request, plan, MetricActualForm(request.POST, prefix=f"metric-{metric.pk}"),
                     name=f"metric:{metric.pk}", anchor="metrics", act=act)


@login_required
@require_POST
def sign_off_view(request, pk: int):
    plan = _plan_to_change(request, pk)

    def act(data):
        plan_sign_off(actor=request.user, plan=plan, decision=data["decision"])
        return "The board's sign-off of the plan was recorded"
    form = SignOffForm(request.POST, prefix="sign-off", decisions=sign_off_decisions(plan=plan))
    return _plan_act(request, plan, form, name="sign_off", anchor="lifecycle", act=act)


@login_required
@require_POST
def move_view(request, pk: int):
    plan = _plan_or_404(request, pk)
    moves = [to for to in moves_from(plan) if _may_move(request.user, to)]
    if not moves:
        raise PermissionDenied

    def act(data):
        moved = plan_move(actor=request.user, plan=plan, to_status=data["to_status"], reason=data["reason"])
        return f"The plan is now {moved.get_status_display().lower()}"
    return _plan_act(request, plan, MoveForm(request.POST, prefix="move", moves=moves), name="move",
                     anchor="lifecycle", act=act)


# Workbooks --------------------------------------------------------------------------------------------------------

@login_required
def workbook_view(request, pk: int, template: str, quarter: int | None = None):
    plan = _plan_or_404(request, pk)
    if (template, quarter in QUARTERLY_RETURNS) not in {("planning", False), ("year-end", False), ("quarterly", True)}:
        raise Http404("No such workbook")
    content = workbook_for(plan, template, quarter)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{workbook_filename(plan, template, quarter)}"'
    return response


def _checked_dir() -> Path:
    """Where a workbook checked by a dry run waits for "Import the file": under ``VAR_DIR``, as the general-ledger
    imports keep theirs."""
    return Path(settings.VAR_DIR) / "uploads" / "bcf"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@login_required
def upload_view(request, pk: int):
    """Check a filled-in planning workbook with a dry run: its problems, by sheet, row and column, or what it would
    change, with "Import the file", which imports the file kept from the check."""
    plan = _plan_to_change(request, pk)
    form = WorkbookUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    context = {"plan": plan, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        folder = _checked_dir()
        folder.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex
        path = folder / f"{token}.xlsx"
        with path.open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        try:
            with path.open("rb") as stream:
                result = plan_workbook_read(stream, actor=request.user, plan=plan, dry_run=True)
        except WorkbookRejected as error:
            path.unlink(missing_ok=True)
            context["problems"] = error.cell_problems
        else:
            kept = request.session.get(CHECKED_WORKBOOKS, {})
            kept[token] = {"plan": plan.pk, "sha256": _sha256(path), "filename": Path(upload.name).name}
            request.session[CHECKED_WORKBOOKS] = kept
            context.update(result=result, filename=Path(upload.name).name,
                           import_form=CheckedWorkbookForm(initial={"token": token}))
    return render(request, "bcf/upload.html", context)


@login_required
@require_POST
def import_checked_view(request, pk: int):
    """Import the workbook kept from its check, unchanged since; the check's page again with the problems if the
    import is refused."""
    plan = _plan_to_change(request, pk)
    form = CheckedWorkbookForm(request.POST)
    kept = request.session.get(CHECKED_WORKBOOKS, {})
    checked = kept.get(form.data.get("token", "")) if form.is_valid() else None
    path = _checked_dir() / f"{form.cleaned_data['token']}.xlsx" if checked else None
    context = {"plan": plan, "form": WorkbookUploadForm()}
    if checked is None or checked["plan"] != plan.pk or not path.is_file() or _sha256(path) != checked["sha256"]:
        context["stale"] = True
        return render(request, "bcf/upload.html", context)
    try:
        with path.open("rb") as stream:
            result = plan_workbook_read(stream, actor=request.user, plan=plan, dry_run=False)
    except WorkbookRejected as error:
        context["problems"] = error.cell_problems
        return render(request, "bcf/upload.html", context)
    path.unlink(missing_ok=True)
    kept.pop(form.cleaned_data["token"], None)
    request.session[CHECKED_WORKBOOKS] = kept
    messages.success(request, f"{checked['filename']} was imported. {result.summary}")
    return redirect("bcf:detail", pk=(result.plan or plan).pk)
