"""Excel downloads: plain tables with a frozen bold header, money as exact numbers of pounds, and the response.

Money is written as numbers in pounds, exactly (``Decimal(pence) / 100``, or whole pounds as ``int``), so a finance
officer can add them up; their number formats show a negative in brackets, as every page and PDF does.
"""

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .money import PENCE_PER_POUND

# Excel's number formats for money: the cells stay numbers; a negative shows in brackets, never with a minus sign.
POUNDS_FORMAT = "#,##0.00;(#,##0.00)"
GBP_FORMAT = '"£"#,##0.00;("£"#,##0.00)'
GBP_AXIS_FORMAT = '"£"#,##0;("£"#,##0)'
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)


def pounds(pence: int) -> int | Decimal:
    """The exact number of pounds: an ``int`` when whole, else a ``Decimal`` with two places."""
    if pence % PENCE_PER_POUND == 0:
        return pence // PENCE_PER_POUND
    return Decimal(pence) / PENCE_PER_POUND


# Text beginning with one of these would be read by a spreadsheet as a formula (or, after an edit, turned into one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(cell, text: str) -> None:
    """Put user-given ``text`` in ``cell`` as text that cannot run: a string cell, marked as typed with a leading
    apostrophe when it would otherwise be a formula, so that the text itself stays exactly as given."""
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def header_row(sheet: Worksheet, headers: Sequence[str], numeric_from: int | None = None) -> None:
    sheet.append(list(headers))
    for column, cell in enumerate(sheet[1], start=1):
        cell.font = BOLD
        if numeric_from is not None and column >= numeric_from:
            cell.alignment = Alignment(horizontal="right", wrap_text=True)
    sheet.freeze_panes = "A2"


def table_workbook(*, title: str, headers: Sequence[str], rows: Iterable[Sequence],
                   money_columns: Collection[int] = (), totals: Sequence | None = None) -> Workbook:
    """A plain table on one sheet, with a bold frozen header, dates shown as dates, the ``money_columns`` (counted
    from 1) shown as pounds, and ``totals``, when given, as a bold last row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    header_row(sheet, headers)
    for row in rows:
        sheet.append(list(row))
    if totals is not None:
        sheet.append(list(totals))
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column in money_columns:
                cell.number_format = POUNDS_FORMAT
            elif isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, str):
                text_cell(cell, cell.value)
    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(12, min(40, len(header) + 4))
    return workbook


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
