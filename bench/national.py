"""Benchmark: a national database on PostgreSQL, and how the pages' costs grow with its ledger (issue 18, item 3).

Builds, in throwaway databases of its own on the server named by ``--postgres``:

- a base: every HWB area's Better Care Fund agreement and plan for 2025-26 as ``s75 bcf-simulate`` makes them
  (seed 1), each agreement's term varied to five financial years (2021-22 to 2025-26, ``agreement_update``) and its
  fund opened (``fund_open``: the chart of accounts and a period per month of the term, the service that opens a
  year's periods), a column and cost-centre mapping for the measured fund (``s75 ledger-mapping``), the measured
  fund's pooled fund manager and an NHS England user;
- from it (``CREATE DATABASE … TEMPLATE``), one database at a tenth of ``--lines`` and one at ``--lines``
  (default 20,000,000), each given monthly general-ledger imports over the five years for every fund: per fund and
  month, an import record, one entry of kind import, its lines of spend on the schedules' expenditure accounts (with
  cost centre, subjective, description and a source line id) balanced by one line to creditors, and the running
  balances. Each month is one transaction of ``INSERT … SELECT generate_series`` through ``ledger_journalline``
  itself (so also a table partitioned by year), and every rule the database holds is kept and checked by it: each
  entry adds up to zero (checked at commit), lines join an entry of the same transaction, fund and period, on an
  account of the fund, in an open period (checked per statement), a source line id posts once per fund.

At each size it times ``VACUUM (ANALYZE)`` of the ledger's tables and reads their sizes. Then, in rounds that
alternate between the sizes (so that both meet the same load on a shared machine), a child process on the production
settings, with Redis (``redis-server`` on a free loopback port) as the cache and the sessions' store, runs each of
these once untimed (so PostgreSQL's buffers and the connection's prepared statements are warm) and ``--repeat``
times timed:

- the fund dashboard, ``GET /funds/<id>/monitoring/?period=2025-26/M12`` through Django's test client as the
  fund's pooled fund manager: drawn (the cache emptied before each request) and kept (from the cache);
- the monitoring report, ``monitoring_report(agreement=, year=2025-26, month=12)``;
- the year-end settlement, ``settlement_run_create`` for 2025-26 (rolled back after each run);
- the quarterly report's figures, ``report_snapshot`` for 2025-26/Q3;
- the BCF national view, ``GET /bcf/national/`` as an NHS England user: drawn and kept;

then ``s75 import-ledger`` of a new month's general-ledger file of ``--month-lines`` lines (the same size at both
sizes) into the measured fund. It prints the median wall and CPU time of each at both sizes and their growth, the
blocks read and temporary bytes written, and the load average; then, unless ``--no-backup``, times ``pg_dump -Fc``
of each database and ``pg_restore`` of the dump into a new one. Target: none grows more than 1.3x for the tenfold
larger database. ``--lines 0`` builds the base only and keeps it, for ``--base``.

    PYTHONPATH=src .venv/bin/python bench/national.py [--lines N] [--areas N] [--base NAME] [--no-backup]
"""

import argparse
import csv
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dashboard_load  # noqa: E402 - sibling scripts, found through the line above
import ledger_import  # noqa: E402

ROOT = ledger_import.ROOT
FIRST_YEAR, LAST_YEAR = 2021, 2025  # financial years 2021-22 to 2025-26; the pages read the last
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)
MANAGER = "bench.manager"
ENGLAND = "bench.england"
COST_CENTRES = 20  # CC0001-CC0010 are schedule 1's, CC0011-CC0020 schedule 2's (the DFG)
LEDGER_TABLES = ["ledger_journalline", "ledger_journalentry", "ledger_balance", "ledger_ledgerimport"]
TARGET = 1.3
MEASURES = [
    ("dashboard", "fund dashboard, drawn (GET, cache emptied)"),
    ("dashboard_kept", "fund dashboard, kept (GET, from the cache)"),
    ("monitoring", "monitoring report (monitoring_report)"),
    ("settlement", "year-end settlement (settlement_run_create)"),
    ("quarterly", "quarterly report (report_snapshot, Q3)"),
    ("national", "BCF national view, drawn (GET, cache emptied)"),
    ("national_kept", "BCF national view, kept (GET, from the cache)"),
    ("import", "import of a month's file (s75 import-ledger)"),
]


def load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def child(env: dict, *args: str) -> str:
    """This script in a child process with ``env``; its standard output."""
    done = subprocess.run([sys.executable, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
    return done.stdout


# In a child process: the base -----------------------------------------------------------------------------------

def build_base(areas: int) -> None:
    """Migrate, load the BCF lists, simulate the plans, stretch each agreement to five years and open its fund,
    make the two users; prints the measured fund's id."""
    import io

    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from s75.accounts.models import User
    from s75.accounts.services import roles_sync
    from s75.agreements.models import Agreement
    from s75.agreements.services import agreement_update
    from s75.bcf.models import BcfYear
    from s75.bcf.simulate import bcf_simulate, reference_areas
    from s75.ledger.services import fund_open
    from s75.organisations.models import Organisation, OrganisationKind

    call_command("migrate", verbosity=0)
    call_command("bcf_lists", stdout=io.StringIO())
    roles_sync()
    codes = sorted(reference_areas()[0])
    bcf_simulate(year=BcfYear.objects.get(financial_year=LAST_YEAR), seed=1, codes=codes[:areas] if areas else None)
    funds = []
    for agreement in Agreement.objects.filter(is_better_care_fund=True).order_by("reference"):
        agreement = agreement_update(actor=None, agreement=agreement, start_date=date(FIRST_YEAR, 4, 1))
        funds.append(fund_open(actor=None, agreement=agreement))
    measured = funds[0]  # as describe_base finds it
    host = measured.agreement.parties.get(is_host=True)
    manager = User.objects.create(username=MANAGER, first_name="Bench", last_name="Manager",
                                  organisation=host.organisation)
    manager.groups.set([Group.objects.get(name="Pooled fund manager")])
    england = Organisation.objects.create(name="NHS England", kind=OrganisationKind.NHS_ENGLAND)
    User.objects.create(username=ENGLAND, organisation=england).groups.set([Group.objects.get(name="NHS England")])
    print(json.dumps({"fund": measured.pk, "funds": len(funds)}))


def describe_base() -> None:
    """Print the measured fund's id (the first agreement's by reference) and the number of funds."""
    import django

    django.setup()
    from s75.ledger.models import Fund

    funds = Fund.objects.order_by("agreement__reference")
    print(json.dumps({"fund": funds.first().pk, "funds": funds.count()}))


# In the parent: the ledgers ---------------------------------------------------------------------------------------

# Per fund: its creditors and its two schedules' expenditure accounts (the chart of ``fund_open``).
_ACCOUNTS = """
    CREATE TEMPORARY TABLE bench_accounts AS
    SELECT f.id AS fund_id,
           MAX(a.id) FILTER (WHERE a.code = '2000') AS creditors,
           MAX(a.id) FILTER (WHERE a.code = '5000-01') AS care,
           MAX(a.id) FILTER (WHERE a.code = '5000-02') AS dfg
      FROM ledger_fund f JOIN ledger_account a ON a.fund_id = f.id
     GROUP BY f.id
"""
# A line's pence: made up from its period (unique across funds) and its number, so that the import's total and the
# creditors' line can be worked out again from the same expression without reading the lines back.
_PENCE = "(abs(hashint8(p.id::bigint * 1000003 + g)::bigint) %% 2500000 + 1)"
# Like agreement_data_changed, once at the end (in each month's transaction it would make them take turns): the
# dashboards' kept pages are drawn again.
_DATA_CHANGED = ("UPDATE agreements_agreement SET data_version = data_version + 1 "
                 "WHERE id IN (SELECT agreement_id FROM ledger_fund)")
_IMPORTS_AND_ENTRIES = f"""
    WITH imports AS (
        INSERT INTO ledger_ledgerimport (created_at, modified_at, fund_id, filename, sha256, mapping_name, status,
                                         rows_total, rows_posted, rows_already_posted, total_pence, problems,
                                         started_at, finished_at)
        SELECT now(), now(), p.fund_id, %(filename)s, md5(p.id || ':a') || md5(p.id || ':b'), 'bench', 'posted',
               %(spend)s, %(spend)s, 0, (SELECT SUM({_PENCE}) FROM generate_series(1, %(spend)s) g), '[]', now(),
               now()
          FROM ledger_period p
         WHERE p.financial_year = %(year)s AND p.number = %(month)s
        RETURNING id, fund_id
    )
    INSERT INTO ledger_journalentry (fund_id, period_id, kind, description, posted_at, ledger_import_id)
    SELECT i.fund_id, p.id, 'import', %(description)s, now(), i.id
      FROM imports i JOIN ledger_period p ON p.fund_id = i.fund_id
     WHERE p.financial_year = %(year)s AND p.number = %(month)s
    RETURNING id
"""  # noqa: S608 - the script's own constants
_LINES = f"""
    INSERT INTO ledger_journalline (entry_id, fund_id, period_id, account_id, amount_pence, posting_date,
                                    cost_centre, subjective, description, source_line_id{{extra_columns}})
    SELECT e.id, e.fund_id, e.period_id,
           CASE WHEN g %% {COST_CENTRES} < {COST_CENTRES // 2} THEN a.care ELSE a.dfg END, {_PENCE},
           %(first_day)s::date + g %% %(days)s, 'CC' || lpad((g %% {COST_CENTRES} + 1)::text, 4, '0'),
           (50100 + g %% 50)::text, 'Supplier payment ' || lpad((g * 7919 %% 1000000)::text, 6, '0'),
           %(source_prefix)s || g{{extra_values}}
      FROM ledger_journalentry e JOIN ledger_period p ON p.id = e.period_id
      JOIN bench_accounts a ON a.fund_id = e.fund_id CROSS JOIN generate_series(1, %(spend)s) g
     WHERE e.id = ANY(%(entries)s)
    UNION ALL
    SELECT e.id, e.fund_id, e.period_id, a.creditors, -(SELECT SUM({_PENCE}) FROM generate_series(1, %(spend)s) g),
           NULL, '', '', %(owed)s, NULL{{extra_values}}
      FROM ledger_journalentry e JOIN ledger_period p ON p.id = e.period_id
      JOIN bench_accounts a ON a.fund_id = e.fund_id
     WHERE e.id = ANY(%(entries)s)
"""  # noqa: S608 - the script's own constants
# As balances_apply does, from the lines just inserted.
_BALANCES = """
    INSERT INTO ledger_balance (fund_id, account_id, period_id, amount_pence, line_count)
    SELECT fund_id, account_id, period_id, SUM(amount_pence), COUNT(*)
      FROM ledger_journalline WHERE entry_id = ANY(%(entries)s)
     GROUP BY fund_id, account_id, period_id
    ON CONFLICT (account_id, period_id) DO UPDATE
       SET amount_pence = ledger_balance.amount_pence + excluded.amount_pence,
           line_count = ledger_balance.line_count + excluded.line_count
"""


def _extra_columns(connection) -> tuple[str, str]:
    """A journal-lines table partitioned by financial year may carry the year on each line: fill it from the
    period when it is there; refuse any other column the generator does not know of that needs a value."""
    known = {"id", "entry_id", "fund_id", "period_id", "account_id", "amount_pence", "posting_date", "cost_centre",
             "subjective", "description", "source_line_id"}
    rows = connection.execute(
        "SELECT column_name, is_nullable, column_default, is_identity FROM information_schema.columns "
        "WHERE table_name = 'ledger_journalline' AND table_schema = current_schema()").fetchall()
    columns, values = "", ""
    for name, nullable, default, identity in rows:
        if name in known:
            continue
        if name == "financial_year":
            columns, values = ", financial_year", ", p.financial_year"
        elif nullable == "NO" and default is None and identity == "NO":
            sys.exit(f"ledger_journalline has a column {name} that the generator does not know how to fill")
    return columns, values


def _month_post(database_url: str, year: int, month: int, spend: int) -> None:
    """One month's imports for every fund, in one transaction of its own connection."""
    import psycopg

    first_day = date(year + (month > 9), (month + 2) % 12 + 1, 1)
    next_month = date(first_day.year + (first_day.month == 12), first_day.month % 12 + 1, 1)
    filename = f"gl-{year}-{month:02d}.csv"
    parameters = {
        "year": year, "month": month, "spend": spend, "filename": filename,
        "description": f"General-ledger import {filename}: {year}-{(year + 1) % 100:02d}/M{month:02d}",
        "first_day": first_day, "days": (next_month - first_day).days, "source_prefix": f"GL{year}{month:02d}-",
        "owed": f"Owed to suppliers: {filename}",
    }
    with psycopg.connect(database_url) as connection:
        extra_columns, extra_values = _extra_columns(connection)
        connection.execute(_ACCOUNTS)
        with connection.transaction():
            parameters["entries"] = [row[0] for row in connection.execute(_IMPORTS_AND_ENTRIES, parameters)]
            connection.execute(_LINES.format(extra_columns=extra_columns, extra_values=extra_values), parameters)
            connection.execute(_BALANCES, parameters)


def generate(database_url: str, lines: int, jobs: int, fund: int) -> dict:
    """Monthly imports over the five years for every fund, about ``lines`` lines in all, ``jobs`` months at a time;
    returns what was made."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        funds = connection.execute("SELECT COUNT(*) FROM ledger_fund").fetchone()[0]
    spend = max(1, lines // (funds * len(YEARS) * 12) - 1)  # and one line to creditors per entry
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        posted = {pool.submit(_month_post, database_url, year, month, spend): (year, month)
                  for year in YEARS for month in range(1, 13)}
        try:
            for done, future in enumerate(as_completed(posted), start=1):
                future.result()
                if done % 12 == 0:
                    print(f"  {done} of {len(posted)} months posted ({time.perf_counter() - started:.0f} s)",
                          flush=True)
        except BaseException:  # stopped, or a month failed: post no more (dropping the database ends the rest)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    seconds = time.perf_counter() - started
    with psycopg.connect(database_url) as connection:
        connection.execute(_DATA_CHANGED)
        made = connection.execute("SELECT COUNT(*) FROM ledger_journalline").fetchone()[0]
        # Each entry adding up to zero the database checked at each commit; the balances of the measured fund:
        drift = connection.execute(
            "SELECT COUNT(*) FROM (SELECT * FROM ledger_balance WHERE fund_id = %(fund)s) b FULL JOIN ("
            "SELECT account_id, period_id, SUM(amount_pence) AS pence, COUNT(*) AS lines FROM ledger_journalline "
            "WHERE fund_id = %(fund)s GROUP BY account_id, period_id) l USING (account_id, period_id) "
            "WHERE b.amount_pence IS DISTINCT FROM l.pence OR b.line_count IS DISTINCT FROM l.lines",
            {"fund": fund}).fetchone()[0]
    if drift:
        sys.exit(f"the generated ledger is wrong: {drift} balances of fund {fund} are not the sum of their lines")
    return {"lines": made, "funds": funds, "lines_per_fund_month": spend + 1, "seconds": seconds}


def vacuum_and_sizes(database_url: str) -> dict:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        started = time.perf_counter()
        connection.execute(f"VACUUM (ANALYZE) {', '.join(LEDGER_TABLES)}")
        vacuum = time.perf_counter() - started
        sizes = {}
        for table in LEDGER_TABLES:
            # pg_partition_tree: a partitioned table's size is its partitions'.
            total, indexes, heap = connection.execute(
                "SELECT SUM(pg_total_relation_size(relid)), SUM(pg_indexes_size(relid)), SUM(pg_relation_size(relid)) "
                "FROM (SELECT relid FROM pg_partition_tree(%s::regclass) UNION SELECT %s::regclass) tree",
                [table, table]).fetchone()
            rows = connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - our own names
            sizes[table] = {"rows": rows, "total": int(total), "indexes": int(indexes), "heap": int(heap)}
        index_sizes = dict(connection.execute(
            "SELECT i.indexrelid::regclass::text, pg_relation_size(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid IN (SELECT relid FROM pg_partition_tree('ledger_journalline'::regclass) "
            "UNION SELECT 'ledger_journalline'::regclass)").fetchall())
        database = connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return {"vacuum_seconds": vacuum, "tables": sizes, "line_indexes": index_sizes, "database": database}


# In a child process: the pages ----------------------------------------------------------------------------------

def measure(fund_id: int, repeat: int) -> None:
    """The median of ``repeat`` runs of each page, report and service, after one untimed run; prints JSON."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from s75.accounts.models import User
    from s75.core.fiscal import FinancialYear, Quarter
    from s75.ledger.models import Fund
    from s75.monitoring.selectors import monitoring_report
    from s75.reports.selectors import report_snapshot
    from s75.settlement.services import settlement_run_create

    settings.ALLOWED_HOSTS = ["testserver"]
    fund = Fund.objects.select_related("agreement").get(pk=fund_id)
    year = FinancialYear(LAST_YEAR)
    manager, england = Client(), Client()
    manager.force_login(User.objects.get(username=MANAGER))
    england.force_login(User.objects.get(username=ENGLAND))
    dashboard_path = f"/funds/{fund_id}/monitoring/?period={year.label}/M12"

    def get(client, path):
        def run():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return run

    def drawn(page):
        def run():
            cache.clear()
            page()
        return run

    def settle():
        with transaction.atomic():
            settlement_run_create(actor=None, agreement=fund.agreement, year=year)
            transaction.set_rollback(True)

    actual = monitoring_report(agreement=fund.agreement, year=year, month=12).total("actual_to_date")
    tasks = {
        "dashboard": drawn(get(manager, dashboard_path)),
        "dashboard_kept": get(manager, dashboard_path),
        "monitoring": lambda: monitoring_report(agreement=fund.agreement, year=year, month=12),
        "settlement": settle,
        "quarterly": lambda: report_snapshot(fund=fund, quarter=Quarter(year, 3), version=1,
                                             prepared_on=timezone.localdate(), generated_by="Bench"),
        "national": drawn(get(england, "/bcf/national/")),
        "national_kept": get(england, "/bcf/national/"),
    }
    timings, cpu = {}, {}
    for name, task in tasks.items():
        task()
        timings[name], cpu[name] = [], []
        for _ in range(repeat):
            connection.ensure_connection()
            server = connection.connection.info.backend_pid
            started, cpu_before = time.perf_counter(), on_cpu("self") + on_cpu(server)
            task()
            timings[name].append(time.perf_counter() - started)
            # A connection the task closed and opened again loses its server's time (never with CONN_MAX_AGE).
            cpu[name].append(on_cpu("self") + on_cpu(server) - cpu_before)
    print(json.dumps({"timings": timings, "cpu": cpu, "actual_to_date": actual,
                      "cache": settings.CACHES["default"]["BACKEND"]}))


def on_cpu(pid) -> float:
    """Seconds a process has run on a CPU, to the nanosecond (``/proc/<pid>/schedstat``); 0 once it has ended."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except FileNotFoundError:
        return 0.0


# In the parent: the import, the backup ---------------------------------------------------------------------------

def month_file(folder: Path, lines: int, number: int) -> Path:
    """A general-ledger file of ``lines`` lines dated in March 2026 (2025-26/M12), with new source line ids."""
    path = folder / f"month-{number}.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(ledger_import.HEADINGS)
        for line in range(1, lines + 1):
            pence = line * 7919 % 2_500_000 + 1
            writer.writerow([date(LAST_YEAR + 1, 3, 1 + line % 31).isoformat(), f"CC{line % COST_CENTRES + 1:04d}",
                             str(50100 + line % 50), f"Supplier payment {line:06d}",
                             f"{pence // 100}.{pence % 100:02d}", f"NEW{number}-{line:08d}"])
    return path


def cost_centre_file(folder: Path) -> Path:
    path = folder / "cost-centres.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["cost centre", "schedule"])
        for index in range(COST_CENTRES):
            writer.writerow([f"CC{index + 1:04d}", 1 if index < COST_CENTRES // 2 else 2])
    return path


def import_once(database_url: str, env: dict, fund: int, folder: Path, lines: int, number: int) -> tuple[float, float]:
    """Wall and CPU seconds (the child's own, from ``wait4``) of ``s75 import-ledger`` of a new month's file."""
    path = month_file(folder, lines, number)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "s75", "import-ledger", str(path), "--fund", str(fund),
                                    "--quiet"], env={**env, "DATABASE_URL": database_url}, cwd=ROOT, stdout=out,
                                   stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status):
            out.seek(0)
            err.seek(0)
            sys.exit(f"the import failed:\n{out.read()}\n{err.read()[-5000:]}")
    path.unlink()
    return seconds, usage.ru_utime + usage.ru_stime


def backup(server_url: str, name: str, lines: int, folder: Path) -> dict:
    """Time ``pg_dump -Fc`` of database ``name`` and ``pg_restore`` of the dump into a new database; print each and
    return the seconds and the dump's size."""
    import psycopg

    parts = urlsplit(server_url)
    connect = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    dump = folder / "national.dump"
    started = time.perf_counter()
    subprocess.run(["pg_dump", *connect, "-Fc", "-f", str(dump), name], check=True)
    result = {"dump": time.perf_counter() - started, "dump_mib": dump.stat().st_size / 2**20}
    print(f"{lines:>12,} lines: pg_dump -Fc {result['dump']:.1f} s, {result['dump_mib']:,.0f} MiB (load average "
          f"{load()})", flush=True)
    restored_name = f"{name}_restored"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        started = time.perf_counter()
        subprocess.run(["pg_restore", *connect, "-d", restored_name, str(dump)], check=True)
        result["restore"] = time.perf_counter() - started
        print(f"{lines:>12,} lines: pg_restore {result['restore']:.1f} s (load average {load()})", flush=True)
    finally:
        dump.unlink()
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
    return result


# The run --------------------------------------------------------------------------------------------------------

@contextmanager
def database(server_url: str, name: str, template: str | None = None, keep: bool = False):
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        if keep:
            print(f"Kept database {name}")
        else:
            with psycopg.connect(server_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare_size(url: str, lines: int, jobs: int, fund: int) -> dict:
    """Generate the ledger of one size, vacuum it and read its sizes."""
    print(f"\n{lines:,} lines (load average {load()})", flush=True)
    result = {"generated": generate(url, lines, jobs, fund)}
    print(f"  {result['generated']['lines']:,} lines generated in {result['generated']['seconds']:.0f} s", flush=True)
    result["storage"] = vacuum_and_sizes(url)
    print(f"  VACUUM (ANALYZE) {result['storage']['vacuum_seconds']:.1f} s; database "
          f"{result['storage']['database'] / 2**20:,.0f} MiB", flush=True)
    result.update(timings={key: [] for key, _ in MEASURES}, cpu={key: [] for key, _ in MEASURES}, loads=[])
    return result


def database_stats(url: str) -> dict:
    """The database's blocks read from disk or the OS, found in shared buffers, and temporary bytes written, so far
    (a server process reports its own when it ends)."""
    import psycopg

    time.sleep(0.5)
    with psycopg.connect(url) as connection:
        read, hit, temp = connection.execute(
            "SELECT blks_read, blks_hit, temp_bytes FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return {"read": read, "hit": hit, "temp": temp}


def measure_round(options, env: dict, url: str, fund: int, folder: Path, result: dict, number: int) -> None:
    """One round at one size: each page ``--repeat`` times in a child process, then one import."""
    before, stats = load(), [database_stats(url)]
    measured = json.loads(child({**env, "DATABASE_URL": url}, "--measure", str(fund), "--repeat",
                                str(options.repeat)).strip().splitlines()[-1])
    stats.append(database_stats(url))
    for key in measured["timings"]:
        result["timings"][key] += measured["timings"][key]
        result["cpu"][key] += measured["cpu"][key]
    result["cache"] = measured["cache"]
    seconds, cpu = import_once(url, env, fund, folder, options.month_lines, number)
    stats.append(database_stats(url))
    result["timings"]["import"].append(seconds)
    result["cpu"]["import"].append(cpu)
    result["loads"].append((before, load()))
    for part, (start, end) in (("pages", stats[:2]), ("import", stats[1:])):
        result.setdefault("blocks", {}).setdefault(part, []).append(
            {key: end[key] - start[key] for key in ("read", "hit", "temp")})
    print(f"  round {number + 1}, {result['generated']['lines']:,} lines: load average {before} -> {load()}",
          flush=True)


PROJECTED = 500_000_000


def projected(small_lines: int, large_lines: int, small: float, large: float) -> tuple[float, float]:
    """Per million lines (the difference between the sizes over the difference in lines, so that what the base
    holds apart from the ledger is left out) and that carried on linearly to ``PROJECTED`` lines."""
    per_line = (large - small) / (large_lines - small_lines)
    return per_line * 1e6, large + per_line * (PROJECTED - large_lines)


def summary(small: dict, large: dict, options_repeat: int) -> None:
    print(f"\n{'median of ' + str(len(large['timings']['dashboard'])) + ' runs':<46}"
          f"{'wall ' + format(small['generated']['lines'], ','):>16}{format(large['generated']['lines'], ','):>11}"
          f"{'growth':>8}{'CPU':>11}{'':>11}{'growth':>8}")
    missed = []
    for key, title in MEASURES:
        walls = [statistics.median(size["timings"][key]) for size in (small, large)]
        cpus = [statistics.median(size["cpu"][key]) for size in (small, large)]
        growth, cpu_growth = walls[1] / walls[0], cpus[1] / cpus[0]
        if growth > TARGET:
            missed.append(key)
        print(f"{title:<46}{walls[0] * 1000:>13.1f} ms{walls[1] * 1000:>8.1f} ms{growth:>7.2f}x"
              f"{cpus[0] * 1000:>8.1f} ms{cpus[1] * 1000:>8.1f} ms{cpu_growth:>7.2f}x  "
              f"{'met' if growth <= TARGET else 'MISSED'}")
    print(f"\nTarget: none grows more than {TARGET}x (wall, median) for a tenfold larger ledger: "
          f"{'met' if not missed else 'missed by ' + ', '.join(missed)}. CPU: the measuring process's and its "
          "PostgreSQL backend's (an import: its own process's only).")
    runs = sum(options_repeat + 1 for _ in range(len(MEASURES) - 1))
    for part, what in (("pages", f"the pages' {runs} runs in a round"), ("import", "one import")):
        print(f"Blocks of 8 kB per round, {what}, found in shared buffers / read from the OS or disk; temporary "
              "bytes written:")
        for size in (small, large):
            print(f"  {size['generated']['lines']:>12,} lines: " + " | ".join(
                f"{block['hit']:,} / {block['read']:,}; {block['temp'] / 2**20:,.1f} MiB"
                for block in size["blocks"][part]))
    for size in (small, large):
        print(f"Load average at {size['generated']['lines']:,} lines, each round before -> after: "
              + "; ".join(f"{before} -> {after}" for before, after in size["loads"]))
    print(f"{'storage':<48}{'':>14}{'':>14}")
    for table in LEDGER_TABLES:
        for part in ("rows", "heap", "indexes", "total"):
            low, high = (size["storage"]["tables"][table][part] for size in (small, large))
            unit = 1 if part == "rows" else 2**20
            print(f"  {table + ' ' + part:<46}{low / unit:>14,.0f}{high / unit:>14,.0f}"
                  f"{'' if part == 'rows' else ' MiB'}")
    for index in sorted(large["storage"]["line_indexes"]):
        low, high = small["storage"]["line_indexes"].get(index, 0), large["storage"]["line_indexes"][index]
        print(f"  {index:<46}{low / 2**20:>14,.0f}{high / 2**20:>14,.0f} MiB")
    print(f"  {'database':<46}{small['storage']['database'] / 2**20:>14,.0f}"
          f"{large['storage']['database'] / 2**20:>14,.0f} MiB")
    print(f"  {'VACUUM (ANALYZE) of the ledger tables, s':<46}{small['storage']['vacuum_seconds']:>14.1f}"
          f"{large['storage']['vacuum_seconds']:>14.1f}")
    print(f"  {'generating the lines, s':<46}{small['generated']['seconds']:>14.1f}"
          f"{large['generated']['seconds']:>14.1f}")
    low, high = small["generated"]["lines"], large["generated"]["lines"]
    print(f"\nCarried on to {PROJECTED:,} lines (per million: the difference between the two sizes):")
    rows = [(f"{table} {part}", size["storage"]["tables"][table][part] / 2**20, "MiB")
            for table in LEDGER_TABLES for part in ("heap", "indexes", "total") for size in (small, large)]
    rows += [(index, size["storage"]["line_indexes"].get(index, 0) / 2**20, "MiB")
             for index in sorted(large["storage"]["line_indexes"]) for size in (small, large)]
    rows += [("database", size["storage"]["database"] / 2**20, "MiB") for size in (small, large)]
    rows += [("VACUUM (ANALYZE) of the ledger tables", size["storage"]["vacuum_seconds"], "s")
             for size in (small, large)]
    rows += [("generating the lines", size["generated"]["seconds"], "s") for size in (small, large)]
    for (name, low_value, unit), (_, high_value, _) in zip(rows[::2], rows[1::2], strict=True):
        per_million, at_projected = projected(low, high, low_value, high_value)
        print(f"  {name:<46}{per_million:>12,.1f} {unit} per million{at_projected:>14,.0f} {unit}")
    print(f"\nCaches: each figure after one untimed run (PostgreSQL's buffers warm); 'drawn' empties the page cache "
          f"({large['cache']}) before each request, 'kept' reads it. Lines per fund and month: "
          f"{small['generated']['lines_per_fund_month']:,} and {large['generated']['lines_per_fund_month']:,}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=20_000_000,
                        help="The full size; the small one is a tenth. 0: build the base only, and keep it.")
    parser.add_argument("--areas", type=int, default=0, help="Only the first N HWB areas (default: every area).")
    parser.add_argument("--repeat", type=int, default=5, help="Timed runs of each page in each round.")
    parser.add_argument("--rounds", type=int, default=3,
                        help="Rounds at each size, alternately; each times the pages and one import.")
    parser.add_argument("--month-lines", type=int, default=10_000, help="Lines of the imported month's file.")
    parser.add_argument("--jobs", type=int, default=2, help="Months generated at once (default 2).")
    parser.add_argument("--no-backup", dest="backup", action="store_false", help="Skip pg_dump and pg_restore.")
    parser.add_argument("--keep", action="store_true", help="Keep the databases (and print their names).")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL") or ledger_import.DEFAULT_POSTGRES,
                        help="A PostgreSQL server URL; the benchmark creates and drops its own databases there.")
    parser.add_argument("--base", help="Reuse this base database (kept by an earlier run with --keep) as it is.")
    parser.add_argument("--build-base", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--describe-base", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.build_base is not None:
        build_base(options.build_base)
        return
    if options.measure:
        measure(options.measure, options.repeat)
        return
    if options.describe_base:
        describe_base()
        return
    for binary in ("pg_dump", "pg_restore"):
        if options.backup and not shutil.which(binary):
            sys.exit(f"{binary} is not on PATH: apt-get install -y postgresql-client, or run with --no-backup")
    base = options.base or f"s75_national_{os.getpid()}"
    print(f"{platform_line(options.postgres)}; load average {load()}", flush=True)
    with (tempfile.TemporaryDirectory(prefix="s75-national-") as folder,
          dashboard_load.redis_server(folder) as (redis_url, _), ExitStack() as stack):
        folder = Path(folder)
        env = {**ledger_import.child_env(""), "S75_REDIS_URL": redis_url, "S75_SECURE_SSL_REDIRECT": "false",
               "S75_SECRET_KEY": secrets.token_urlsafe(40), "S75_VAR_DIR": str(folder)}
        started = time.perf_counter()
        if options.base:
            base_url = urlunsplit(urlsplit(options.postgres)._replace(path=f"/{base}"))
            built = json.loads(child({**env, "DATABASE_URL": base_url}, "--describe-base").strip().splitlines()[-1])
        else:
            base_url = stack.enter_context(database(options.postgres, base, keep=options.keep or not options.lines))
            built = json.loads(child({**env, "DATABASE_URL": base_url}, "--build-base",
                                     str(options.areas)).strip().splitlines()[-1])
            ledger_import.s75(base_url, "ledger-mapping", "--fund", str(built["fund"]), "--name", "bench",
                              "--columns", ledger_import.COLUMNS, "--cost-centres", str(cost_centre_file(folder)))
        print(f"Base {base}: {built['funds']} HWB areas' agreements and funds, five years of periods each, "
              f"{'reused' if options.base else 'built'} in {time.perf_counter() - started:.0f} s; measured fund "
              f"{built['fund']}", flush=True)
        if not options.lines:
            print(f"Measure with --base {base}")
            return
        # The production settings' static files, collected while the ledgers are generated (away from the base,
        # which a copy needs unconnected).
        collecting = subprocess.Popen([sys.executable, "-m", "s75", "collectstatic", "--no-input", "-v0"],
                                      env={**env, "DATABASE_URL": options.postgres}, cwd=ROOT)
        import psycopg

        with psycopg.connect(options.postgres, autocommit=True) as admin:  # a template takes no connections
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [base])
        sizes = []
        for lines in (options.lines // 10, options.lines):
            url = stack.enter_context(database(options.postgres, f"{base}_{lines}", template=base,
                                               keep=options.keep))
            sizes.append((url, f"{base}_{lines}", prepare_size(url, lines, options.jobs, built["fund"])))
        if collecting.wait():
            sys.exit("s75 collectstatic failed")
        # Alternately, so that both sizes meet the same load on a shared machine.
        for number in range(options.rounds):
            for url, _, result in sizes:
                measure_round(options, env, url, built["fund"], folder, result, number)
        small, large = (result for _, _, result in sizes)
        summary(small, large, options.repeat)
        backups = [backup(options.postgres, name, result["generated"]["lines"], folder)
                   for _, name, result in (sizes if options.backup else ())]
        if backups:
            lines = [result["generated"]["lines"] for _, _, result in sizes]
            for key, unit in (("dump", "s"), ("dump_mib", "MiB"), ("restore", "s")):
                per_million, at_projected = projected(*lines, backups[0][key], backups[1][key])
                print(f"  pg_{key:<12}{per_million:>10,.1f} {unit} per million lines{at_projected:>12,.0f} {unit} at "
                      f"{PROJECTED:,} lines")


def platform_line(server_url: str) -> str:
    import psycopg

    with psycopg.connect(server_url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
        buffers = connection.execute("SHOW shared_buffers").fetchone()[0]
        work_mem = connection.execute("SHOW work_mem").fetchone()[0]
    return (f"{os.cpu_count()} cores, PostgreSQL {version} (shared_buffers {buffers}, work_mem {work_mem}), "
            f"{time.strftime('%Y-%m-%d %H:%M %Z')}")


if __name__ == "__main__":
    main()
