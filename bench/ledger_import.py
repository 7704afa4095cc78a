"""Benchmark: importing a general-ledger file against a raw load of the same file (DESIGN.md §10).

Generates N lines (default 1,000,000: 20 schedules, 200 cost centres, one financial year) as a CSV in a temporary
folder, then in one run:

- PostgreSQL: creates a throwaway database, times a raw ``COPY`` of the CSV into an unindexed table of text
  columns, then times ``s75 import-ledger`` of the same file (checked, double entry, running balances updated);
- SQLite: a fresh database file, a plain ``executemany`` load of the CSV into an unindexed table, then the import.

It prints each time, the ratio of the import to the raw load, the import process's peak memory (its own
maximum resident set, from ``wait4``) and the machine's load average before the raw load and after the import (the
figures mean less on a busy machine), checks that the ledger holds what the file says, and drops what it made.

    .venv/bin/python bench/ledger_import.py [--lines N] [--postgres URL] [--only postgresql|sqlite]

Targets: the import within 2x the raw load, under 500 MB.
"""

import argparse
import csv
import os
import random
import secrets
import subprocess
import sys
import tempfile
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


def setup_fund() -> None:
    """In a child process with DATABASE_URL set: an agreement of 20 schedules, its fund; prints the fund's id."""
    import django

    django.setup()
    from s75.agreements import services
    from s75.ledger.services import fund_open
    from s75.organisations.models import Organisation, OrganisationKind

    council = Organisation.objects.create(name="Bench Borough Council", kind=OrganisationKind.UNITARY_AUTHORITY,
                                          ons_code="E06999999")
    icb = Organisation.objects.create(name="NHS Bench ICB", kind=OrganisationKind.ICB, ods_code="ZZB")
    agreement = services.agreement_create(
        actor=None, reference="bench-ledger", title="Bench pooled fund", start_date=date(2024, 4, 1),
        end_date=date(2025, 3, 31), pooled_fund=True,
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


def prepare(database_url: str, cost_centres: Path) -> int:
    s75(database_url, "migrate", "--no-input", "-v0")
    done = subprocess.run([sys.executable, __file__, "--setup"], env=child_env(database_url), cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"setting up the fund failed:\n{done.stderr}")
    fund = int(done.stdout.strip().splitlines()[-1])
    s75(database_url, "ledger-mapping", "--fund", str(fund), "--name", "bench", "--columns", COLUMNS,
        "--cost-centres", str(cost_centres))
    return fund


def timed_import(database_url: str, fund: int, ledger: Path) -> tuple[float, int, str]:
    """Seconds, peak resident memory in bytes, and the summary of ``s75 import-ledger``."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "s75", "import-ledger", str(ledger), "--fund", str(fund), "--quiet"],
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


def postgres(url: str, ledger: Path, cost_centres: Path, total: int, lines: int) -> dict:
    import psycopg

    name = f"s75_bench_{os.getpid()}"
    server = urlsplit(url)
    bench_url = urlunsplit(server._replace(path=f"/{name}"))
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        fund = prepare(bench_url, cost_centres)
        load_before = os.getloadavg()[0]
        with psycopg.connect(bench_url, autocommit=True) as raw:
            raw.execute("CREATE TABLE raw_ledger (posting_date text, cost_centre text, subjective text, "
                        "description text, amount text, line_id text)")
            started = time.perf_counter()
            with raw.cursor() as cursor, cursor.copy(
                "COPY raw_ledger FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy, ledger.open("rb") as stream:
                while block := stream.read(1 << 20):
                    copy.write(block)
            raw_seconds = time.perf_counter() - started
            raw.execute("DROP TABLE raw_ledger")
            raw.execute("VACUUM ANALYZE")
        seconds, memory, summary = timed_import(bench_url, fund, ledger)
        load_after = os.getloadavg()[0]
        with psycopg.connect(bench_url) as check:
            posted, expenditure, unbalanced, drift = check.execute(f"""
                SELECT (SELECT COUNT(*) FROM ledger_journalline l JOIN ledger_account a ON a.id = l.account_id
                         WHERE a.role = 'expenditure' AND l.fund_id = {fund}),
                       (SELECT COALESCE(SUM(amount_pence), 0) FROM ledger_balance b
                          JOIN ledger_account a ON a.id = b.account_id WHERE a.role = 'expenditure'),
                       (SELECT COUNT(*) FROM (SELECT entry_id FROM ledger_journalline GROUP BY entry_id
                         HAVING SUM(amount_pence) <> 0) e),
                       (SELECT COUNT(*) FROM ledger_balance b WHERE b.amount_pence <> (
                         SELECT SUM(amount_pence) FROM ledger_journalline l
                          WHERE l.account_id = b.account_id AND l.period_id = b.period_id))
            """).fetchone()  # noqa: S608 - the fund id is an int from our own child
        verify(posted, expenditure, unbalanced, drift, lines, total)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return {"database": "PostgreSQL", "raw": raw_seconds, "raw_name": "COPY", "import": seconds, "memory": memory,
            "summary": summary, "load": (load_before, load_after)}


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
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.setup:
        setup_fund()
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="s75-bench-") as folder:
        folder = Path(folder)
        started = time.perf_counter()
        ledger, cost_centres, total = generate(folder, options.lines)
        size = ledger.stat().st_size
        print(f"{options.lines:,} lines, {SCHEDULES} schedules, {COST_CENTRES} cost centres, one year: "
              f"{size / 1e6:.1f} MB of CSV (made in {time.perf_counter() - started:.1f} s)")
        if options.only in {None, "postgresql"}:
            results.append(postgres(options.postgres, ledger, cost_centres, total, options.lines))
        if options.only in {None, "sqlite"}:
            results.append(sqlite(folder, ledger, cost_centres, total, options.lines))
    print()
    print(f"{'database':<11} {'raw load':>22} {'s75 import-ledger':>18} {'ratio':>7} {'peak memory':>12}"
          f" {'load average':>13}")
    for result in results:
        raw = f"{result['raw_name']} {result['raw']:.2f} s"
        ratio = result["import"] / result["raw"]
        print(f"{result['database']:<11} {raw:>22} {result['import']:>16.2f} s {ratio:>6.2f}x"
              f" {result['memory'] / 2**20:>9.0f} MB {result['load'][0]:>6.2f}, {result['load'][1]:.2f}")
    print()
    print(f"Targets: the import within 2x the raw load; peak memory under 500 MB. The ledger was checked after each "
          f"import: every line posted once, entries balanced, balances equal to their lines. Load average: the "
          f"machine's (1 minute, {os.cpu_count()} CPUs) before the raw load and after the import.")


if __name__ == "__main__":
    main()
