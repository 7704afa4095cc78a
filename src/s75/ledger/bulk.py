"""The bulk path of a general-ledger import: the file staged in a temporary table, then posted in a few
statements however long the file. Whoever reads the rows checks them:

- A plain CSV on PostgreSQL goes to the server as it is (``COPY``), without Python reading its rows; its cells are
  staged as text (:data:`CELLS`) and checked there in one set-based statement (:meth:`Stage.vouch`) that converts
  the rows it can vouch for into :data:`ROWS`. The checks that need the fund's rules run in Python once per
  distinct posting date and cost centre (a year has 365 dates, a fund a few hundred cost centres), and their
  answers join the cells; amounts written plainly (``1234.56``, ``-12``) are converted in SQL. A row the statement
  cannot vouch for (a date or cost centre that does not map, an amount in another form or zero, a text too long, a
  blank id) is read back and checked by the row checker of ``importing``, which says what is wrong or converts it.
- Any other file (every file on SQLite, a workbook, a CSV the server would read otherwise than Python's csv
  module) passes through Python row by row anyway: the row checker checks each row as it goes.

Either way the good rows are staged converted in :data:`ROWS` (by ``COPY`` on PostgreSQL, psycopg 3, and
``executemany`` on SQLite), and from there finding repeated and already posted source line ids, the totals and
the posting are the same statements on both databases.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import psycopg
from django.db import connection, transaction

CELLS = "s75_import_cells"
DATES = "s75_import_dates"
CENTRES = "s75_import_centres"
ROWS = "s75_import_rows"
POSTED = "s75_import_posted"
TABLES = (CELLS, DATES, CENTRES, ROWS, POSTED)
# Where the source line ids a fund holds are, one row each: on PostgreSQL the lines are partitioned by year, whose
# unique indexes must hold the year, so the ids are kept once per fund in a table of their own (ledger 0010).
SOURCE_IDS = {"postgresql": "ledger_linesource", "sqlite": "ledger_journalline"}
ROW_COLUMNS = (
    "row_number", "period_id", "account_id", "posting_date", "cost_centre", "subjective", "description",
    "amount_pence", "source_line_id",
)
SQLITE_CHUNK = 20_000  # rows per write transaction, so other writers get a turn while a big file is staged
# SQLite's page cache while an import runs, in KiB: the lines table's indexes stay in memory as a million lines go in.
SQLITE_CACHE_KIB = 200_000
# What Python's str.strip() strips, so that the database trims text exactly as the row checker does.
WHITESPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())


def _plain_amount(cell: str) -> str:
    """Pence from a cell written like ``1234.56`` or ``-12`` (``parse_pence``'s fast path); NULL for any other form.

    What is left of the cell without its digits tells its form: a regular expression would take four times longer.
    """
    return (f"CASE translate({cell}, '0123456789', '') "
            f"WHEN '' THEN CASE WHEN length({cell}) BETWEEN 1 AND 15 THEN {cell}::bigint * 100 END "
            f"WHEN '-' THEN CASE WHEN left({cell}, 1) = '-' AND length({cell}) BETWEEN 2 AND 16 "
            f"THEN {cell}::bigint * 100 END "
            f"WHEN '.' THEN CASE WHEN substr({cell}, length({cell}) - 2, 1) = '.' AND length({cell}) BETWEEN 4 AND 18 "
            f"THEN replace({cell}, '.', '')::bigint END "
            f"WHEN '-.' THEN CASE WHEN left({cell}, 1) = '-' AND substr({cell}, length({cell}) - 2, 1) = '.' "
            f"AND length({cell}) BETWEEN 5 AND 19 THEN replace({cell}, '.', '')::bigint END END")


@dataclass(frozen=True)
class Columns:
    """Where each field is among the staged cells (0 is the file's first column); ``None`` when not mapped."""

    posting_date: int
    cost_centre: int
    amount: int | None
    debit: int | None
    credit: int | None
    subjective: int | None
    description: int | None
    source_line_id: int | None


_CREATE_ROWS = {
    "postgresql": f"""
        CREATE TEMPORARY TABLE {ROWS} (
            row_number integer NOT NULL, period_id bigint NOT NULL, account_id bigint NOT NULL,
            posting_date date NOT NULL, cost_centre text NOT NULL, subjective text NOT NULL,
            description text NOT NULL, amount_pence bigint NOT NULL, source_line_id text
        )""",
    "sqlite": f"""
        CREATE TEMPORARY TABLE {ROWS} (
            row_number INTEGER NOT NULL, period_id INTEGER NOT NULL, account_id INTEGER NOT NULL,
            posting_date TEXT NOT NULL, cost_centre TEXT NOT NULL, subjective TEXT NOT NULL,
            description TEXT NOT NULL, amount_pence INTEGER NOT NULL, source_line_id TEXT
        )""",
}


class NotPlain(Exception):
    """The CSV is not one PostgreSQL reads as Python's csv module does: stage it row by row instead."""


class Stage:
    """Temporary tables of one import on this connection, dropped on leaving the ``with`` block."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        if self.vendor not in _CREATE_ROWS:
            raise NotImplementedError(f"general-ledger imports need PostgreSQL or SQLite, not {self.vendor}")
        self.width = 0
        self.columns: Columns | None = None
        self.limits: dict[str, int] = {}
        self.has_posted_rows = False
        self._cache_size = None

    def __enter__(self) -> "Stage":
        self._drop()
        with connection.cursor() as cursor:
            cursor.execute(_CREATE_ROWS[self.vendor])
            cursor.execute(f"CREATE TEMPORARY TABLE {POSTED} (row_number bigint PRIMARY KEY)")
        if self.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self._cache_size = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        return self

    def __exit__(self, *exc_info) -> None:
        if connection.connection is not None and not connection.needs_rollback:
            self._drop()
            if self._cache_size is not None:
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA cache_size = {int(self._cache_size)}")

    def _drop(self) -> None:
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def create_cells(self, *, width: int, columns: Columns, limits: dict[str, int]) -> None:
        """The tables for the cells of a file of ``width`` columns; ``limits`` are the most characters of each text
        field."""
        self.width, self.columns, self.limits = width, columns, limits
        cells = ", ".join(f"c{index} text NOT NULL" for index in range(width))
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {CELLS} (row_number bigint GENERATED BY DEFAULT AS IDENTITY, "
                           f"{cells})")
            cursor.execute(f"CREATE TEMPORARY TABLE {DATES} (cell text PRIMARY KEY, posting_date date NOT NULL, "
                           "period_id bigint NOT NULL)")
            cursor.execute(f"CREATE TEMPORARY TABLE {CENTRES} (cell text PRIMARY KEY, code text NOT NULL, "
                           "account_id bigint NOT NULL)")

    # Staging --------------------------------------------------------------------------------------------------

    def copy_csv(self, path: Path, *, offset: int, delimiter: str, first_row: int, lines_per_block: int,
                 progress: Callable[[int], None]) -> None:
        """PostgreSQL: the file from byte ``offset`` on, read by the server as CSV; rows numbered from
        ``first_row``. :class:`NotPlain` (nothing staged) when the server cannot read it as one table."""
        names = ", ".join(f"c{index}" for index in range(self.width))
        try:
            with transaction.atomic():
                connection.ensure_connection()
                with connection.connection.cursor() as cursor:
                    cursor.execute(f"ALTER TABLE {CELLS} ALTER COLUMN row_number RESTART WITH {int(first_row)}")
                    with cursor.copy(
                        f"COPY {CELLS} ({names}) FROM STDIN (FORMAT csv, DELIMITER '{delimiter}', "
                        f"FORCE_NOT_NULL ({names}))"
                    ) as copy, open(path, "rb") as stream:
                        stream.seek(offset)
                        lines = 0
                        while block := list(islice(stream, lines_per_block)):
                            data = b"".join(block)
                            if b"\\." in data:  # ends the data in COPY's CSV: let Python read this file
                                raise NotPlain
                            copy.write(data)
                            lines += len(block)
                            progress(lines)
        except psycopg.DataError as exc:  # a ragged row, a stray quote, a byte that is not UTF-8
            raise NotPlain from exc

    def load(self, rows: Iterable[tuple]) -> None:
        """Stage checked rows of :data:`ROW_COLUMNS`, streaming: ``rows`` may be a generator over a file of any
        size."""
        if self.vendor == "postgresql":
            self._copy(rows)
        else:
            self._executemany(rows)

    def _copy(self, rows: Iterable[tuple]) -> None:
        # In a transaction (or a savepoint) of its own, so that a file found unreadable part-way through, which
        # ends the COPY, leaves the connection usable to record the rejection.
        with transaction.atomic():
            connection.ensure_connection()
            with connection.connection.cursor() as cursor, cursor.copy(
                f"COPY {ROWS} ({', '.join(ROW_COLUMNS)}) FROM STDIN"
            ) as copy:
                write = copy.write
                for block in _text_blocks(rows):
                    write(block)

    def _executemany(self, rows: Iterable[tuple]) -> None:
        connection.ensure_connection()
        insert = f"INSERT INTO {ROWS} ({', '.join(ROW_COLUMNS)}) VALUES ({', '.join('?' * len(ROW_COLUMNS))})"  # noqa: S608
        rows = iter(rows)
        while True:
            with transaction.atomic():
                before = connection.connection.total_changes
                connection.connection.executemany(insert, islice(rows, SQLITE_CHUNK))
                if connection.connection.total_changes - before < SQLITE_CHUNK:
                    return

    # Checking -------------------------------------------------------------------------------------------------

    def distinct(self, column: int) -> list[str]:
        """The different values of a column, to be checked once each."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT c{int(column)} FROM {CELLS}")  # noqa: S608
            return [value for (value,) in cursor.fetchall()]

    def map_dates(self, rows: list[tuple[str, str, int]]) -> None:
        """``(cell, ISO date, period id)`` for each posting date that is good."""
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {DATES} VALUES (%s, %s, %s)", rows)  # noqa: S608

    def map_centres(self, rows: list[tuple[str, str, int]]) -> None:
        """``(cell, cost centre, expenditure account id)`` for each cost centre that maps to an account."""
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {CENTRES} VALUES (%s, %s, %s)", rows)  # noqa: S608

    def _trimmed(self, column: int | None, *, null: str = "''") -> str:
        """The cell without the whitespace at its ends; ``null`` when the field is not mapped.

        ``btrim`` with a set of characters takes its multibyte path in a UTF-8 database, three times the cost of
        reading the cell: a cell that begins and ends with a printable ASCII character, as nearly all do, is kept
        as it is without calling it.
        """
        if column is None:
            return null
        cell = f"s.c{int(column)}"
        return (f"CASE WHEN ascii({cell}) BETWEEN 33 AND 126 AND ascii(right({cell}, 1)) BETWEEN 33 AND 126 "
                f"THEN {cell} ELSE btrim({cell}, '{WHITESPACE}') END")

    def _amount(self) -> str:
        """The row's pence when its amount (or debit and credit) is written plainly; NULL otherwise."""
        columns = self.columns
        if columns.amount is not None:
            return _plain_amount(f"s.c{columns.amount}")
        debit, credit = self._trimmed(columns.debit), self._trimmed(columns.credit)
        return (f"CASE WHEN {debit} = '' AND {credit} = '' THEN NULL ELSE "
                f"(CASE WHEN {debit} = '' THEN 0 ELSE {_plain_amount(debit)} END) - "
                f"(CASE WHEN {credit} = '' THEN 0 ELSE {_plain_amount(credit)} END) END")

    def vouch(self) -> tuple[int, int]:
        """Convert the cells of the rows the set-based checks vouch for into :data:`ROWS` (one statement); how many
        rows there are, and how many of them are left to :meth:`doubtful_rows`."""
        columns, limits = self.columns, self.limits
        good = ["amount_pence <> 0"]
        for name in ("subjective", "description", "source_line_id"):
            if getattr(columns, name) is not None:
                good.append(f"length({name}) <= {int(limits[name])}")
        if columns.source_line_id is not None:
            good.append("source_line_id <> ''")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {CELLS}")  # noqa: S608 - names and numbers only
            rows = cursor.fetchone()[0]
            cursor.execute(f"""
                INSERT INTO {ROWS} ({', '.join(ROW_COLUMNS)})
                SELECT {', '.join(ROW_COLUMNS)}
                  FROM (SELECT s.row_number, d.period_id, c.account_id, d.posting_date, c.code AS cost_centre,
                               {self._trimmed(columns.subjective)} AS subjective,
                               {self._trimmed(columns.description)} AS description,
                               {self._amount()} AS amount_pence,
                               {self._trimmed(columns.source_line_id, null="NULL")} AS source_line_id
                          FROM {CELLS} s
                          JOIN {DATES} d ON d.cell = s.c{columns.posting_date}
                          JOIN {CENTRES} c ON c.cell = s.c{columns.cost_centre}
                        OFFSET 0) r
                 WHERE {' AND '.join(good)}""")  # noqa: S608 - the OFFSET has each expression worked out once
            return rows, rows - cursor.rowcount

    def doubtful_rows(self) -> Iterator[list[tuple[int, list[str]]]]:
        """``(row number, cells)`` of the rows :meth:`vouch` left, in the file's order: a blank row, a date or cost
        centre that does not map, an amount not written plainly or zero, a text too long, a blank source line id.

        In batches, read before each is yielded, so that a batch's good rows can be staged (by a ``COPY``, which
        holds the connection) before the next batch is read."""
        names = ", ".join(f"s.c{index}" for index in range(self.width))
        with connection.cursor() as cursor:
            cursor.execute(f"""
                SELECT s.row_number, {names} FROM {CELLS} s
                 WHERE NOT EXISTS (SELECT 1 FROM {ROWS} r WHERE r.row_number = s.row_number)
                 ORDER BY s.row_number""")  # noqa: S608 - names and numbers only
            while batch := cursor.fetchmany(10_000):
                yield [(row_number, cells) for row_number, *cells in batch]

    # Posting --------------------------------------------------------------------------------------------------

    def _new_rows(self) -> str:
        if not self.has_posted_rows:
            return ""
        return f"WHERE NOT EXISTS (SELECT 1 FROM {POSTED} p WHERE p.row_number = s.row_number)"  # noqa: S608

    def repeated_source_ids(self) -> list[tuple[int, str, int]]:
        """Rows whose source line id an earlier row of the file has: ``(row, id, the earlier row)``."""
        with connection.cursor() as cursor:
            cursor.execute(f"""
                SELECT s.row_number, s.source_line_id, r.first_row
                  FROM {ROWS} s
                  JOIN (SELECT source_line_id, MIN(row_number) AS first_row FROM {ROWS}
                         WHERE source_line_id IS NOT NULL GROUP BY source_line_id HAVING COUNT(*) > 1) r
                    ON r.source_line_id = s.source_line_id
                 WHERE s.row_number <> r.first_row
                 ORDER BY s.row_number""")  # noqa: S608 - table names are constants
            return cursor.fetchall()

    def mark_already_posted(self, *, fund_id: int) -> int:
        """Note the rows whose source line id the fund's ledger already holds; how many there are.

        Only the fund's ids between the file's least and greatest are looked at, a range of the (fund, source line
        id) index: a general ledger numbers its lines as it goes, so a new month's ids mostly lie beyond every id
        posted before, and a fund of ten million lines is not read whole to find that none of them is in the file.
        """
        held = SOURCE_IDS[self.vendor]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {POSTED}")  # noqa: S608
            cursor.execute(f"SELECT MIN(source_line_id), MAX(source_line_id) FROM {ROWS}")  # noqa: S608
            least, greatest = cursor.fetchone()
            # Ordered as the index is, so that the planner walks the range rather than the table (which it would
            # otherwise expect to find an id of the fund's in soon, not knowing that the fund's ids lie elsewhere).
            cursor.execute(f"SELECT 1 FROM {held} WHERE fund_id = %s AND source_line_id IS NOT NULL "  # noqa: S608
                           "AND source_line_id BETWEEN %s AND %s ORDER BY fund_id, source_line_id LIMIT 1",
                           [fund_id, least, greatest])
            if least is not None and cursor.fetchone() is not None:  # else none of the file's ids can be held
                cursor.execute(f"""
                    INSERT INTO {POSTED} (row_number)
                    SELECT s.row_number FROM {ROWS} s
                      JOIN {held} l ON l.fund_id = %s AND l.source_line_id = s.source_line_id
                     WHERE l.source_line_id IS NOT NULL AND l.source_line_id BETWEEN %s AND %s""",  # noqa: S608
                               [fund_id, least, greatest])
            cursor.execute(f"SELECT COUNT(*) FROM {POSTED}")  # noqa: S608
            count = cursor.fetchone()[0]
        self.has_posted_rows = count > 0
        return count

    def totals(self) -> list[tuple[int, int, int, int]]:
        """``(period id, account id, rows, pence)`` of the rows still to post."""
        with connection.cursor() as cursor:
            cursor.execute(f"""
                SELECT s.period_id, s.account_id, COUNT(*), SUM(s.amount_pence)
                  FROM {ROWS} s {self._new_rows()}
                 GROUP BY s.period_id, s.account_id""")  # noqa: S608
            return [(period, account, rows, int(pence)) for period, account, rows, pence in cursor.fetchall()]

    def post(self, *, fund_id: int, entry_for_period: dict[int, int], year_for_period: dict[int, int]) -> int:
        """Insert the rows still to post as lines of the entry made for their period, in its year (one
        statement)."""
        if not entry_for_period:
            return 0
        whens = " ".join("WHEN %s THEN %s" for _ in entry_for_period)
        entries = [value for pair in entry_for_period.items() for value in pair]
        years = [value for period in entry_for_period for value in (period, year_for_period[period])]
        with connection.cursor() as cursor:
            cursor.execute(f"""
                INSERT INTO ledger_journalline
                       (entry_id, fund_id, period_id, financial_year, account_id, amount_pence, posting_date,
                        cost_centre, subjective, description, source_line_id)
                SELECT CASE s.period_id {whens} END, %s, s.period_id, CASE s.period_id {whens} END, s.account_id,
                       s.amount_pence, s.posting_date, s.cost_centre, s.subjective, s.description, s.source_line_id
                  FROM {ROWS} s {self._new_rows()}""", [*entries, fund_id, *years])  # noqa: S608
            return cursor.rowcount


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_LINE = "\t".join(["%d", "%d", "%d", "%s", "%s", "%s", "%s", "%d", "%s"])  # ROW_COLUMNS, as COPY text


def _text_blocks(rows: Iterable[tuple], lines_per_block: int = 5_000) -> Iterator[str]:
    """Rows of :data:`ROW_COLUMNS` as PostgreSQL ``COPY`` text, a block of lines at a time.

    Most lines need no escaping: each is formatted whole and checked once; a line with a tab, a line break or a
    backslash in its text is escaped field by field. A missing source line id is ``\\N``.
    """
    block: list[str] = []
    append = block.append
    for row in rows:
        line = _LINE % row
        if line.count("\t") != 8 or "\\" in line or "\n" in line or "\r" in line:
            line = "\t".join(value.translate(_ESCAPES) if value.__class__ is str else str(value) for value in row)
        if row[8] is None:
            line = line[:-4] + "\\N"  # "None"
        append(line)
        if len(block) >= lines_per_block:
            yield "\n".join(block) + "\n"
            block.clear()
    if block:
        yield "\n".join(block) + "\n"
