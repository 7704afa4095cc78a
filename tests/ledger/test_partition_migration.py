"""Ledger 0010 run on a database holding the demo and imported lines: every figure and page the same after.

The database is a scratch one, set up and read by child processes (tests/ledger/partition_figures.py): migrated up
to ledger 0009, the demo loaded and 20,000 more lines (``S75_PARTITION_LINES``) imported into Luton's fund, the
figures taken; then ``s75 migrate`` moves the lines into the partitions, and the figures are taken again.
"""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.ledger.importfiles import ROOT

pytestmark = [
    pytest.mark.long,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="only PostgreSQL partitions the lines: on SQLite the migration adds the year alone"),
]

# 1,000,000 for the run issue 18 asks for (S75_PARTITION_LINES=1000000, about ten minutes); 20,000 in the suite.
LINES = int(os.environ.get("S75_PARTITION_LINES", "20000"))


def _run(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-5000:]
    return done.stdout


def test_every_page_and_report_gives_the_same_figures_after_the_lines_are_partitioned(tmp_path):
    import psycopg
    from psycopg import sql

    name = f"s75_partition_{os.getpid()}"
    server = os.environ["DATABASE_URL"]
    url = server.rsplit("/", 1)[0] + f"/{name}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "s75.settings.test", "DATABASE_URL": url,
           "S75_VAR_DIR": str(tmp_path / "var"), "S75_CACHE_DIR": str(tmp_path / "cache")}
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        _run(env, "-m", "tests.ledger.partition_figures", "setup", str(LINES))
        before = json.loads(_run(env, "-m", "tests.ledger.partition_figures", "figures"))
        _run(env, "-m", "tests.ledger.partition_figures", "drop-year")
        _run(env, "-m", "s75", "migrate", "--no-input", "-v0")
        after = json.loads(_run(env, "-m", "tests.ledger.partition_figures", "figures"))
        with psycopg.connect(url) as database:
            partitioned, lines, in_partitions, sources = database.execute(
                "SELECT (SELECT relkind FROM pg_class WHERE relname = 'ledger_journalline'), "
                "(SELECT count(*) FROM ledger_journalline), (SELECT count(*) FROM ONLY ledger_journalline_y2013), "
                "(SELECT count(*) FROM ledger_linesource)").fetchone()
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    assert partitioned == "p" and in_partitions >= LINES and sources >= LINES and lines >= in_partitions
    luton = before["luton-s75-s76-2013"]
    assert len(luton["2013-14/M01 lines"][0]) > LINES // 24  # the imported lines (about a twelfth) are there to compare
    assert before.keys() == after.keys()
    for fund, figures in before.items():
        assert figures.keys() == after[fund].keys(), fund
        for what, value in figures.items():
            assert value == after[fund][what], (fund, what)
