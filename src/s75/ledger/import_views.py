"""Pages of general-ledger imports, under ``/funds/<fund>/imports/``: the history, the upload, the progress and
result of its background task (with "Import the file" after a check), an import's record, the column and
cost-centre mappings. Thin: parse input, call a service or selector, render. A problem links to where it is put
right: the column mapping, the cost-centre mapping, the import that posted the file already, the year's budget.

A fund whose agreement the user may not see is a 404, so another organisation cannot learn that it exists.
Uploading, posting a checked file and changing mappings need ``ledger.post_ledger``, else 403; anyone who sees the
fund sees its history.
"""

import io
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from s75.core.exports import csv_writer, pounds, table_workbook, xlsx_response
from s75.core.users import person_name
from s75.jobs.selectors import TaskState, task_state

from .import_checks import COST_CENTRE
from .import_forms import CheckedFilePostForm, ColumnMappingForm, CostCentreForm, UploadForm
from .import_posting import posted_before
from .importing import HELD, REJECTED, ledger_imports
from .mappings import FIELDS, column_mapping_save, cost_centre_mappings_save
from .models import ColumnMapping, Fund, ImportRun, ImportStatus, LedgerImport
from .pages import fund_or_404
from .permissions import POST_LEDGER
from .services import LedgerError
from .tasks import KEPT, checked_file_post, ledger_import_start, ledger_import_task

PROBLEMS_SHOWN = 500  # on a page; the CSV report has them all


def _fund_to_change(request, pk: int) -> Fund:
    fund = fund_or_404(request, pk)
    if not request.user.has_perm(POST_LEDGER):
        raise PermissionDenied
    return fund


def _context(fund: Fund, request, **extra) -> dict:
    return {"fund": fund, "agreement": fund.agreement, "may_import": request.user.has_perm(POST_LEDGER), **extra}


def _problems_context(fund: Fund, problems: list[dict], count: int) -> dict:
    """The problems a page lists, and what their links need: the fund's column mappings (a problem names the one
    that caused it; one deleted since has no link) and the cost centres to map."""
    return {"problems": problems[:PROBLEMS_SHOWN], "problems_count": count,
            "mapping_ids": set(fund.column_mappings.values_list("pk", flat=True)),
            "unmapped": [problem["value"] for problem in problems if problem.get("cause") == COST_CENTRE]}


def _posted(request, *, files: bool = False) -> tuple:
    """A form's data: what was posted (even nothing), or none for a page that is only being shown."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def _run_or_404(fund: Fund, pk: int) -> ImportRun:
    run = fund.import_runs.select_related("created_by").filter(pk=pk).first()
    if run is None:
        raise Http404("No such import")
    return run


def _run_state(run: ImportRun) -> TaskState:
    done = run.outcome is not None or run.ledger_import_id is not None
    return task_state(task=ledger_import_task, task_id=run.task_id or "", done=done, error=run.error)


def _import_or_404(fund: Fund, pk: int) -> LedgerImport:
    record = ledger_imports(fund=fund).filter(pk=pk).first()
    if record is None:
        raise Http404("No such import")
    return record


@login_required
def history_view(request, fund_pk: int):
    fund = fund_or_404(request, fund_pk)
    return render(request, "imports/history.html", _context(fund, request, imports=ledger_imports(fund=fund)))


@login_required
def history_xlsx(request, fund_pk: int):
    fund = fund_or_404(request, fund_pk)
    workbook = table_workbook(
        title="Imports",
        headers=["Started", "Finished", "By", "File", "Mapping", "Status", "Rows", "Posted", "Already posted",
                 "Total (£)", "Problems", "SHA-256"],
        rows=[
            [timezone.localtime(record.started_at).replace(tzinfo=None),
             timezone.localtime(record.finished_at).replace(tzinfo=None),
             capfirst(person_name(record.created_by)), record.filename, record.mapping_name,
             record.get_status_display(), record.rows_total, record.rows_posted, record.rows_already_posted,
             pounds(record.total_pence),
             len(record.problems), record.sha256]
            for record in ledger_imports(fund=fund)
        ],
    )
    return xlsx_response(workbook, f"fund-{fund.pk}-imports.xlsx")


@login_required
def upload_view(request, fund_pk: int):
    fund = _fund_to_change(request, fund_pk)
    form = UploadForm(*_posted(request, files=True), fund=fund)
    if request.method == "POST" and form.is_valid():
        run = ledger_import_start(actor=request.user, fund=fund, mapping=form.cleaned_data["mapping"],
                                  upload=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"])
        return redirect("imports:run", fund.pk, run.pk)
    return render(request, "imports/upload.html", _context(fund, request, form=form))


@login_required
def run_view(request, fund_pk: int, run_pk: int):
    fund = fund_or_404(request, fund_pk)
    run = _run_or_404(fund, run_pk)
    if run.outcome is None and run.ledger_import_id is not None:
        # Posted, but its worker stopped before keeping the outcome: the import's own record says what was posted.
        return redirect("imports:import", fund.pk, run.ledger_import_id)
    return render(request, "imports/run.html", _run_context(request, fund, run))


def _run_context(request, fund: Fund, run: ImportRun, post_form: CheckedFilePostForm | None = None) -> dict:
    """The run's page: its progress, or its result; a file checked and kept offers "Import the file", unless it
    was posted since (then the page links to what posted it)."""
    result = run.outcome or {}
    problems = result.get("problems", [])
    context = _context(fund, request, run=run, state=_run_state(run), result=result,
                       matrix=totals_matrix(result.get("totals", [])),
                       **_problems_context(fund, problems, len(problems) + result.get("problems_not_listed", 0)))
    if result.get("status") in KEPT:
        context["posting_run"] = run.postings.order_by("-pk").first()
        context["posted_as"] = posted_before(fund, result.get("sha256", ""))
        if post_form is not None:  # refused: its problems are shown, and the button only if it may be tried again
            context["post_form"] = post_form
        elif context["may_import"] and not context["posting_run"] and not context["posted_as"]:
            context["post_form"] = CheckedFilePostForm(held=result["status"] == HELD)
    return context


@login_required
@require_POST
def run_post_view(request, fund_pk: int, run_pk: int):
    """"Import the file": post the file the run checked, as it was checked, in a run of its own."""
    fund = _fund_to_change(request, fund_pk)
    run = _run_or_404(fund, run_pk)
    result = run.outcome or {}
    if result.get("status") not in KEPT:
        raise Http404("The run has no checked file to post")
    form = CheckedFilePostForm(request.POST, held=result["status"] == HELD)
    if form.is_valid():
        try:
            posting = checked_file_post(actor=request.user, checked=run, post_anyway=form.reason())
        except LedgerError as exc:
            form.add_problems(exc.problems)
        else:
            return redirect("imports:run", fund.pk, posting.pk)
    return render(request, "imports/run.html", _run_context(request, fund, run, post_form=form))


@dataclass(frozen=True)
class TotalsRow:
    schedule: str
    amounts: list[int | None]
    total: int


@dataclass(frozen=True)
class TotalsMatrix:
    periods: list[str]
    rows: list[TotalsRow]
    column_totals: list[int]
    total: int


def totals_matrix(totals: list[dict]) -> TotalsMatrix:
    """An outcome's totals as a table: a row per schedule, a column per period (labels sort in time order)."""
    periods = sorted({total["period"] for total in totals})
    schedules = sorted({(total["schedule_number"], total["schedule"]) for total in totals})
    cells = {(total["schedule_number"], total["period"]): total["pence"] for total in totals}
    rows = [
        TotalsRow(f"{number}. {title}", [cells.get((number, period)) for period in periods],
                  sum(cells.get((number, period), 0) for period in periods))
        for number, title in schedules
    ]
    column_totals = [sum(cells.get((number, period), 0) for number, _ in schedules) for period in periods]
    return TotalsMatrix(periods, rows, column_totals, sum(column_totals))


@login_required
def run_progress_json(request, fund_pk: int, run_pk: int):
    fund = fund_or_404(request, fund_pk)
    return JsonResponse(_run_state(_run_or_404(fund, run_pk)).as_json())


@login_required
def run_problems_csv(request, fund_pk: int, run_pk: int):
    fund = fund_or_404(request, fund_pk)
    result = _run_or_404(fund, run_pk).outcome or {}
    if result.get("status") != REJECTED:
        raise Http404("The import has no problems")
    return _problems_csv(result["problems"], result.get("problems_not_listed", 0), result.get("filename", "file"))


@login_required
def import_view(request, fund_pk: int, import_pk: int):
    fund = fund_or_404(request, fund_pk)
    record = _import_or_404(fund, import_pk)
    entries = record.entries.select_related("period").order_by("period__financial_year", "period__number")
    return render(request, "imports/import.html", _context(
        fund, request, record=record, entries=entries,
        **_problems_context(fund, record.problems, len(record.problems))))


@login_required
def import_problems_csv(request, fund_pk: int, import_pk: int):
    fund = fund_or_404(request, fund_pk)
    record = _import_or_404(fund, import_pk)
    if record.status != ImportStatus.REJECTED:
        raise Http404("The import has no problems")
    return _problems_csv(record.problems, 0, record.filename)


def _problems_csv(problems: list[dict], not_listed: int, filename: str) -> HttpResponse:
    """The error report: one row a problem, as the finance officer needs it to put the file right."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv_writer(buffer)
    writer.writerow(["Row", "Column", "Value", "Problem"])
    for problem in problems:
        writer.writerow([problem.get("row") or "", problem.get("column", ""), problem.get("value", ""),
                         problem.get("reason", "")])
    if not_listed:
        writer.writerow(["", "", "", f"and {not_listed:,} more problems not listed"])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stem = filename.rsplit(".", 1)[0].replace('"', "")[:100] or "file"
    response["Content-Disposition"] = f'attachment; filename="{stem}-problems.csv"'
    return response


@login_required
def mappings_view(request, fund_pk: int):
    fund = fund_or_404(request, fund_pk)
    mappings = [(mapping, [(label, mapping.columns[name]) for name, label in FIELDS.items() if name in mapping.columns])
                for mapping in fund.column_mappings.order_by("name")]
    cost_centres = fund.cost_centres.select_related("schedule").order_by("cost_centre")
    return render(request, "imports/mappings.html", _context(
        fund, request, mappings=mappings, cost_centres=cost_centres))


@login_required
def mapping_edit_view(request, fund_pk: int, mapping_pk: int | None = None):
    fund = _fund_to_change(request, fund_pk)
    mapping = None
    if mapping_pk is not None:
        mapping = ColumnMapping.objects.filter(fund=fund, pk=mapping_pk).first()
        if mapping is None:
            raise Http404("No such mapping")
    initial = {"name": mapping.name, **mapping.columns} if mapping else {}
    form = ColumnMappingForm(*_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = column_mapping_save(actor=request.user, fund=fund, name=form.cleaned_data["name"],
                                        columns=form.columns(), mapping=mapping)
        except LedgerError as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, f"The column mapping ‘{saved.name}’ is saved.")
            return redirect("imports:mappings", fund.pk)
    return render(request, "imports/mapping_form.html", _context(fund, request, form=form, mapping=mapping))


@login_required
def cost_centres_view(request, fund_pk: int):
    """The whole cost-centre mapping as text; ``?add=CC1&add=CC2`` (a rejected file's links) adds lines for
    cost centres not mapped yet, for the finance officer to give each its schedule."""
    fund = _fund_to_change(request, fund_pk)
    rows = fund.cost_centres.select_related("schedule").order_by("cost_centre")
    mapped = {row.cost_centre for row in rows}
    adding = list(dict.fromkeys(code.strip() for code in request.GET.getlist("add")
                                if code.strip() and code.strip() not in mapped))[:PROBLEMS_SHOWN]
    current = "\n".join([*(f"{row.cost_centre}, {row.schedule.number}" for row in rows),
                         *(f"{code}, " for code in adding)])
    form = CostCentreForm(*_posted(request), initial={"lines": current}, fund=fund)
    if request.method == "POST" and form.is_valid():
        try:
            change = cost_centre_mappings_save(actor=request.user, fund=fund, mappings=form.mappings, replace=True)
        except LedgerError as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(request, f"The cost-centre mapping is saved: {change.added} added, {change.changed} "
                                      f"changed, {change.removed} removed.")
            return redirect("imports:mappings", fund.pk)
    schedules = fund.agreement.schedules.order_by("number")
    return render(request, "imports/cost_centres.html", _context(fund, request, form=form, schedules=schedules,
                                                                 adding=adding))
