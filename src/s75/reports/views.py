"""Pages of a fund's papers: the list of versions with the form that starts a new one, the progress of the task
that makes it, the files, and drawing a past version again from its snapshot. Thin: parse input, call a service
or selector, render.

Every page finds its fund through ``fund_get``, so a fund whose agreement the user may not see is a 404. Making a
paper needs the pooled fund manager's permission (``ledger.post_ledger``) on the agreement, else 403; anyone who
sees the fund may read and download its papers.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from s75.agreements.selectors import user_may_change
from s75.budgets.selectors import agreement_years
from s75.core.fiscal import Quarter
from s75.jobs.selectors import QUEUED, TaskState, task_state
from s75.ledger.models import Fund
from s75.ledger.pages import fund_or_404
from s75.ledger.permissions import POST_LEDGER
from s75.monitoring.selectors import monitoring_latest_period

from .forms import GenerateForm
from .models import ReportFormat, ReportRun, ReportVersion
from .selectors import report_download_name, report_file_path, report_version_get, report_versions
from .services import STAGE_TEXT, ReportError
from .tasks import report_generate_start, report_make_task, report_reproduce_start

CONTENT_TYPES = {ReportFormat.PDF: "application/pdf",
                 ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _may_generate(request, fund: Fund) -> bool:
    return user_may_change(user=request.user, agreement=fund.agreement, permission=POST_LEDGER)


def _version_or_404(fund: Fund, pk: int) -> ReportVersion:
    try:
        return report_version_get(fund=fund, pk=pk)
    except ReportVersion.DoesNotExist as exc:
        raise Http404("No such report") from exc


def _default_quarter(fund: Fund) -> str | None:
    """The quarter of the latest month with postings, forecasts or commentary."""
    latest = monitoring_latest_period(agreement=fund.agreement)
    return Quarter(latest[0], -(-latest[1] // 3)).label if latest else None


def _page(request, fund: Fund, form: GenerateForm, status: int = 200):
    return render(request, "reports/reports.html", {
        "fund": fund, "agreement": fund.agreement, "form": form, "may_generate": _may_generate(request, fund),
        "versions": report_versions(fund=fund),
    }, status=status)


@login_required
def reports_view(request, pk: int):
    fund = fund_or_404(request, pk)
    form = GenerateForm(initial={"quarter": _default_quarter(fund), "formats": ReportFormat.values},
                        years=agreement_years(agreement=fund.agreement))
    return _page(request, fund, form)


@login_required
@require_POST
def generate_view(request, pk: int):
    fund = fund_or_404(request, pk)
    if not _may_generate(request, fund):
        raise PermissionDenied
    form = GenerateForm(request.POST, years=agreement_years(agreement=fund.agreement))
    if form.is_valid():
        try:
            run = report_generate_start(actor=request.user, fund=fund, quarter=form.cleaned_data["quarter"],
                                        formats=form.cleaned_data["formats"])
        except ReportError as error:
            form.add_problems(error.problems)
        else:
            return redirect("reports:run", fund.pk, run.pk)
    return _page(request, fund, form, status=400)


@login_required
@require_POST
def reproduce_view(request, pk: int, version_pk: int):
    fund = fund_or_404(request, pk)
    if not _may_generate(request, fund):
        raise PermissionDenied
    run = report_reproduce_start(actor=request.user, version=_version_or_404(fund, version_pk))
    return redirect("reports:run", fund.pk, run.pk)


def _run_or_404(fund: Fund, pk: int) -> ReportRun:
    run = fund.report_runs.select_related("created_by", "version__reproduces").filter(pk=pk).first()
    if run is None:
        raise Http404("No such report task")
    return run


def _run_state(run: ReportRun) -> TaskState:
    return task_state(task=report_make_task, task_id=run.task_id or "", done=run.version_id is not None,
                      error=run.error)


def _state_text(state: TaskState) -> str:
    return STAGE_TEXT.get(QUEUED if state.status == QUEUED else state.progress.get("stage") or QUEUED, "Working")


@login_required
def run_view(request, pk: int, run_pk: int):
    fund = fund_or_404(request, pk)
    run = _run_or_404(fund, run_pk)
    state = _run_state(run)
    # A report refused (ReportError: a full disk) says why in the product's words; any other error is the logs'.
    refusal = run.error.removeprefix(f"{ReportError.__name__}: ") if run.error.startswith(
        f"{ReportError.__name__}: ") else ""
    return render(request, "reports/run.html", {
        "fund": fund, "agreement": fund.agreement, "run": run, "state": state, "text": _state_text(state),
        "version": run.version, "refusal": refusal,
    })


@login_required
def run_progress_json(request, pk: int, run_pk: int):
    fund = fund_or_404(request, pk)
    state = _run_state(_run_or_404(fund, run_pk))
    return JsonResponse({**state.as_json(), "text": _state_text(state)})


@login_required
def version_file(request, pk: int, version_pk: int, fmt: str):
    fund = fund_or_404(request, pk)
    version = _version_or_404(fund, version_pk)
    if fmt not in version.formats:
        raise Http404("The report was not made in that format")
    path = report_file_path(version=version, fmt=fmt)
    if not path.exists():
        raise Http404("The report's file is missing: draw the version again from its snapshot")
    return FileResponse(path.open("rb"), as_attachment=True, content_type=CONTENT_TYPES[fmt],
                        filename=report_download_name(version=version, fmt=fmt))
