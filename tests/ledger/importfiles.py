"""General-ledger files and funds for the import tests.

``ledger_csv`` and ``ledger_xlsx`` write files as finance systems export them; ``import_fund`` is a fund with two
schedules, a column mapping and cost centres mapped. ``python -m tests.ledger.importfiles setup`` makes the same
fund in whatever database ``DATABASE_URL`` names and prints its id, for tests that run the import in another
process against a database of their own (``scratch_database``; ``ledger_counts``, ``assert_consistent`` and
``wait_for`` watch it).
"""

import csv
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]
HEADINGS = ["Posting Date", "Cost Centre", "Subjective", "Description", "Amount", "Line Id"]
COLUMNS = {
    "posting_date": "Posting Date", "cost_centre": "Cost Centre", "subjective": "Subjective",
    "description": "Description", "amount": "Amount", "source_line_id": "Line Id",
}
# Cost centre → schedule number: CC100 and CC101 are schedule 1, CC200 schedule 2.
COST_CENTRES = {"CC100": 1, "CC101": 1, "CC200": 2}


def row(day: str = "2024-04-30", centre: str = "CC100", amount: str = "100.00", line_id: str = "L1",
        subjective: str = "5010", description: str = "Care package") -> list[str]:
    return [day, centre, subjective, description, amount, line_id]


def ledger_csv(path: Path, rows: list[list[str]], *, headings: list[str] = HEADINGS, bom: bool = False,
               line_end: str = "\r\n", above: list[list[str]] = ()) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator=line_end)
        writer.writerows(above)
        writer.writerow(headings)
        writer.writerows(rows)
    return path


def ledger_xlsx(path: Path, rows: list[list], *, headings: list[str] = HEADINGS) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for cells in rows:
        sheet.append(cells)
    workbook.save(path)
    return path


def generated_rows(count: int, *, start: int = 1, prefix: str = "GL", months: int = 12) -> list[list[str]]:
    """``count`` good rows over the first ``months`` months of 2024-25, source line ids ``GL000001``…"""
    first = date(2024, 4, 1)
    centres = list(COST_CENTRES)
    rows = []
    for number in range(start, start + count):
        day = first + timedelta(days=(number * 7) % (months * 30))
        pence = (number * 7919) % 250_000 + 1
        rows.append([day.isoformat(), centres[number % len(centres)], "5010", f"Payment {number}",
                     f"{pence // 100}.{pence % 100:02d}", f"{prefix}{number:06d}"])
    return rows


def rows_total(rows: list[list[str]]) -> int:
    return sum(int(cells[4].replace(".", "")) for cells in rows)


def import_fund(*, actor=None):
    """A fund whose agreement has two schedules, with the mapping ``finance`` and the cost centres mapped."""
    from s75.agreements.services import schedule_create
    from s75.ledger.mappings import column_mapping_save, cost_centre_mappings_save
    from s75.ledger.services import fund_open
    from tests.factories import complete_agreement

    agreement = complete_agreement(actor=actor)
    schedule_create(actor=actor, agreement=agreement, title="Reablement")
    fund = fund_open(actor=actor, agreement=agreement)
    schedules = {schedule.number: schedule for schedule in agreement.schedules.all()}
    column_mapping_save(actor=actor, fund=fund, name="finance", columns=COLUMNS)
    cost_centre_mappings_save(actor=actor, fund=fund,
                              mappings={code: schedules[number] for code, number in COST_CENTRES.items()})
    return fund


def run(fund, mapping, path, **options):
    """``ledger_import`` of the file, by nobody unless an ``actor`` is given."""
    from s75.ledger.importing import ledger_import

    return ledger_import(actor=options.pop("actor", None), fund=fund, path=path, mapping=mapping, **options)


def expenditure(fund, number):
    from s75.ledger.models import AccountRole

    return fund.accounts.get(role=AccountRole.EXPENDITURE, schedule__number=number)


def assert_ledger_consistent(fund):
    """Every entry adds up to zero and every running balance equals the sum of its lines."""
    from django.db.models import Count, Sum

    from s75.ledger.models import Balance, JournalEntry, JournalLine

    totals = JournalEntry.objects.filter(fund=fund).annotate(total=Sum("lines__amount_pence"))
    assert not totals.exclude(total=0).exists()
    from_lines = {
        (row["account_id"], row["period_id"]): (row["total"], row["n"])
        for row in JournalLine.objects.filter(fund=fund).values("account_id", "period_id")
        .annotate(total=Sum("amount_pence"), n=Count("id"))
    }
    running = {(b.account_id, b.period_id): (b.amount_pence, b.line_count) for b in Balance.objects.filter(fund=fund)}
    assert running == from_lines


# A database of a test's own, for imports run in other processes --------------------------------------------------


@dataclass
class Scratch:
    url: str
    fund_id: int
    env: dict

    def s75(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "s75", *args], env=self.env, cwd=ROOT, capture_output=True,
                              text=True, **kwargs)

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "s75", *args], env=self.env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def worker(self, log: Path) -> subprocess.Popen:
        """``s75 worker`` on this database, looking for tasks five times a second, its output in ``log``."""
        with log.open("a") as stream:
            return subprocess.Popen([sys.executable, "-m", "s75", "worker", "--no-reload", "--no-startup-delay",
                                     "--interval", "0.2"], env=self.env, cwd=ROOT, stdout=stream,
                                    stderr=subprocess.STDOUT)

    def task(self, task_id: str) -> tuple[str, str]:
        """The status and traceback of the task result with this id."""
        stored = task_id if self.url.startswith("postgres") else task_id.replace("-", "")  # SQLite keeps a UUID bare
        return self.query("SELECT status, traceback FROM django_tasks_database_dbtaskresult "
                          f"WHERE id = '{stored}'")[0]

    def page(self, method: str, url: str, upload: Path | None = None) -> subprocess.CompletedProcess:
        """A page of the site, signed in as the fund's pooled fund manager: the response's status, then its
        redirect or body."""
        return subprocess.run([sys.executable, "-m", "tests.ledger.importfiles", "page", str(self.fund_id), method,
                               url, str(upload or "")], env=self.env, cwd=ROOT, capture_output=True, text=True,
                              timeout=120)

    def query(self, sql: str) -> list[tuple]:
        if self.url.startswith("sqlite"):
            import sqlite3

            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as connection:
                return connection.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url) as connection:
            return connection.execute(sql).fetchall()


def scratch_database(vendor: str, folder: Path, name: str):
    """Make, migrate and set up a database of the same kind as the test database; yield it, then drop it."""
    # The processes of a test share its var folder (uploads) and cache (progress), and keep tasks in the database
    # for the `s75 worker` the test starts.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "s75.settings.test", "S75_VAR_DIR": str(folder / "var"),
           "S75_CACHE_DIR": str(folder / "cache"), "S75_TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    if vendor == "postgresql":
        import psycopg
        from psycopg import sql

        server = os.environ["DATABASE_URL"]
        url = server.rsplit("/", 1)[0] + f"/{name}"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    else:
        url = f"sqlite:///{folder / (name + '.sqlite3')}"
    env["DATABASE_URL"] = url
    try:
        for command in (["-m", "s75", "migrate", "--no-input", "-v0"], ["-m", "tests.ledger.importfiles", "setup"]):
            done = subprocess.run([sys.executable, *command], env=env, cwd=ROOT, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        fund_id = json.loads(done.stdout.strip().splitlines()[-1])["fund"]
        yield Scratch(url=url, fund_id=fund_id, env=env)
    finally:
        if vendor == "postgresql":
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def ledger_counts(scratch: Scratch) -> tuple[int, int, int]:
    """The scratch database's journal lines, entries and posted imports."""
    (counts,) = scratch.query(
        "SELECT (SELECT COUNT(*) FROM ledger_journalline), (SELECT COUNT(*) FROM ledger_journalentry), "
        "(SELECT COUNT(*) FROM ledger_ledgerimport WHERE status = 'posted')")
    return counts


def assert_consistent(scratch: Scratch) -> None:
    """Every entry balances; every running balance equals the sum of its lines."""
    (unbalanced,) = scratch.query(
        "SELECT COUNT(*) FROM (SELECT entry_id FROM ledger_journalline GROUP BY entry_id "
        "HAVING SUM(amount_pence) <> 0) e")[0]
    drift = scratch.query(
        "SELECT COUNT(*) FROM ledger_balance b WHERE b.amount_pence <> (SELECT SUM(l.amount_pence) FROM "
        "ledger_journalline l WHERE l.account_id = b.account_id AND l.period_id = b.period_id) OR b.line_count <> "
        "(SELECT COUNT(*) FROM ledger_journalline l WHERE l.account_id = b.account_id AND l.period_id = b.period_id)"
    )[0][0]
    (missing,) = scratch.query(
        "SELECT COUNT(*) FROM (SELECT account_id, period_id FROM ledger_journalline GROUP BY account_id, period_id) "
        "s WHERE NOT EXISTS (SELECT 1 FROM ledger_balance b WHERE b.account_id = s.account_id "
        "AND b.period_id = s.period_id)")[0]
    assert (unbalanced, drift, missing) == (0, 0, 0)


def wait_for(condition, *, seconds: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail saying what was awaited once ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.01)


def progress(path: Path) -> dict:
    """What a progress file holds so far (nothing while it is not yet written whole)."""
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _setup() -> None:
    import django

    django.setup()
    print(json.dumps({"fund": import_fund().pk}))


def _page(fund_id: str, method: str, url: str, upload: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from s75.accounts.services import roles_sync
    from s75.ledger.models import Fund
    from tests.factories import UserFactory

    fund = Fund.objects.get(pk=fund_id)
    client = Client(SERVER_NAME="localhost")
    # Signed in once and the session kept, so that reading a page writes nothing: on SQLite a running import is the
    # database's one writer.
    session = Path(os.environ["S75_VAR_DIR"]) / "page-session"
    if session.exists():
        client.cookies[settings.SESSION_COOKIE_NAME] = session.read_text()
    else:
        roles_sync()
        user = UserFactory(username="page.manager", role="Pooled fund manager",
                           organisation=fund.agreement.parties.get(is_host=True).organisation)
        client.force_login(user)
        session.parent.mkdir(parents=True, exist_ok=True)
        session.write_text(client.cookies[settings.SESSION_COOKIE_NAME].value)
    if method == "upload":
        response = client.post(url, {"file": SimpleUploadedFile(Path(upload).name, Path(upload).read_bytes()),
                                     "mapping": fund.column_mappings.get(name="finance").pk})
        print(response.status_code, response.get("Location", ""))
    else:
        response = client.get(url)
        print(response.status_code, response.content.decode())


if __name__ == "__main__" and sys.argv[1:] == ["setup"]:
    _setup()
elif __name__ == "__main__" and sys.argv[1:2] == ["page"]:
    _page(*sys.argv[2:6])
