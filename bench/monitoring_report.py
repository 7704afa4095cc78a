"""Benchmark: the monitoring report against a raw GROUP BY and against ledger-cli (issue 4, item 5).

Builds a PostgreSQL fund of N general-ledger lines (default 1,000,000: 20 schedules, 200 cost centres, one year)
through the real ``s75 import-ledger``, with the data generation and database set-up of ``ledger_import.py``, in
a throwaway database, then times in one run:

- the full ``monitoring_report(agreement=, year=2024-25, month=12)``, best of 5, in a child process with Django
  set up against that database (production settings);
- one raw ``SELECT account_id, period_id, SUM(amount_pence) FROM ledger_journalline WHERE fund_id = %s GROUP BY
  account_id, period_id`` on the same connection, best of 5;
- Debian's ``ledger`` (ledger-cli) on the same lines written as a ledger journal (one transaction per line: the
  schedule's expenditure account, balanced by creditors, dated from the file): ``ledger --monthly register
  Expenditure``, once.

It prints each time and both ratios, then drops the database.

    .venv/bin/python bench/monitoring_report.py [--lines N] [--postgres URL] [--keep]

Targets: the report within 1.5x the raw query, at least 10x faster than ledger-cli.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ledger_import  # noqa: E402 - a sibling script, found through the line above

ROOT = ledger_import.ROOT
RUNS = 5
RAW_QUERY = ("SELECT account_id, period_id, SUM(amount_pence) FROM ledger_journalline WHERE fund_id = %s "
             "GROUP BY account_id, period_id")
MANAGER = "bench.manager"
MANAGER_PASSWORD = "s75-bench-password"  # noqa: S105 - a throwaway user in a throwaway database
CONTRIBUTION_PENCE = 300_000_000_00  # per schedule and party: £3m, near the made-up spend


def finish_setup(fund_id: int) -> None:
    """In a child process: contributions for every schedule and party, and a pooled fund manager of the host."""
    import django

    django.setup()
    from django.contrib.auth.models import Group

    from s75.accounts.models import User
    from s75.accounts.services import roles_sync
    from s75.budgets.models import FundingStream
    from s75.budgets.services import contribution_set
    from s75.ledger.models import Fund

    fund = Fund.objects.select_related("agreement").get(pk=fund_id)
    agreement = fund.agreement
    stream, _ = FundingStream.objects.get_or_create(code="bench", defaults={"name": "Bench stream"})
    for schedule in agreement.schedules.all():
        for party in agreement.parties.all():
            contribution_set(actor=None, schedule=schedule, party=party, financial_year=2024, funding_stream=stream,
                             amount_pence=CONTRIBUTION_PENCE // 2)
    roles_sync()
    host = agreement.parties.get(is_host=True)
    user = User.objects.create(username=MANAGER, first_name="Bench", last_name="Manager",
                               email="bench.manager@example.org", organisation=host.organisation)
    user.set_password(MANAGER_PASSWORD)
    user.save()
    user.groups.set([Group.objects.get(name="Pooled fund manager")])


def time_report(fund_id: int) -> None:
    """In a child process: best of 5 of the report and of the raw query; prints JSON."""
    import django

    django.setup()
    from django.db import connection

    from s75.core.fiscal import FinancialYear
    from s75.ledger.models import Fund
    from s75.monitoring.selectors import monitoring_report

    fund = Fund.objects.select_related("agreement").get(pk=fund_id)
    year = FinancialYear(2024)
    report_times, raw_times = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        report = monitoring_report(agreement=fund.agreement, year=year, month=12)
        report_times.append(time.perf_counter() - started)
    for _ in range(RUNS):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(RAW_QUERY, [fund_id])
            rows = cursor.fetchall()
        raw_times.append(time.perf_counter() - started)
    print(json.dumps({"report": report_times, "raw": raw_times, "raw_rows": len(rows),
                      "schedules": len(report.schedules), "actual": report.total("actual_to_date")}))


def child(database_url: str, *args: str) -> str:
    done = subprocess.run([sys.executable, __file__, *args], env=ledger_import.child_env(database_url), cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr[-5000:]}")
    return done.stdout


@contextmanager
def bench_fund(server_url: str, lines: int, keep: bool = False):
    """A throwaway database holding a fund of ``lines`` imported lines: yields (URL, fund id, CSV, folder)."""
    import psycopg

    name = f"s75_bench_{os.getpid()}"
    bench_url = urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    with tempfile.TemporaryDirectory(prefix="s75-bench-") as folder:
        folder = Path(folder)
        started = time.perf_counter()
        ledger, cost_centres, total = ledger_import.generate(folder, lines)
        print(f"{lines:,} lines, {ledger_import.SCHEDULES} schedules, {ledger_import.COST_CENTRES} cost centres, "
              f"one year: {ledger.stat().st_size / 1e6:.1f} MB of CSV (made in {time.perf_counter() - started:.1f} s)",
              flush=True)
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            fund = ledger_import.prepare(bench_url, cost_centres)
            seconds, _, _ = ledger_import.timed_import(bench_url, fund, ledger)
            child(bench_url, "--finish-setup", str(fund))
            with psycopg.connect(bench_url, autocommit=True) as connection:
                connection.execute("VACUUM ANALYZE")
            print(f"Database {name}: fund {fund}, imported with s75 import-ledger in {seconds:.1f} s", flush=True)
            yield bench_url, fund, ledger, folder, total
        finally:
            if keep:
                print(f"Kept database {name}: {bench_url}")
            else:
                with psycopg.connect(server_url, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_journal(ledger: Path, journal: Path) -> int:
    """The ledger CSV as a ledger-cli journal, one transaction per line; returns the number of transactions."""
    schedule_of = {}
    with (ledger.parent / "cost-centres.csv").open(newline="", encoding="utf-8") as stream:
        rows = csv.reader(stream)
        next(rows)
        for centre, schedule in rows:
            schedule_of[centre] = f"Expenditure:Schedule {int(schedule):02d}"
    count = 0
    with ledger.open(newline="", encoding="utf-8") as source, journal.open("w", encoding="utf-8") as out:
        rows = csv.reader(source)
        next(rows)
        write = out.write
        for posting_date, centre, subjective, description, amount, line_id in rows:
            write(f"{posting_date.replace('-', '/')} ({line_id}) {description}\n"
                  f"    {schedule_of[centre]}  GBP {amount}\n"
                  f"    ; Subjective: {subjective}\n"
                  f"    Liabilities:Creditors\n\n")
            count += 1
    return count


def ledger_cli() -> str:
    found = shutil.which("ledger")
    if found:
        return found
    print("ledger is not on PATH: apt-get install -y ledger", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "ledger"], check=True, capture_output=True)
    return shutil.which("ledger") or sys.exit("ledger-cli could not be installed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL") or ledger_import.DEFAULT_POSTGRES,
                        help="A PostgreSQL server URL; the benchmark creates and drops its own database there.")
    parser.add_argument("--keep", action="store_true", help="Keep the database (to reuse it with --database).")
    parser.add_argument("--finish-setup", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--time-report", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.finish_setup:
        finish_setup(options.finish_setup)
        return
    if options.time_report:
        time_report(options.time_report)
        return
    ledger_binary = ledger_cli()
    with bench_fund(options.postgres, options.lines, keep=options.keep) as (bench_url, fund, ledger, folder, total):
        timings = json.loads(child(bench_url, "--time-report", str(fund)).strip().splitlines()[-1])
        if timings["actual"] != total:
            sys.exit(f"the report's actual to date is {timings['actual']}, not the file's {total}")
        journal = folder / "ledger.journal"
        started = time.perf_counter()
        transactions = write_journal(ledger, journal)
        print(f"Journal of {transactions:,} transactions, {journal.stat().st_size / 1e6:.1f} MB "
              f"(written in {time.perf_counter() - started:.1f} s)", flush=True)
        ledger.unlink()
        with tempfile.TemporaryFile() as out:
            started = time.perf_counter()
            process = subprocess.Popen([ledger_binary, "-f", str(journal), "--monthly", "register", "Expenditure"],
                                       stdout=out, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(process.pid, 0)
            ledger_seconds = time.perf_counter() - started
            if os.waitstatus_to_exitcode(status):
                sys.exit(f"ledger failed: {process.stderr.read().decode()[-2000:]}")
            out.seek(0)
            register_lines = len(out.read().splitlines())
    report, raw = min(timings["report"]), min(timings["raw"])
    print()
    print(f"{'measure':<52} {'best of 5':>10}")
    print(f"{'monitoring_report(month=12), 20 schedules':<52} {report * 1000:>7.1f} ms   "
          f"(runs: {', '.join(f'{t * 1000:.1f}' for t in timings['report'])})")
    print(f"{'raw SQL GROUP BY account, period (' + str(timings['raw_rows']) + ' rows)':<52} {raw * 1000:>7.1f} ms   "
          f"(runs: {', '.join(f'{t * 1000:.1f}' for t in timings['raw'])})")
    print(f"{'ledger --monthly register Expenditure (once)':<52} {ledger_seconds * 1000:>7.0f} ms   "
          f"({register_lines} lines out, peak memory {usage.ru_maxrss / 1024:.0f} MB)")
    print()
    print(f"report / raw GROUP BY:  {report / raw:.3f}x   (target: at most 1.5x)")
    print(f"ledger-cli / report:    {ledger_seconds / report:,.0f}x   (target: at least 10x)")
    print(f"Both at {options.lines:,} lines; the report's actual to date is £{timings['actual'] / 100:,.2f}.")


if __name__ == "__main__":
    main()
