"""A settlement run's statements as files: an Excel workbook (a summary, the schedules, the payments, and one
sheet per partner, with totals as formulas) and a PDF (WeasyPrint) with one statement per partner.

Both are made from the run alone (its inputs and results), so a statement produced again is the one approved.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from weasyprint import HTML

from s75.core.exports import POUNDS_FORMAT, header_row, pounds

from .models import SettlementRun

BOLD = Font(bold=True)

PARTNER_COLUMNS = [
    ("Contributions planned", "contributions"),
    ("Contributions received", "received"),
    ("Share of overspends", "overspend_share"),
    ("of which moved by caps", "cap_adjustment"),
    ("Share of underspends returned", "underspend_share"),
    ("Carried forward", "carried_forward"),
    ("Own variance (aligned)", "own_variance"),
    ("Spend outside the agreement", "outside_agreement"),
    ("Final share of spend", "final_share_of_spend"),
    ("Net payment (+ host pays)", "net_payment"),
]
SCHEDULE_LABELS = [("Schedule", "number"), ("Title", "title")]
SCHEDULE_COLUMNS = [
    ("Budget", "budget"), ("Outturn", "outturn"), ("Variance", "variance"),
    ("Outside the agreement", "outside_agreement"), ("Overspend shared", "overspend_to_share"),
    ("Underspend shared", "underspend_to_share"),
]
PARTNER_SCHEDULE_COLUMNS = [
    ("Contribution", "contribution"), ("Share of overspend", "overspend_share"),
    ("Underspend returned", "underspend_share"), ("Carried forward", "carried_forward"),
    ("Own variance", "own_variance"), ("Outside the agreement", "outside_agreement"),
    ("Share of spend", "share_of_spend"),
]


def _table(sheet: Worksheet, first: Sequence[tuple[str, str]], columns: Sequence[tuple[str, str]],
           rows: Sequence[dict], *, total_label: str = "Total") -> None:
    """Rows of labels then money under a header, with a total row of SUM formulas."""
    header_row(sheet, [title for title, _ in (*first, *columns)], numeric_from=len(first) + 1)
    for row in rows:
        sheet.append([*(row[key] for _, key in first), *(pounds(row[key]) for _, key in columns)])
    last = sheet.max_row
    total = [total_label] + [""] * (len(first) - 1)
    for index in range(len(first) + 1, len(first) + len(columns) + 1):
        letter = get_column_letter(index)
        total.append(f"=SUM({letter}2:{letter}{last})")
    sheet.append(total)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for column in range(len(first) + 1, len(first) + len(columns) + 1):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = POUNDS_FORMAT
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.column_dimensions["A"].width = 36


def _sheet_title(name: str, used: set[str]) -> str:
    title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28]
    while title in used:
        title = f"{title[:26]}-{len(used)}"
    used.add(title)
    return title


def settlement_workbook(*, run: SettlementRun) -> Workbook:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Partners"
    results = run.results
    _table(summary, [("Partner", "name")], PARTNER_COLUMNS, results["partners"])
    summary.append([])
    summary.append(["Reserve used", pounds(results["reserve_used"])])
    summary.append(["Unfunded overspend", pounds(results["unfunded_overspend"])])
    for row in summary.iter_rows(min_row=summary.max_row - 1, min_col=2, max_col=2):
        row[0].number_format = POUNDS_FORMAT

    schedules = workbook.create_sheet("Schedules")
    _table(schedules, SCHEDULE_LABELS, SCHEDULE_COLUMNS, results["schedules"])

    payments = workbook.create_sheet("Payments")
    header_row(payments, ["Payer", "Payee", "Amount"], numeric_from=3)
    for payment in results["payments"]:
        payments.append([payment["payer_name"], payment["payee_name"], pounds(payment["amount"])])
        payments.cell(payments.max_row, 3).number_format = POUNDS_FORMAT
    payments.column_dimensions["A"].width = payments.column_dimensions["B"].width = 36

    used = {"Partners", "Schedules", "Payments"}
    for partner in results["partners"]:
        sheet = workbook.create_sheet(_sheet_title(partner["name"], used))
        _table(sheet, SCHEDULE_LABELS, PARTNER_SCHEDULE_COLUMNS, partner["schedules"],
               total_label="Total before caps")
        sheet.append([])
        for title, key in PARTNER_COLUMNS:
            sheet.append([title, "", pounds(partner[key])])
            sheet.cell(sheet.max_row, 3).number_format = POUNDS_FORMAT
    for sheet in workbook.worksheets:
        sheet.oddHeader.center.text = f"{run.agreement.title}: settlement {run.year_label}, version {run.version}"
    return workbook


@dataclass(frozen=True)
class StatementLine:
    label: str
    amount: int
    strong: bool = False


def _partner_lines(partner: dict) -> list[StatementLine]:
    lines = [StatementLine("Contributions planned", partner["contributions"])]
    lines.append(StatementLine("Add: share of overspends", partner["overspend_share"]))
    if partner["cap_adjustment"]:
        lines.append(StatementLine("  of which moved by the caps", partner["cap_adjustment"]))
    lines.append(StatementLine("Less: share of underspends returned", -partner["underspend_share"]))
    lines.append(StatementLine("Less: share of underspends carried forward", -partner["carried_forward"]))
    if partner["own_variance"]:
        lines.append(StatementLine("Add: own variance on aligned schedules", partner["own_variance"]))
    if partner["outside_agreement"]:
        lines.append(StatementLine("Add: spend outside the agreement (borne by the host)",
                                   partner["outside_agreement"]))
    lines.append(StatementLine("Final share of spend", partner["final_share_of_spend"], strong=True))
    lines.append(StatementLine("Contributions received", partner["received"]))
    lines.append(StatementLine("Net payment (positive: the host pays the partner; negative: the partner pays "
                               "the host)", partner["net_payment"], strong=True))
    return lines


PDF_PARTNER_COLUMNS = ["contribution", "overspend_share", "underspend_share", "carried_forward", "other",
                       "share_of_spend"]


def _totals(rows: list[dict], keys: list[str]) -> list[int]:
    return [sum(row["own_variance"] + row["outside_agreement"] if key == "other" else row[key] for row in rows)
            for key in keys]


def settlement_pdf(*, run: SettlementRun) -> bytes:
    host = next(partner["name"] for partner in run.inputs["partners"] if partner["id"] == run.inputs["host"])
    html = render_to_string("settlement/statement_pdf.html", {
        "run": run,
        "agreement": run.agreement,
        "host": host,
        "partners": [(partner, _partner_lines(partner), _totals(partner["schedules"], PDF_PARTNER_COLUMNS))
                     for partner in run.results["partners"]],
        "schedules": run.results["schedules"],
        "schedule_totals": _totals(run.results["schedules"], [key for _, key in SCHEDULE_COLUMNS]),
        "payments": run.results["payments"],
        "approvals": list(run.approvals.select_related("party", "approved_by")) if run.pk else [],
        "generated_at": timezone.now(),
    })
    return HTML(string=html).write_pdf()
