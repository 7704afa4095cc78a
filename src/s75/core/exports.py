"""Excel and CSV downloads: plain tables with a frozen bold header, money as exact numbers of pounds, and the
response.

Money is written as numbers in pounds, exactly (``Decimal(pence) / 100``, or whole pounds as ``int``), so a finance
officer can add them up; their number formats show a negative in brackets, as every page and PDF does.

Every export writes its cells through ``put``, ``append_row`` or ``csv_writer``: text that a spreadsheet would run as
a formula (it begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written as text that cannot run.
Only a ``Formula``, which s75 writes itself (a total), is written as a formula.
"""

import csv
import re
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
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


class Formula(str):
    """A formula s75 writes itself, such as ``=SUM(C2:C9)``: the one kind of text written as a formula."""


def _runs(value) -> bool:
    return isinstance(value, str) and not isinstance(value, Formula) and value.startswith(FORMULA_STARTS)


def put(cell: Cell, value) -> Cell:
    """Put ``value`` in ``cell``; text that would run as a formula becomes a string cell marked as typed (a leading
    apostrophe, which the cell does not hold), so that the text stays exactly as given and never runs."""
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # a workbook cannot hold them: shown as �, never a failure
    cell.value = value
    if _runs(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def append_row(sheet: Worksheet, values: Iterable) -> None:
    """Append ``values`` to ``sheet`` (an ordinary or a write-only sheet) as a row, as ``put`` writes them."""
    # The row and column given to a cell are placeholders: the sheet sets them as it appends the row.
    sheet.append([put(Cell(sheet, row=1, column=1), value)
                  if _runs(value) or isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value) else value
                  for value in values])


def csv_writer(file):
    """A ``csv.writer`` on ``file`` whose rows are written as ``put`` writes cells: text that a spreadsheet would run
    as a formula gets a leading apostrophe, as OWASP advises, since a CSV file cannot mark a cell as text. A plain
    number (``-12.50``) is left as it is: a spreadsheet reads it as the number it is, and runs nothing."""
    return _DefusedWriter(csv.writer(file))


PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


class _DefusedWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, values: Iterable):
        return self._writer.writerow(["'" + value if _runs(value) and not PLAIN_NUMBER.fullmatch(value) else value
                                      for value in values])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for values in rows:
            self.writerow(values)


def header_row(sheet: Worksheet, headers: Sequence[str], numeric_from: int | None = None) -> None:
    append_row(sheet, headers)
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
        append_row(sheet, row)
    if totals is not None:
        append_row(sheet, totals)
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
    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(12, min(40, len(header) + 4))
    return workbook


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
