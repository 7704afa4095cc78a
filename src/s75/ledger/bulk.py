"""The bulk path of a general-ledger import: checked rows staged in a temporary table, then posted in set-based
statements. The one place that differs by database: rows go in by ``COPY`` on PostgreSQL (psycopg 3) and by
``executemany`` on SQLite; everything after that is the same SQL on both.

Staging first means the rows already in the fund (by source line id) are known before any entry is made, so
every entry gets its lines, and the posting itself is three statements however long the file.
"""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection, transaction

STAGE = "s75_import_stage"
POSTED = "s75_import_posted"
COLUMNS = (
    "row_number", "period_id", "account_id", "posting_date", "cost_centre", "subjective", "description",
    "amount_pence", "source_line_id",
)
SQLITE_CHUNK = 20_000  # rows per write transaction, so other writers get a turn while a big file is staged

_CREATE = {
    "postgresql": f"""
        CREATE TEMPORARY TABLE {STAGE} (
            row_number integer NOT NULL, period_id bigint NOT NULL, account_id bigint NOT NULL,
            posting_date date NOT NULL, cost_centre text NOT NULL, subjective text NOT NULL,
            description text NOT NULL, amount_pence bigint NOT NULL, source_line_id text
        )""",
    "sqlite": f"""
        CREATE TEMPORARY TABLE {STAGE} (
            row_number INTEGER NOT NULL, period_id INTEGER NOT NULL, account_id INTEGER NOT NULL,
            posting_date TEXT NOT NULL, cost_centre TEXT NOT NULL, subjective TEXT NOT NULL,
            description TEXT NOT NULL, amount_pence INTEGER NOT NULL, source_line_id TEXT
        )""",
}


class Stage:
    """A temporary table of checked rows on this connection, dropped on leaving the ``with`` block."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        if self.vendor not in _CREATE:
            raise NotImplementedError(f"general-ledger imports need PostgreSQL or SQLite, not {self.vendor}")
        self.has_posted_rows = False

    def __enter__(self) -> "Stage":
        self._drop()
        with connection.cursor() as cursor:
            cursor.execute(_CREATE[self.vendor])
            cursor.execute(f"CREATE TEMPORARY TABLE {POSTED} (row_number integer PRIMARY KEY)")
        return self

    def __exit__(self, *exc_info) -> None:
        if connection.connection is not None and not connection.needs_rollback:
            self._drop()

    def _drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(f"DROP TABLE IF EXISTS {POSTED}")

    def load(self, rows: Iterable[tuple]) -> None:
        """Stage rows of :data:`COLUMNS`, streaming: ``rows`` may be a generator over a file of any size."""
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
                f"COPY {STAGE} ({', '.join(COLUMNS)}) FROM STDIN"
            ) as copy:
                write = copy.write
                for block in _text_blocks(rows):
                    write(block)

    def _executemany(self, rows: Iterable[tuple]) -> None:
        connection.ensure_connection()
        insert = f"INSERT INTO {STAGE} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"  # noqa: S608
        rows = iter(rows)
        while True:
            with transaction.atomic():
                before = connection.connection.total_changes
                connection.connection.executemany(insert, islice(rows, SQLITE_CHUNK))
                if connection.connection.total_changes - before < SQLITE_CHUNK:
                    return

    def repeated_source_ids(self) -> list[tuple[int, str, int]]:
        """Rows whose source line id an earlier row of the file has: ``(row, id, the earlier row)``."""
        with connection.cursor() as cursor:
            cursor.execute(f"""
                SELECT s.row_number, s.source_line_id, r.first_row
                  FROM {STAGE} s
                  JOIN (SELECT source_line_id, MIN(row_number) AS first_row FROM {STAGE}
                         WHERE source_line_id IS NOT NULL GROUP BY source_line_id HAVING COUNT(*) > 1) r
                    ON r.source_line_id = s.source_line_id
                 WHERE s.row_number <> r.first_row
                 ORDER BY s.row_number""")  # noqa: S608 - table names are constants
            return cursor.fetchall()

    def mark_already_posted(self, *, fund_id: int) -> int:
        """Note the rows whose source line id the fund's ledger already holds; how many there are."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {POSTED}")  # noqa: S608
            cursor.execute(f"""
                INSERT INTO {POSTED} (row_number)
                SELECT s.row_number FROM {STAGE} s
                  JOIN ledger_journalline l ON l.fund_id = %s AND l.source_line_id = s.source_line_id
                 WHERE s.source_line_id IS NOT NULL AND l.source_line_id IS NOT NULL""", [fund_id])  # noqa: S608
            cursor.execute(f"SELECT COUNT(*) FROM {POSTED}")  # noqa: S608
            count = cursor.fetchone()[0]
        self.has_posted_rows = count > 0
        return count

    def _new_rows(self) -> str:
        if not self.has_posted_rows:
            return ""
        return f"WHERE NOT EXISTS (SELECT 1 FROM {POSTED} p WHERE p.row_number = s.row_number)"  # noqa: S608

    def totals(self) -> list[tuple[int, int, int, int]]:
        """``(period id, account id, rows, pence)`` of the rows still to post."""
        with connection.cursor() as cursor:
            cursor.execute(f"""
                SELECT s.period_id, s.account_id, COUNT(*), SUM(s.amount_pence)
                  FROM {STAGE} s {self._new_rows()}
                 GROUP BY s.period_id, s.account_id""")  # noqa: S608
            return [(period, account, rows, int(pence)) for period, account, rows, pence in cursor.fetchall()]

    def post(self, *, fund_id: int, entry_for_period: dict[int, int]) -> int:
        """Insert the rows still to post as lines of the entry made for their period (one statement)."""
        if not entry_for_period:
            return 0
        whens = " ".join("WHEN %s THEN %s" for _ in entry_for_period)
        params: list[int] = [value for pair in entry_for_period.items() for value in pair]
        with connection.cursor() as cursor:
            cursor.execute(f"""
                INSERT INTO ledger_journalline
                       (entry_id, fund_id, period_id, account_id, amount_pence, posting_date, cost_centre,
                        subjective, description, source_line_id)
                SELECT CASE s.period_id {whens} END, %s, s.period_id, s.account_id, s.amount_pence,
                       s.posting_date, s.cost_centre, s.subjective, s.description, s.source_line_id
                  FROM {STAGE} s {self._new_rows()}""", [*params, fund_id])  # noqa: S608
            return cursor.rowcount


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_LINE = "\t".join(["%d", "%d", "%d", "%s", "%s", "%s", "%s", "%d", "%s"])  # COLUMNS, as COPY text


def _text_blocks(rows: Iterable[tuple], lines_per_block: int = 5_000) -> Iterator[str]:
    """Rows of :data:`COLUMNS` as PostgreSQL ``COPY`` text, a block of lines at a time.

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
