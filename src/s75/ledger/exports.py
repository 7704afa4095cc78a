"""A fund's ledger as files: the trial balance and the expenditure by schedule and month as Excel workbooks whose
totals are formulas, and the lines behind any balance as CSV or Excel. Money is exact pounds (``core.exports``);
the CSV writes it as plain numbers. A listing of lines ends with their totals: debits, credits and the net."""

from collections.abc import Iterator

from django.db.models import QuerySet
from openpyxl import Workbook

from s75.core.exports import Formula, append_row, csv_writer, pounds, table_workbook
from s75.core.fiscal import FinancialYear
from s75.core.money import format_plain

from .models import Fund, JournalEntry, JournalLine
from .selectors import LineTotals, expenditure_by_month, ledger_lines_totals, trial_balance

MONTH_LABELS = [f"M{month:02d}" for month in range(1, 13)]
LINE_HEADERS = ["Period", "Posting date", "Entry", "Kind", "Account code", "Account", "Schedule", "Partner",
                "Cost centre", "Subjective", "Description", "Debit", "Credit"]
CHUNK = 5000  # lines read from the database at a time


def trial_balance_workbook(*, fund: Fund, year: FinancialYear) -> Workbook:
    """Every account's balance for the year as a debit or a credit, and their totals."""
    balances = trial_balance(fund=fund, year=year)
    last = len(balances) + 1
    workbook = table_workbook(
        title=f"Trial balance {year.label}",
        headers=["Code", "Account", "Debit", "Credit"],
        rows=[[account.code, account.name, pounds(amount) if amount > 0 else None,
               pounds(-amount) if amount < 0 else None] for account, amount in balances],
        money_columns=(3, 4),
        totals=["", "Total", Formula(f"=SUM(C2:C{last})") if balances else 0,
                Formula(f"=SUM(D2:D{last})") if balances else 0],
    )
    workbook.active.column_dimensions["B"].width = 50
    return workbook


def expenditure_workbook(*, fund: Fund, year: FinancialYear) -> Workbook:
    """Each schedule's spend in each month of the year, with a total for each schedule and each month."""
    spend = expenditure_by_month(fund=fund, year=year)
    last = len(spend) + 1
    workbook = table_workbook(
        title=f"Expenditure {year.label}",
        headers=["No.", "Schedule", *MONTH_LABELS, "Total"],
        rows=[[account.schedule.number, account.schedule.title, *[pounds(amount) for amount in amounts],
               Formula(f"=SUM(C{row}:N{row})")] for row, (account, amounts) in enumerate(spend, start=2)],
        money_columns=range(3, 16),
        totals=["", "Total", *[Formula(f"=SUM({column}2:{column}{last})") if spend else 0
                               for column in "CDEFGHIJKLMNO"]],
    )
    workbook.active.column_dimensions["B"].width = 40
    return workbook


def ledger_lines_csv(*, lines: QuerySet[JournalLine]) -> Iterator[str]:
    """The lines as CSV text, a row at a time (with a byte-order mark, so that Excel reads it as UTF-8), then
    their totals."""
    writer = csv_writer(_Echo())
    kinds = _entry_kinds()
    yield "\ufeff" + writer.writerow(LINE_HEADERS)
    for values in _line_values(lines).iterator(chunk_size=CHUNK):
        cells = _line_cells(values, kinds)
        yield writer.writerow([*cells[:-2], *("" if cell is None else format_plain(cell) for cell in cells[-2:])])
    for cells in _totals_rows(ledger_lines_totals(lines=lines), "Total"):
        yield writer.writerow([*cells[:-2], *("" if cell is None else format_plain(cell) for cell in cells[-2:])])


def ledger_lines_workbook(*, lines: QuerySet[JournalLine], limit: int) -> Workbook:
    """The first ``limit`` lines on one sheet, headed by a note of how many there are when there are more, then
    the totals of every line of the listing."""
    count = lines.count()
    kinds = _entry_kinds()
    # Write-only: the rows go to the file as they are read, so a large listing never sits in memory as cells.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Ledger lines")
    if count > limit:
        append_row(sheet, [f"The filtered listing has {count:,} lines; this file holds the first {limit:,}. Narrow the "
                      "filters (a period, a schedule) to export the rest, or download every line as CSV."])
    append_row(sheet, LINE_HEADERS)
    for values in _line_values(lines)[:limit].iterator(chunk_size=CHUNK):
        cells = _line_cells(values, kinds)
        append_row(sheet, [*cells[:-2], *(None if cell is None else pounds(cell) for cell in cells[-2:])])
    totals = ledger_lines_totals(lines=lines)
    for cells in _totals_rows(totals, "Total" if count <= limit else f"Total of all {count:,} lines"):
        append_row(sheet, [*cells[:-2], *(None if cell is None else pounds(cell) for cell in cells[-2:])])
    return workbook


def _totals_rows(totals: LineTotals, label: str) -> list[list]:
    """The totals as rows of the listing: the debits and the credits, then the net as a debit or a credit; the
    last two cells in pence (or None)."""
    blank = [""] * (len(LINE_HEADERS) - 3)
    return [
        [label, *blank, totals.debit_pence, totals.credit_pence],
        [totals.net_label, *blank, totals.net_debit_pence, totals.net_credit_pence],
    ]


class _Echo:
    """A file that hands back what is written, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def _entry_kinds() -> dict[str, str]:
    return dict(JournalEntry._meta.get_field("kind").choices)


def _line_values(lines: QuerySet[JournalLine]) -> QuerySet:
    return lines.values_list(
        "period__financial_year", "period__number", "posting_date", "entry_id", "entry__kind", "account__code",
        "account__name", "account__schedule__title", "account__party__name_in_agreement", "cost_centre",
        "subjective", "description", "amount_pence",
    )


def _line_cells(values: tuple, kinds: dict[str, str]) -> list:
    """One line as the downloads show it; the last two cells are the debit and the credit in pence (or None)."""
    (year, month, posting_date, entry_id, kind, code, name, schedule, party, cost_centre, subjective, description,
     amount) = values
    return [
        f"{FinancialYear(year).label}/M{month:02d}", posting_date, entry_id, kinds.get(kind, kind), code, name,
        schedule or "", party or "", cost_centre, subjective, description,
        amount if amount > 0 else None, -amount if amount < 0 else None,
    ]
