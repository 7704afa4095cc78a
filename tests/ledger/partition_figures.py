"""The child processes of test_partition_migration.py, on the database ``DATABASE_URL`` names.

    python -m tests.ledger.partition_figures setup LINES   # migrated up to ledger 0009, the demo and LINES imported
    python -m tests.ledger.partition_figures figures       # every fund's figures and pages, as JSON
    python -m tests.ledger.partition_figures drop-year     # the lines as ledger 0009 left them

``setup`` leaves the ledger at migration 0009 with one column more, ``financial_year``, which this code's model
writes, and an empty ``ledger_linesource``, where this code's import looks for the ids posted before; ``drop-year``
drops both once the figures before are taken, so that ``s75 migrate`` then moves the lines as it would move a
database of 0009.
"""

import csv
import dataclasses
import json
import re
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import django


def _migrate_to_0009() -> None:
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = [key for key in executor.loader.graph.leaf_nodes() if key[0] != "ledger"]
    targets.append(("ledger", "0009_no_truncate"))
    executor.migrate(targets)
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)  # permissions, content types


def _import_lines(lines: int) -> None:
    from django.core.management import call_command

    from s75.agreements.models import Agreement
    from s75.demo.services import LUTON_GL_COLUMNS, LUTON_OUTTURN_2013_14

    fund = Agreement.objects.get(reference="luton-s75-s76-2013").fund
    centres = [f"LJ{number}{part}" for number in LUTON_OUTTURN_2013_14 for part in (0, 1)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "more-of-2013-14.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(LUTON_GL_COLUMNS.values())
            for number in range(lines):
                day = date(2013, 4, 1) + timedelta(days=number % 365)
                pence = (number * 7919) % 250_000 - 20_000 or 1
                sign = "-" if pence < 0 else ""
                writer.writerow([day.strftime("%d/%m/%Y"), centres[number % len(centres)], "5100",
                                 f"Supplier payment {number}", f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}",
                                 f"EXTRA-{number:07d}"])
        call_command("import_ledger", str(path), fund=str(fund.pk), mapping="Luton finance system", quiet=True,
                     post_anyway="a test's file")


def setup(lines: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    _migrate_to_0009()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE ledger_journalline ADD COLUMN financial_year smallint")
        cursor.execute("CREATE TABLE ledger_linesource (fund_id bigint, source_line_id varchar(100))")
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo", verbosity=0)
    _import_lines(lines)


def drop_year() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE ledger_journalline DROP COLUMN financial_year")
        cursor.execute("DROP TABLE ledger_linesource")


VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(r'nonce="[^"]*"'),
]


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    for pattern in VOLATILE:
        html = pattern.sub("", html)
    return html


def _plain(value):
    return json.loads(json.dumps(dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value,
                                 default=str))


def figures() -> dict:
    """Per fund and year: the trial balance, the spend by month, the monitoring report, the settlement's figures;
    per period and account the drill-down's lines; a search; and the pages that show them."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import setup_test_environment

    from s75.ledger.models import Fund
    from s75.ledger.selectors import (
        expenditure_by_month,
        fund_years,
        ledger_lines,
        ledger_lines_totals,
        trial_balance,
    )
    from s75.monitoring.selectors import monitoring_report
    from s75.settlement.selectors import SettlementUnavailable, settlement_inputs

    setup_test_environment()  # the test client's host allowed, as under pytest
    cache.clear()  # every page drawn afresh from the database, none kept from before
    client = Client()
    client.force_login(get_user_model().objects.filter(is_superuser=True).order_by("pk").first())
    found: dict = {}
    for fund in Fund.objects.select_related("agreement").order_by("pk"):
        here = found[fund.agreement.reference] = {}
        for year in fund_years(fund):
            label = year.label
            here[f"{label} trial balance"] = [(account.code, pence) for account, pence in
                                              trial_balance(fund=fund, year=year)]
            here[f"{label} by month"] = [(account.code, months) for account, months in
                                         expenditure_by_month(fund=fund, year=year)]
            here[f"{label} monitoring"] = _plain(monitoring_report(agreement=fund.agreement, year=year, month=12))
            try:
                here[f"{label} settlement"] = _plain(settlement_inputs(agreement=fund.agreement, year=year))
            except SettlementUnavailable as unavailable:  # a year no partner contributes to: its message
                here[f"{label} settlement"] = str(unavailable)
            here[f"{label} lines"] = _plain(ledger_lines_totals(lines=ledger_lines(fund=fund, year=year)))
            here[f"{label} dashboard page"] = _page(client, f"/funds/{fund.pk}/monitoring/?period={label}/M12")
        for period in fund.periods.order_by("financial_year", "number"):
            lines = ledger_lines(fund=fund, period=period)
            ids = list(lines.values_list("id", flat=True))
            if not ids:
                continue
            here[f"{period.label} lines"] = [ids, _plain(ledger_lines_totals(lines=lines))]
            here[f"{period.label} page"] = _page(
                client, f"/funds/{fund.pk}/lines/?year={period.year.label}&period=M{period.number:02d}")
            for account in fund.accounts.order_by("pk"):
                by_account = ledger_lines(fund=fund, period=period, account=account)
                here[f"{period.label} {account.code}"] = list(by_account.values_list("id", flat=True))
        for account in fund.accounts.order_by("pk"):
            here[f"{account.code} lines"] = list(ledger_lines(fund=fund, account=account).values_list("id",
                                                                                                  flat=True))
        here["search"] = list(ledger_lines(fund=fund, search="Supplier payment 1").values_list("id", flat=True))
        here["fund page"] = _page(client, f"/funds/{fund.pk}/")
    return found


def main() -> None:
    django.setup()
    command = sys.argv[1]
    if command == "setup":
        setup(int(sys.argv[2]))
    elif command == "figures":
        print(json.dumps(figures()))
    elif command == "drop-year":
        drop_year()


if __name__ == "__main__":
    main()
