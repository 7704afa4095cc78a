"""Benchmark: importing a general-ledger file against its floor and a raw load of the same file (DESIGN.md §10).

Generates N lines (default 1,000,000: 20 schedules, 200 cost centres, one financial year) as a CSV in a temporary
folder, then in one run:

- PostgreSQL: creates a throwaway database and a fund, and times (a) a raw ``COPY`` of the CSV into an unindexed
  table of text columns; (b) the floor: the same rows, already typed as the lines they become, ``COPY``ed into a
  table made ``LIKE ledger_journalline INCLUDING INDEXES`` with no trigger; (c) ``s75 import-ledger`` of the file
  (checked, double entry, running balances updated); then (b') the floor keeping the ledger's invariants: the typed
  rows ``COPY``ed into ``ledger_journalline`` itself for a fund of their own, through the database's checks, its
  entries balanced, with running balances. With ``--preload 10000000`` it then fills a second fund with
  that many lines over five years (SQL ``generate_series`` through the lines' own checks, balanced, with balances)
  and times the same import into it, between two into empty funds of the same database;
- SQLite: a fresh database file, a plain ``executemany`` load of the CSV into an unindexed table, then the import.

It prints each time, c/a, c/b, b'/b and c/b', the import process's peak memory (its own maximum resident set,
from ``wait4``), the server processes' (``VmHWM`` of ``/proc/<pid>/status``, polled), and the machine's load
average before the raw load and after the import (the figures mean less on a busy machine), checks that the
ledger holds what the file says, and drops what it made.

    .venv/bin/python bench/ledger_import.py [--lines N] [--postgres URL] [--only postgresql|sqlite] [--preload N]

Targets (PostgreSQL): c at most 1.3x b; under 500 MB; into a fund of 10,000,000 lines at most 1.2x into an empty one.
"""

import argparse
import csv
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
SCHEDULES = 20
COST_CENTRES = 200
HEADINGS = ["Posting Date", "Cost Centre", "Subjective", "Description", "Amount", "Line Id"]
COLUMNS = ("posting_date=Posting Date,cost_centre=Cost Centre,subjective=Subjective,description=Description,"
           "amount=Amount,source_line_id=Line Id")


def generate(folder: Path, lines: int) -> tuple[Path, Path, int]:
    """The ledger CSV, the cost-centre CSV and the file's total in pence."""
    rng = random.Random(75)  # noqa: S311 - the same made-up ledger every run, not a secret
    ledger = folder / "ledger.csv"
    total = 0
    start = date(2024, 4, 1)
    days = [(start + timedelta(days=offset)).isoformat() for offset in range(365)]
    centres = [f"CC{number:04d}" for number in range(1, COST_CENTRES + 1)]
    subjectives = [f"{code}" for code in range(50100, 50150)]
    with ledger.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADINGS)
        for number in range(1, lines + 1):
            pence = rng.randrange(-5_000, 2_500_000) or 1
            total += pence
            sign = "-" if pence < 0 else ""
            writer.writerow([
                days[rng.randrange(365)], centres[rng.randrange(COST_CENTRES)], subjectives[number % 50],
                f"Supplier payment {rng.randrange(10**6):06d}", f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}",
                f"GL{number:09d}",
            ])
    cost_centres = folder / "cost-centres.csv"
    with cost_centres.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["cost centre", "schedule"])
        for index, code in enumerate(centres):
            writer.writerow([code, index % SCHEDULES + 1])
    return ledger, cost_centres, total


def setup_fund(first_year: int) -> None:
    """In a child process with DATABASE_URL set: an agreement of 20 schedules from April of ``first_year`` to March
    2025, its fund; prints the fund's id."""
    import django

    django.setup()
    from s75.agreements import services
    from s75.ledger.services import fund_open
    from s75.organisations.models import Organisation, OrganisationKind

    council, _ = Organisation.objects.get_or_create(
        ons_code="E06999999", defaults={"name": "Bench Borough Council", "kind": OrganisationKind.UNITARY_AUTHORITY})
    icb, _ = Organisation.objects.get_or_create(ods_code="ZZB", defaults={"name": "NHS Bench ICB",
                                                                          "kind": OrganisationKind.ICB})
    agreement = services.agreement_create(
        actor=None, reference=f"bench-ledger-{first_year}", title=f"Bench pooled fund from {first_year}",
        start_date=date(first_year, 4, 1), end_date=date(2025, 3, 31), pooled_fund=True,
    )
    services.party_add(actor=None, agreement=agreement, organisation=council, is_host=True)
    services.party_add(actor=None, agreement=agreement, organisation=icb)
    for number in range(1, SCHEDULES + 1):
        services.schedule_create(actor=None, agreement=agreement, title=f"Scheme {number}")
    print(fund_open(actor=None, agreement=agreement).pk)


def child_env(database_url: str) -> dict:
    # Production settings refuse to start without a Redis URL; an import and a report never use the cache, so none
    # need be running at it (dashboard_load.py starts one of its own).
    return {"S75_REDIS_URL": "redis://127.0.0.1:6379/0", **os.environ, "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "s75.settings.prod", "S75_SECRET_KEY": secrets.token_urlsafe(40),
            "PYTHONPATH": str(ROOT / "src")}


def s75(database_url: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "s75", *args], env=child_env(database_url), cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"s75 {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(database_url: str, cost_centres: Path, *, first_year: int = 2024, migrate: bool = True) -> int:
    if migrate:
        s75(database_url, "migrate", "--no-input", "-v0")
    done = subprocess.run([sys.executable, __file__, "--setup", str(first_year)], env=child_env(database_url),
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"setting up the fund failed:\n{done.stderr}")
    fund = int(done.stdout.strip().splitlines()[-1])
    s75(database_url, "ledger-mapping", "--fund", str(fund), "--name", "bench", "--columns", COLUMNS,
        "--cost-centres", str(cost_centres))
    return fund


class BackendPeak:
    """The peak resident memory (``VmHWM`` of ``/proc/<pid>/status``) of the server processes serving one database,
    read every 0.2 s in a thread while an import runs in another process: the last reading before a backend ends is
    its peak (it counts the shared buffers the backend touched, so it is an upper bound)."""

    def __init__(self, url: str, database: str) -> None:
        self.url, self.database, self.peak, self._stop = url, database, 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> "BackendPeak":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as watcher:
            while not self._stop.wait(0.2):
                pids = watcher.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                                       "pg_backend_pid()", [self.database]).fetchall()
                for (pid,) in pids:
                    self.peak = max(self.peak, vm_hwm(pid))


def vm_hwm(pid: int) -> int:
    """A process's peak resident memory in bytes, 0 when it has ended or cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def timed_import(database_url: str, fund: int, ledger: Path) -> tuple[float, int, str]:
    """Seconds, peak resident memory in bytes, and the summary of ``s75 import-ledger``."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "s75", "import-ledger", str(ledger), "--fund", str(fund), "--quiet",
             "--post-anyway", "a benchmark's fund, with no contributions recorded"],
            env=child_env(database_url), cwd=ROOT, stdout=out, stderr=err, text=True,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            sys.exit(f"the import failed:\n{out.read()}\n{err.read()[-5000:]}")
        return seconds, usage.ru_maxrss * 1024, out.read()


def typed_rows(connection, fund: int, ledger: Path, folder: Path, entries: dict[int, int] | None = None) -> Path:
    """The file's rows as the lines the import makes of them, in ``COPY`` text (made before the floor is timed): of
    the entry ``entries`` gives for the month, or, for the floor, whose table refers to none, the month's number."""
    periods = dict(connection.execute(
        "SELECT number, id FROM ledger_period WHERE fund_id = %s AND financial_year = 2024", [fund]).fetchall())
    accounts = dict(connection.execute(
        "SELECT m.cost_centre, a.id FROM ledger_costcentremapping m JOIN ledger_account a "
        "ON a.schedule_id = m.schedule_id AND a.role = 'expenditure' AND a.fund_id = m.fund_id "
        "WHERE m.fund_id = %s", [fund]).fetchall())
    typed = folder / f"typed-{fund}.txt"
    with ledger.open(newline="", encoding="utf-8") as stream, typed.open("w", encoding="utf-8") as out:
        rows = csv.reader(stream)
        next(rows)
        for posted, centre, subjective, description, amount, line_id in rows:
            month = (int(posted[5:7]) - 4) % 12 + 1
            pence = int(amount.replace(".", ""))
            entry = entries[month] if entries else month
            out.write(f"{entry}\t{fund}\t{periods[month]}\t2024\t{accounts[centre]}\t{pence}\t{posted}\t"
                      f"{centre}\t{subjective}\t{description}\t{line_id}\n")
    return typed


def copy_typed(connection, table: str, typed: Path) -> None:
    """``COPY`` the typed rows (:func:`typed_rows`) into ``table``, a megabyte at a time."""
    with connection.cursor() as cursor, cursor.copy(
        f"COPY {table} (entry_id, fund_id, period_id, financial_year, account_id, amount_pence, posting_date, "
        "cost_centre, subjective, description, source_line_id) FROM STDIN"
    ) as copy, typed.open("rb") as stream:
        while block := stream.read(1 << 20):
            copy.write(block)


def floor_copy(url: str, typed: Path) -> tuple[float, int]:
    """Seconds and the server process's peak memory to ``COPY`` the typed rows into a table with the journal lines'
    indexes (``LIKE … INCLUDING INDEXES``) and no trigger, on a connection of its own."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as floor:
        floor.execute("CREATE TABLE floor_lines (LIKE ledger_journalline INCLUDING DEFAULTS INCLUDING IDENTITY "
                      "INCLUDING CONSTRAINTS INCLUDING INDEXES)")
        started = time.perf_counter()
        copy_typed(floor, "floor_lines", typed)
        seconds = time.perf_counter() - started
        memory = vm_hwm(floor.execute("SELECT pg_backend_pid()").fetchone()[0])
        floor.execute("DROP TABLE floor_lines")
    return seconds, memory


def balance_year(connection, fund: int, year: int) -> None:
    """Balance each of the fund's entries of ``year`` by a line to its creditors, and add the year's running
    balances, as an import does after its lines: one pass over the year's lines, summed by entry and account."""
    connection.execute("""
        WITH spent AS (
            SELECT entry_id, period_id, account_id, SUM(amount_pence) AS pence, COUNT(*) AS lines
              FROM ledger_journalline WHERE fund_id = %(fund)s AND financial_year = %(year)s
             GROUP BY entry_id, period_id, account_id),
        owed AS (
            INSERT INTO ledger_journalline (entry_id, fund_id, period_id, financial_year, account_id, amount_pence,
                   cost_centre, subjective, description)
            SELECT s.entry_id, %(fund)s, s.period_id, %(year)s, c.id, -SUM(s.pence), '', '', 'Owed to suppliers'
              FROM spent s, ledger_account c WHERE c.fund_id = %(fund)s AND c.role = 'creditors'
             GROUP BY s.entry_id, s.period_id, c.id
            RETURNING period_id, account_id, amount_pence)
        INSERT INTO ledger_balance (fund_id, account_id, period_id, amount_pence, line_count)
        SELECT %(fund)s, account_id, period_id, SUM(pence), SUM(lines)
          FROM (SELECT account_id, period_id, pence, lines FROM spent
                UNION ALL SELECT account_id, period_id, amount_pence, 1 FROM owed) b
         GROUP BY account_id, period_id""", {"fund": fund, "year": year})


def kept_floor(url: str, fund: int, ledger: Path, folder: Path) -> float:
    """Seconds to post the same typed rows into the journal lines themselves, keeping what the database holds of the
    ledger and nothing more: a month's entry each (its id drawn before the clock starts), one ``COPY`` into
    ``ledger_journalline`` (its statement-level check of references, years and the fund's source line ids, which
    fills ``ledger_linesource``), a creditors' line balancing each entry, the running balances, and the commit
    (the deferred check that every entry sums to zero). No file is read or checked: the rows are already typed."""
    import psycopg

    with psycopg.connect(url) as kept:
        # An entry without lines does not balance at commit, so the entries' ids are drawn first and the entries
        # made with the lines.
        entries = dict(kept.execute(
            "SELECT number, nextval(pg_get_serial_sequence('ledger_journalentry', 'id')) FROM generate_series(1, 12) "
            "number").fetchall())
        typed = typed_rows(kept, fund, ledger, folder, entries)
        kept.commit()
        started = time.perf_counter()
        with kept.transaction():
            kept.execute("""
                INSERT INTO ledger_journalentry (id, fund_id, period_id, kind, description, posted_at)
                SELECT (%s::bigint[])[number], fund_id, id, 'import', 'Kept floor ' || number, now()
                  FROM ledger_period WHERE fund_id = %s AND financial_year = 2024""",
                         [[entries[number] for number in range(1, 13)], fund])
            copy_typed(kept, "ledger_journalline", typed)
            balance_year(kept, fund, 2024)
        return time.perf_counter() - started


def preload(url: str, fund: int, lines: int) -> float:
    """``lines`` lines over the fund's five years, posted as the ledger holds them (an entry per month, balanced by
    a line to the creditors, the running balances added, every line through the database's checks), by SQL
    ``generate_series``, a year per transaction. Seconds taken."""
    import psycopg

    started = time.perf_counter()
    per_year = lines // 5
    with psycopg.connect(url) as load:
        for year in range(2020, 2025):
            with load.transaction():
                load.execute("""
                    INSERT INTO ledger_journalentry (fund_id, period_id, kind, description, posted_at)
                    SELECT fund_id, id, 'import', 'Preloaded ' || financial_year || '/M' || number, now()
                      FROM ledger_period WHERE fund_id = %s AND financial_year = %s""", [fund, year])
                load.execute("""
                    WITH e AS (SELECT e.id, e.period_id, p.number FROM ledger_journalentry e
                                 JOIN ledger_period p ON p.id = e.period_id
                                WHERE e.fund_id = %(fund)s AND p.financial_year = %(year)s),
                         a AS (SELECT array_agg(id ORDER BY id) AS ids FROM ledger_account
                                WHERE fund_id = %(fund)s AND role = 'expenditure')
                    INSERT INTO ledger_journalline (entry_id, fund_id, period_id, financial_year, account_id,
                           amount_pence, posting_date, cost_centre, subjective, description, source_line_id)
                    SELECT e.id, %(fund)s, e.period_id, %(year)s, a.ids[1 + n %% array_length(a.ids, 1)],
                           100 + (n::bigint * 7919) %% 2500000, make_date(%(year)s + (e.number > 9)::int,
                           (e.number + 2) %% 12 + 1, 1 + n %% 28),
                           'CC' || lpad((1 + n %% 200)::text, 4, '0'), (50100 + n %% 50)::text,
                           'Preloaded payment ' || n, 'PL' || %(year)s || lpad(n::text, 9, '0')
                      FROM generate_series(1, %(lines)s) n JOIN e ON e.number = 1 + n %% 12, a""",
                             {"fund": fund, "year": year, "lines": per_year})
                balance_year(load, fund, year)
    with psycopg.connect(url, autocommit=True) as tidy:
        tidy.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def check_ledger(url: str, fund: int, lines: int, total: int) -> None:
    import psycopg

    with psycopg.connect(url) as check:
        posted, expenditure, unbalanced, drift = check.execute("""
            SELECT (SELECT COUNT(*) FROM ledger_journalline l JOIN ledger_account a ON a.id = l.account_id
                     WHERE a.role = 'expenditure' AND l.fund_id = %(fund)s AND l.financial_year = 2024
                       AND l.source_line_id LIKE 'GL%%'),
                   (SELECT COALESCE(SUM(amount_pence), 0) FROM ledger_balance b
                      JOIN ledger_account a ON a.id = b.account_id JOIN ledger_period p ON p.id = b.period_id
                     WHERE a.role = 'expenditure' AND b.fund_id = %(fund)s AND p.financial_year = 2024),
                   (SELECT COUNT(*) FROM (SELECT entry_id FROM ledger_journalline WHERE fund_id = %(fund)s
                     GROUP BY entry_id HAVING SUM(amount_pence) <> 0) e),
                   (SELECT COUNT(*) FROM ledger_balance b WHERE b.fund_id = %(fund)s AND b.amount_pence <> (
                     SELECT SUM(amount_pence) FROM ledger_journalline l
                      WHERE l.account_id = b.account_id AND l.period_id = b.period_id))
        """, {"fund": fund}).fetchone()
        preloaded = check.execute(
            "SELECT COALESCE(SUM(amount_pence), 0) FROM ledger_journalline l JOIN ledger_account a "
            "ON a.id = l.account_id WHERE a.role = 'expenditure' AND l.fund_id = %s AND l.financial_year = 2024 "
            "AND l.source_line_id LIKE 'PL%%'", [fund]).fetchone()[0]
    verify(posted, expenditure - preloaded, unbalanced, drift, lines, total)


def postgres(url: str, folder: Path, ledger: Path, cost_centres: Path, total: int, lines: int,
             preload_lines: int) -> dict:
    import psycopg

    name = f"s75_bench_{os.getpid()}"
    server = urlsplit(url)
    bench_url = urlunsplit(server._replace(path=f"/{name}"))
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    result = {"database": "PostgreSQL", "raw_name": "COPY"}
    try:
        fund = prepare(bench_url, cost_centres)
        with psycopg.connect(bench_url, autocommit=True) as raw:
            typed = typed_rows(raw, fund, ledger, folder)
            load_before = os.getloadavg()[0]
            raw.execute("CREATE TABLE raw_ledger (posting_date text, cost_centre text, subjective text, "
                        "description text, amount text, line_id text)")
            started = time.perf_counter()
            with raw.cursor() as cursor, cursor.copy(
                "COPY raw_ledger FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy, ledger.open("rb") as stream:
                while block := stream.read(1 << 20):
                    copy.write(block)
            result["raw"] = time.perf_counter() - started
            raw.execute("DROP TABLE raw_ledger")
            raw.execute("CHECKPOINT")
        result["floor"], result["floor_memory"] = floor_copy(bench_url, typed)
        with psycopg.connect(bench_url, autocommit=True) as tidy:
            tidy.execute("VACUUM ANALYZE")
            tidy.execute("CHECKPOINT")
        with BackendPeak(url, name) as backend:
            result["import"], result["memory"], result["summary"] = timed_import(bench_url, fund, ledger)
        result["server_memory"] = backend.peak
        result["load"] = (load_before, os.getloadavg()[0])
        check_ledger(bench_url, fund, lines, total)
        result["kept_floor"] = kept_floor(bench_url, prepare(bench_url, cost_centres, first_year=2023,
                                                               migrate=False), ledger, folder)
        print(f"measured: (a) {result['raw']:.2f} s, (b) {result['floor']:.2f} s, (b') {result['kept_floor']:.2f} s, "
              f"(c) {result['import']:.2f} s, "
              f"load average {result['load'][0]:.2f} before, {result['load'][1]:.2f} after", flush=True)
        if preload_lines:
            full = prepare(bench_url, cost_centres, first_year=2020, migrate=False)
            result["preload"] = (preload_lines, preload(bench_url, full, preload_lines))
            print(f"preloaded {preload_lines:,} lines in {result['preload'][1]:.0f} s", flush=True)
            # The full fund's import between two into empty funds of the same database: a year's partition is
            # shared by every fund, so each import finds the lines of the one before it there, and the first after
            # the preload finds a cold cache.
            imports = {}
            for label, fund in (("empty before", prepare(bench_url, cost_centres, first_year=2022, migrate=False)),
                                ("full", full),
                                ("empty after", prepare(bench_url, cost_centres, first_year=2021, migrate=False))):
                with psycopg.connect(bench_url, autocommit=True) as tidy:
                    tidy.execute("CHECKPOINT")
                load_before = os.getloadavg()[0]
                with BackendPeak(url, name) as backend:
                    seconds, memory, _ = timed_import(bench_url, fund, ledger)
                imports[label] = (seconds, memory, backend.peak, load_before, os.getloadavg()[0])
                check_ledger(bench_url, fund, lines, total)
                print(f"into the {label} fund: {seconds:.2f} s", flush=True)
            result["same_database"] = imports
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return result


def sqlite(folder: Path, ledger: Path, cost_centres: Path, total: int, lines: int) -> dict:
    import sqlite3

    database = folder / "bench.sqlite3"
    url = f"sqlite:///{database}"
    fund = prepare(url, cost_centres)
    raw_database = folder / "raw.sqlite3"
    load_before = os.getloadavg()[0]
    with sqlite3.connect(raw_database) as raw:
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("CREATE TABLE raw_ledger (posting_date text, cost_centre text, subjective text, "
                    "description text, amount text, line_id text)")
        started = time.perf_counter()
        with ledger.open(newline="", encoding="utf-8") as stream:
            rows = csv.reader(stream)
            next(rows)
            raw.executemany("INSERT INTO raw_ledger VALUES (?, ?, ?, ?, ?, ?)", rows)
        raw.commit()
        raw_seconds = time.perf_counter() - started
    seconds, memory, summary = timed_import(url, fund, ledger)
    load_after = os.getloadavg()[0]
    with sqlite3.connect(database) as check:
        posted, expenditure, unbalanced, drift = check.execute(f"""
            SELECT (SELECT COUNT(*) FROM ledger_journalline l JOIN ledger_account a ON a.id = l.account_id
                     WHERE a.role = 'expenditure' AND l.fund_id = {fund}),
                   (SELECT COALESCE(SUM(amount_pence), 0) FROM ledger_balance b
                      JOIN ledger_account a ON a.id = b.account_id WHERE a.role = 'expenditure'),
                   (SELECT COUNT(*) FROM (SELECT entry_id FROM ledger_journalline GROUP BY entry_id
                     HAVING SUM(amount_pence) <> 0)),
                   (SELECT COUNT(*) FROM ledger_balance b WHERE b.amount_pence <> (
                     SELECT SUM(amount_pence) FROM ledger_journalline l
                      WHERE l.account_id = b.account_id AND l.period_id = b.period_id))
        """).fetchone()  # noqa: S608
    verify(posted, expenditure, unbalanced, drift, lines, total)
    return {"database": "SQLite", "raw": raw_seconds, "raw_name": "executemany", "import": seconds,
            "memory": memory, "summary": summary, "load": (load_before, load_after)}


def verify(posted: int, expenditure: int, unbalanced: int, drift: int, lines: int, total: int) -> None:
    problems = []
    if posted != lines:
        problems.append(f"{posted} expenditure lines posted, not {lines}")
    if expenditure != total:
        problems.append(f"expenditure balances add up to {expenditure}, not the file's {total}")
    if unbalanced:
        problems.append(f"{unbalanced} entries do not balance")
    if drift:
        problems.append(f"{drift} balances differ from their lines")
    if problems:
        sys.exit("The ledger is wrong after the import: " + "; ".join(problems))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES,
                        help="A PostgreSQL server URL; the benchmark creates and drops its own database there.")
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--preload", type=int, default=0, metavar="LINES",
                        help="PostgreSQL: also import the file into a second fund already holding this many lines "
                             "over five years (2020-21 to 2024-25), e.g. 10000000, and compare it with imports into "
                             "empty funds of the same database, one before and one after.")
    parser.add_argument("--setup", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.setup:
        setup_fund(options.setup)
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="s75-bench-") as folder:
        folder = Path(folder)
        started = time.perf_counter()
        ledger, cost_centres, total = generate(folder, options.lines)
        size = ledger.stat().st_size
        print(f"{options.lines:,} lines, {SCHEDULES} schedules, {COST_CENTRES} cost centres, one year: "
              f"{size / 1e6:.1f} MB of CSV (made in {time.perf_counter() - started:.1f} s)", flush=True)
        if options.only in {None, "postgresql"}:
            results.append(postgres(options.postgres, folder, ledger, cost_centres, total, options.lines,
                                    options.preload))
        if options.only in {None, "sqlite"}:
            results.append(sqlite(folder, ledger, cost_centres, total, options.lines))
    print()
    mb = 2**20
    for result in results:
        print(f"{result['database']} (load average {result['load'][0]:.2f} before the raw load, "
              f"{result['load'][1]:.2f} after the import; {os.cpu_count()} CPUs)")
        print(f"  (a) raw {result['raw_name']} into an unindexed table of text{'':<14}{result['raw']:8.2f} s")
        if "floor" in result:
            print(f"  (b) floor: typed COPY into a table with the lines' indexes{'':<6}{result['floor']:8.2f} s"
                  f"   server process peak {result['floor_memory'] / mb:.0f} MB")
        if "kept_floor" in result:
            print(f"  (b') the floor keeping the ledger's invariants: typed COPY into the lines{'':<0}"
                  f"{result['kept_floor']:8.2f} s   b'/b {result['kept_floor'] / result['floor']:.2f}x")
        print(f"  (c) s75 import-ledger{'':<45}{result['import']:8.2f} s"
              f"   import process peak {result['memory'] / mb:.0f} MB"
              + (f", server processes peak {result['server_memory'] / mb:.0f} MB" if "server_memory" in result
                 else ""))
        print(f"  c/a {result['import'] / result['raw']:.2f}x")
        if "floor" in result:
            ratio = result["import"] / result["floor"]
            print(f"  c/b {ratio:.2f}x: target at most 1.3x {'met' if ratio <= 1.3 else 'NOT met'}")
            print(f"  c/b' {result['import'] / result['kept_floor']:.2f}x")
        # Every import's, those into the preloaded database's funds too: (seconds, import peak, server peak, …).
        memory = max(result["memory"], result.get("server_memory", 0),
                     *(max(run[1], run[2]) for run in result.get("same_database", {}).values()))
        print(f"  peak memory {memory / mb:.0f} MB: target under 500 MB {'met' if memory < 500 * mb else 'NOT met'}")
        if "same_database" in result:
            preloaded, preload_seconds = result["preload"]
            print(f"  a second fund preloaded with {preloaded:,} lines over five years (in {preload_seconds:.0f} s); "
                  "then in the same database:")
            for label, (seconds, memory, server, before, after) in result["same_database"].items():
                print(f"    into the {label + ' fund':<18}{seconds:8.2f} s   import process peak {memory / mb:.0f} MB, "
                      f"server processes peak {server / mb:.0f} MB (load average {before:.2f} before, {after:.2f} "
                      "after)")
            imports = result["same_database"]
            full = imports["full"][0]
            empty = (imports["empty before"][0] + imports["empty after"][0]) / 2
            ratio = full / empty
            print(f"  full / empty fund of the same database (the mean of the two) {ratio:.2f}x: target at most 1.2x "
                  f"{'met' if ratio <= 1.2 else 'NOT met'}")
            print(f"  full fund / the empty fund of the empty database, (c) {full / result['import']:.2f}x")
    print()
    print("The ledger was checked after each import: every line posted once, entries balanced, balances equal to "
          "their lines. Server memory is VmHWM of /proc/<pid>/status of the backends (an upper bound: it counts the "
          "shared buffers they touched).")

if __name__ == "__main__":
    main()
