"""Reading general-ledger files as council finance systems export them, a row at a time.

CSV: UTF-8 with or without a byte-order mark, CRLF or LF line ends, comma, semicolon, tab or pipe between
fields. XLSX: the first worksheet, read in openpyxl's read-only (streaming) mode; numbers are read as Excel shows
them (15 significant digits), dates as dates. Rows are numbered as the finance officer sees them in the file or
in Excel: the first row is row 1.
"""

import csv
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

CSV = "csv"
XLSX = "xlsx"
DELIMITERS = ",;\t|"
HEADER_SEARCH_ROWS = 20  # a report title or a run date may sit above the headings
# The most columns a row of the headings may have: ledger exports carry a few dozen; a file with thousands is not one
# (and PostgreSQL's tables, which the import stages the cells in, hold at most 1,600).
MAX_COLUMNS = 500
OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how an .xls (a compound document) begins


class LedgerFileError(Exception):
    """The file cannot be read at all; the message says why and, where it can, at which row."""


@dataclass(frozen=True)
class FileFacts:
    sha256: str
    kind: str
    rows_estimate: int  # for progress only: lines in a CSV, the sheet's stated size in an XLSX


def file_facts(path: Path, filename: str = "") -> FileFacts:
    """The file's SHA-256, its kind and about how many rows it has, in one streaming pass."""
    digest = hashlib.sha256()
    newlines = nul_line = 0
    with open(path, "rb") as stream:
        chunk = first = stream.read(4)
        while chunk:
            digest.update(chunk)
            if not nul_line and (at := chunk.find(b"\0")) >= 0:
                nul_line = newlines + chunk.count(b"\n", 0, at) + 1
            newlines += chunk.count(b"\n")
            chunk = stream.read(1 << 20)
    if not first:
        raise LedgerFileError("the file is empty (0 bytes): export it again from the finance system")
    if first == OLD_EXCEL[:4]:
        raise LedgerFileError("the file is an old-style Excel workbook (.xls), which cannot be read: open it in "
                              "Excel and save it as an Excel workbook (.xlsx) or as CSV UTF-8")
    kind = XLSX if first == b"PK\x03\x04" else CSV
    if kind == CSV and Path(filename or path).suffix.lower() in {".xlsx", ".xlsm"}:
        raise LedgerFileError("the file is named as an Excel workbook but is not one: save it again as .xlsx")
    if kind == CSV and nul_line:
        raise LedgerFileError(f"line {nul_line:,} holds a zero byte (NUL), which is not text: export the file again "
                              "from the finance system as CSV UTF-8")
    estimate = newlines if kind == CSV else _xlsx_rows_estimate(path)
    return FileFacts(sha256=digest.hexdigest(), kind=kind, rows_estimate=estimate)


def _xlsx_rows_estimate(path: Path) -> int:
    try:
        with _workbook(path) as sheet:
            return sheet.max_row or 0
    except LedgerFileError:
        return 0


@contextmanager
def file_rows(path: Path, kind: str) -> Iterator[Iterator[tuple[int, list]]]:
    """The rows of the file as ``(row number, cells)``: cells are text, except dates in a workbook.

    A file that turns out not to be readable part-way raises :class:`LedgerFileError` from the ``with`` block.
    """
    if kind == XLSX:
        with _workbook(path) as sheet:
            yield _xlsx_rows(sheet)
        return
    with open(path, encoding="utf-8-sig", newline="") as stream:
        first_line = ""
        with suppress(UnicodeDecodeError):
            first_line = stream.readline()
        stream.seek(0)  # the utf-8-sig decoder starts again, and drops the byte-order mark again
        reader = csv.reader(stream, delimiter=_delimiter(first_line))
        try:
            yield enumerate(reader, start=1)
        except UnicodeDecodeError as exc:
            raise LedgerFileError(
                f"the file is not UTF-8 text (at line {_first_line_not_utf8(path)}): save it from the finance "
                f"system or Excel as 'CSV UTF-8'"
            ) from exc
        except csv.Error as exc:
            raise LedgerFileError(f"line {reader.line_num} cannot be read as CSV: {exc}") from exc


def _delimiter(first_line: str) -> str:
    return max(DELIMITERS, key=first_line.count) if first_line else ","


def _first_line_not_utf8(path: Path) -> int:
    """The number of the first line that is not UTF-8 (a character never spans a line break)."""
    with open(path, "rb") as stream:
        for number, line in enumerate(stream, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0


@contextmanager
def _workbook(path: Path):
    from openpyxl import load_workbook

    # Opened as a stream, so that a workbook is read whatever its name ends in (an upload waits under a name of
    # its own; openpyxl refuses a path not named .xlsx).
    with open(path, "rb") as stream:
        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises whatever it meets in a broken archive, of any type
            # Its words name parts of the archive; the finance officer needs to know what the file is.
            raise LedgerFileError(
                "the file is a compressed (zip) file but not an Excel workbook that can be read: save the ledger "
                "from Excel as an Excel workbook (.xlsx) or as CSV UTF-8") from exc
        try:
            if not workbook.worksheets:
                raise LedgerFileError("the workbook has no worksheet, only charts: put the ledger's rows on its first "
                                      "worksheet")
            yield workbook.worksheets[0]
        finally:
            workbook.close()


def _xlsx_rows(sheet) -> Iterator[tuple[int, list]]:
    # A workbook's stated size can be wrong (some systems write "A1"), and openpyxl stops at it: read every row.
    sheet.reset_dimensions()
    for row_number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield row_number, [_cell_text(value) for value in values]


def _cell_text(value) -> str | date:
    """A workbook cell as the finance officer sees it: numbers as Excel shows them, dates as dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel keeps 15 significant digits; the float's further digits are binary noise, not pennies.
        return format(Decimal(format(value, ".15g")), "f")
    return str(value)


@dataclass(frozen=True)
class HeaderRow:
    row_number: int
    headings: list[str]
    missing: list[str]  # wanted headings this row lacks; empty when it has them all


def header_row(rows: Iterator[tuple[int, list]], wanted: list[str]) -> HeaderRow | None:
    """The first row (within the first few) that holds every wanted heading; failing that, the row that holds
    the most of them, with those it lacks; ``None`` when no row holds any."""
    wanted_keys = {heading_key(heading): heading for heading in wanted}
    best: HeaderRow | None = None
    for row_number, cells in rows:
        if len(cells) > MAX_COLUMNS:
            raise LedgerFileError(f"row {row_number} has {len(cells):,} columns, more than any ledger export "
                                  f"({MAX_COLUMNS} at most): check that this is the general ledger")
        headings = [str(cell) for cell in cells]
        keys = {heading_key(heading) for heading in headings}
        missing = [heading for key, heading in wanted_keys.items() if key not in keys]
        if not missing:
            return HeaderRow(row_number, headings, [])
        if len(missing) < len(wanted_keys) and (best is None or len(missing) < len(best.missing)):
            best = HeaderRow(row_number, headings, missing)
        if row_number >= HEADER_SEARCH_ROWS:
            break
    return best


def heading_key(heading: str) -> str:
    """Headings match whatever their case and spacing: ``Cost Centre`` is ``cost  centre``."""
    return " ".join(str(heading).split()).casefold()


@dataclass(frozen=True)
class CsvBody:
    """Where the rows below the headings start in a CSV, for a database to read the rest of the file itself."""

    offset: int  # in bytes
    delimiter: str


def csv_body(path: Path, header: HeaderRow) -> CsvBody | None:
    """The rows below ``header`` (found by :func:`file_rows`), when each row down to it is one line of the file
    ending in a line feed; ``None`` otherwise (a quoted line break above the headings, old Mac line ends)."""
    with open(path, "rb") as stream:
        lines = [stream.readline() for _ in range(header.row_number)]
    if not lines[-1].endswith(b"\n"):
        return None
    try:
        text = b"".join(lines).decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    delimiter = _delimiter(text.partition("\n")[0])
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if len(records) != header.row_number or records[-1] != header.headings:
        return None
    return CsvBody(offset=sum(map(len, lines)), delimiter=delimiter)
