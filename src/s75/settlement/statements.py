"""A settlement run's statements as files: an Excel workbook (a summary, the schedules, the payments, and one
sheet per partner, with totals as formulas) and a PDF (WeasyPrint) with one statement per partner.

Both are made from the run alone (its inputs and results), so a statement produced again is the one approved.
Every partner's figures add up as printed (DESIGN.md §6 step 6): final share of spend = contributions + share
of overspends − share of underspends, and net payment = received − final share of spend − carried forward; the
parts of a share ("of which") are printed apart from the lines that add up. Amounts are shown with negatives in
brackets, and what a net payment means is said in words: a partner "pays the host £64,981.55" or "is paid £… by
the host"; the host holds the pool, so its own net figure is no payment but what it bears or keeps itself.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from weasyprint import HTML

from s75.core.exports import POUNDS_FORMAT, Formula, append_row, header_row, pounds
from s75.core.money import format_gbp

from .models import SettlementRun
from .selectors import settlement_results

BOLD = Font(bold=True)
ITALIC = Font(italic=True)
CHECK_WORDS = ("net payments, plus carried forward, less unfunded overspend, less contingency reserve used, equal "
               "received less outturn")

PARTNER_COLUMNS = [
    ("Contributions planned", "contributions"),
    ("Share of overspends", "overspend_share"),
    ("of which moved by the caps", "cap_adjustment"),
    ("of which own overspend (aligned)", "own_overspend"),
    ("of which outside the agreement", "outside_agreement"),
    ("of which care recharged to it, its own", "recharged_own"),
    ("Share of underspends", "underspend_share"),
    ("of which own underspend (aligned)", "own_underspend"),
    ("Final share of spend", "final_share_of_spend"),
    ("Contributions received", "received"),
    ("of which billed by its recharges", "recharges_billed"),
    ("Carried forward (part of the share of underspends)", "carried_forward"),
    ("Net payment (in brackets: paid to the host)", "net_payment"),
]
SCHEDULE_LABELS = [("Schedule", "number"), ("Title", "title")]
SCHEDULE_COLUMNS = [
    ("Budget", "budget"), ("Outturn", "outturn"), ("Variance", "variance"),
    ("Outside the agreement", "outside_agreement"), ("Overspend shared", "overspend_to_share"),
    ("Underspend shared", "underspend_to_share"),
]
PARTNER_SCHEDULE_LABELS = [("Schedule", "number"), ("Title", "title"), ("Funding", "funding_type")]
PARTNER_SCHEDULE_COLUMNS = [
    ("Contribution", "contribution"), ("Share of overspend", "overspend_share"),
    ("Share of underspend", "underspend_share"), ("of which carried forward", "carried_forward"),
    ("Share of spend", "share_of_spend"),
]


def _table(sheet: Worksheet, first: Sequence[tuple[str, str]], columns: Sequence[tuple[str, str]],
           rows: Sequence[dict], words: Sequence[tuple[str, Callable[[dict], str]]] = ()) -> None:
    """Rows of labels then money under a header, with a total row of SUM formulas; then ``words``, columns of
    text that say what a row's figures mean."""
    header_row(sheet, [title for title, _ in (*first, *columns, *words)], numeric_from=len(first) + 1)
    for row in rows:
        append_row(sheet, [*(row[key] for _, key in first), *(pounds(row[key]) for _, key in columns),
                           *(say(row) for _, say in words)])
    last = sheet.max_row
    total = ["Total"] + [""] * (len(first) - 1)
    for index in range(len(first) + 1, len(first) + len(columns) + 1):
        letter = get_column_letter(index)
        total.append(Formula(f"=SUM({letter}2:{letter}{last})"))
    append_row(sheet, total)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for column in range(len(first) + 1, len(first) + len(columns) + 1):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = POUNDS_FORMAT
        sheet.column_dimensions[get_column_letter(column)].width = 16
    for column in range(len(first) + len(columns) + 1, len(first) + len(columns) + len(words) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 36
    sheet.column_dimensions["A"].width = 36


def _sheet_title(name: str, used: set[str]) -> str:
    title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28]
    while title in used:
        title = f"{title[:26]}-{len(used)}"
    used.add(title)
    return title


def payment_words(partner: dict) -> str:
    """A partner's net payment in words: ``pays the host £64,981.55``, ``is paid £1,234.56 by the host`` or ``no
    payment``; the host's is ``host: no payment``, because the host holds the pool and pays nothing to itself."""
    amount = format_gbp(abs(partner["net_payment"]), show_pence=True)
    if partner["is_host"]:
        return "host: no payment"
    if partner["net_payment"] < 0:
        return f"pays the host {amount}"
    if partner["net_payment"] > 0:
        return f"is paid {amount} by the host"
    return "no payment"


def host_position_words(partner: dict) -> str:
    """The host's net figure in words: what it bears or keeps itself, as the one holding the pool."""
    amount = format_gbp(abs(partner["net_payment"]), show_pence=True)
    held = f"{partner['name']} is the host and holds the pool, so it makes no payment to itself"
    if partner["net_payment"] < 0:
        return (f"{held}: its final share of spend and the part carried forward come to {amount} more than it has "
                "paid in, which it bears itself")
    if partner["net_payment"] > 0:
        return (f"{held}: it has paid in {amount} more than its final share of spend and the part carried forward, "
                "which it keeps")
    return f"{held}: what it has paid in equals its final share of spend and the part carried forward"


def _net_label(partner: dict) -> str:
    """The last line of a statement, which says in words what its figure (in brackets when negative) means."""
    if not partner["is_host"]:
        return f"Net payment: {payment_words(partner)}" if partner["net_payment"] else "Net payment: none"
    if partner["net_payment"] < 0:
        return "Borne by the host itself (no payment: the host holds the pool)"
    if partner["net_payment"] > 0:
        return "Kept by the host itself (no payment: the host holds the pool)"
    return "Net payment: none (the host holds the pool)"


@dataclass(frozen=True)
class StatementLine:
    label: str
    amount: int
    strong: bool = False
    part: bool = False  # "of which": a part of the line above, not added again


def statement_lines(partner: dict) -> list[StatementLine]:
    """A partner's statement in two sums: its final share of spend, then its net payment."""
    lines = [StatementLine("Contributions planned", partner["contributions"]),
             StatementLine("Add: share of overspends", partner["overspend_share"])]
    parts = [("of which moved by the caps", partner["cap_adjustment"]),
             ("of which own overspend on aligned schedules", partner["own_overspend"]),
             ("of which spend outside the agreement, borne by the host", partner["outside_agreement"]),
             ("of which care bought on its behalf and recharged to it, its own", partner["recharged_own"])]
    lines += [StatementLine(label, amount, part=True) for label, amount in parts if amount]
    lines.append(StatementLine("Less: share of underspends", -partner["underspend_share"]))
    parts = [("of which carried forward in the pool", -partner["carried_forward"]),
             ("of which own underspend on aligned schedules", -partner["own_underspend"])]
    lines += [StatementLine(label, amount, part=True) for label, amount in parts if amount]
    return [
        *lines,
        StatementLine("Final share of spend", partner["final_share_of_spend"], strong=True),
        StatementLine("Contributions received", partner["received"]),
        *([StatementLine("of which care recharged to it, billed by its monthly recharges",
                         partner["recharges_billed"], part=True)] if partner["recharges_billed"] else []),
        StatementLine("Less: final share of spend", -partner["final_share_of_spend"]),
        StatementLine("Less: carried forward, kept in the pool for next year", -partner["carried_forward"]),
        StatementLine(_net_label(partner), partner["net_payment"], strong=True),
    ]


def statement_schedule_lines(partner: dict) -> list[dict]:
    """The partner's lines by schedule, and the caps' moves as a line of their own, so that the lines add up to
    the partner's shares (the caps hold its overspend share for the year, not schedule by schedule)."""
    lines = list(partner["schedules"])
    if partner["cap_adjustment"]:
        lines.append({"number": "", "title": "Moved by the caps (risk-share terms)", "funding_type": "",
                      "contribution": 0, "overspend_share": partner["cap_adjustment"], "underspend_share": 0,
                      "carried_forward": 0, "share_of_spend": partner["cap_adjustment"]})
    return lines


def pool_check(results: dict) -> list[tuple[str, int]]:
    """The check of DESIGN.md §6 step 6, as its terms: the left side's, then the right side's."""
    check = results["check"]
    return [("Net payments", check["net_payments"]), ("Add: carried forward", check["carried_forward"]),
            ("Less: unfunded overspend", -results["unfunded_overspend"]),
            ("Less: contingency reserve used", -results["reserve_used"]),
            ("Received", check["received"]), ("Less: outturn", -check["outturn"])]


def settlement_workbook(*, run: SettlementRun) -> Workbook:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Partners"
    results = settlement_results(run=run)
    _table(summary, [("Partner", "name")], PARTNER_COLUMNS, results["partners"],
           words=[("Payment", lambda partner: capfirst(payment_words(partner)))])
    append_row(summary, [])
    append_row(summary, ["Contingency reserve used", pounds(results["reserve_used"])])
    append_row(summary, ["Unfunded overspend", pounds(results["unfunded_overspend"])])
    append_row(summary, [])
    append_row(summary, [f"{capfirst(host_position_words(partner))}." for partner in results["partners"]
                         if partner["is_host"]])
    append_row(summary, [])
    append_row(summary, [f"Check, the payments account for the whole pool: {CHECK_WORDS}"])
    summary.cell(summary.max_row, 1).font = BOLD
    for label, amount in pool_check(results):
        append_row(summary, [label, pounds(amount)])
    append_row(summary, ["The check", "holds to the penny" if results["check"]["holds"] else "DOES NOT HOLD"])
    for (cell,) in summary.iter_rows(min_row=len(results["partners"]) + 3, min_col=2, max_col=2):
        cell.number_format = POUNDS_FORMAT

    schedules = workbook.create_sheet("Schedules")
    _table(schedules, SCHEDULE_LABELS, SCHEDULE_COLUMNS, results["schedules"])

    payments = workbook.create_sheet("Payments")
    header_row(payments, ["Payer", "Payee", "Amount"], numeric_from=3)
    for payment in results["payments"]:
        append_row(payments, [payment["payer_name"], payment["payee_name"], pounds(payment["amount"])])
        payments.cell(payments.max_row, 3).number_format = POUNDS_FORMAT
    payments.column_dimensions["A"].width = payments.column_dimensions["B"].width = 36

    used = {"Partners", "Schedules", "Payments"}
    for partner in results["partners"]:
        sheet = workbook.create_sheet(_sheet_title(partner["name"], used))
        _table(sheet, PARTNER_SCHEDULE_LABELS, PARTNER_SCHEDULE_COLUMNS, statement_schedule_lines(partner))
        append_row(sheet, [])
        for line in statement_lines(partner):
            append_row(sheet, [f"    {line.label}" if line.part else line.label, "", "", pounds(line.amount)])
            sheet.cell(sheet.max_row, 4).number_format = POUNDS_FORMAT
            font = BOLD if line.strong else ITALIC if line.part else None
            if font is not None:
                sheet.cell(sheet.max_row, 1).font = sheet.cell(sheet.max_row, 4).font = font
    for sheet in workbook.worksheets:
        sheet.oddHeader.center.text = f"{run.agreement.title}: settlement {run.year_label}, version {run.version}"
    return workbook


def _totals(rows: list[dict], keys: list[str]) -> list[int]:
    return [sum(row[key] for row in rows) for key in keys]


def settlement_pdf(*, run: SettlementRun) -> bytes:
    host = next(partner["name"] for partner in run.inputs["partners"] if partner["id"] == run.inputs["host"])
    results = settlement_results(run=run)
    partner_keys = [key for _, key in PARTNER_SCHEDULE_COLUMNS]
    partners = []
    for partner in results["partners"]:
        lines = statement_schedule_lines(partner)
        partners.append((partner, lines, statement_lines(partner), _totals(lines, partner_keys)))
    html = render_to_string("settlement/statement_pdf.html", {
        "run": run,
        "results": results,
        "agreement": run.agreement,
        "host": host,
        "partners": partners,
        "schedules": results["schedules"],
        "schedule_totals": _totals(results["schedules"], [key for _, key in SCHEDULE_COLUMNS]),
        "payments": results["payments"],
        "pool_check": pool_check(results),
        "approvals": list(run.approvals.select_related("party", "approved_by")) if run.pk else [],
        "generated_at": timezone.now(),
    })
    return HTML(string=html).write_pdf()
