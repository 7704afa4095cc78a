"""Faults of the production server (gunicorn with ``s75.settings.gunicorn`` and the production settings, on a
database of this module's own and Redis): a worker killed in the middle of a request that writes leaves nothing
half-written and a new worker serves the next; every database connection terminated under the load of 20 clients is
opened again without a restart, only the requests caught in the act failing."""

import os
import signal
import subprocess
import sys
import threading
import time

import psycopg
import pytest

from tests.faults import fault_record, postgresql_only
from tests.ledger.importfiles import ROOT, assert_consistent, wait_for

from .serving import Client, production_server

pytestmark = postgresql_only("production serves PostgreSQL only (s75.settings.prod)")


@pytest.fixture(scope="module")
def entry_id(scratch) -> int:
    """The fund's pooled fund manager, with a password, and an entry for them to reverse."""
    done = subprocess.run([sys.executable, "-m", "tests.settings.serving", "setup"], env=scratch.env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


def written(scratch) -> tuple:
    """What a reversal writes: entries, lines and the audit records of posted entries."""
    return scratch.query("SELECT (SELECT COUNT(*) FROM ledger_journalentry), (SELECT COUNT(*) FROM "
                         "ledger_journalline), (SELECT COUNT(*) FROM audit_auditevent WHERE action = 'entry_post')")[0]


def test_a_worker_killed_mid_request_writes_nothing_and_a_new_worker_serves_the_next(scratch, entry_id, redis_url,
                                                                                     tmp_path):
    """One worker, so that the next request must be a new one's. The reversal is held once its entry is inserted
    and before its lines are (the test holds the lines' table against inserts), the worker killed there."""
    started = time.monotonic()
    page = f"/funds/{scratch.fund_id}/entries/{entry_id}/"
    form = {"reason": "Posted twice by mistake", "period": ""}
    before = written(scratch)
    with production_server(scratch, tmp_path, redis_url, workers=1) as server:
        client = Client(server.port).sign_in()
        (killed,) = server.workers()
        outcome: list = []
        with psycopg.connect(scratch.url) as holder:
            holder.execute("LOCK TABLE ledger_journalline IN SHARE MODE")
            request = threading.Thread(target=lambda: outcome.append(_attempt(client, page, form)))
            request.start()
            wait_for(lambda: scratch.query(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = "
                "'Lock' AND query LIKE 'INSERT INTO \"ledger_journalline\"%'")[0][0] == 1, seconds=120,
                what="the reversal to wait to insert its lines, its entry inserted")
            os.kill(killed, signal.SIGKILL)
            request.join(timeout=120)
            holder.rollback()
        assert outcome and outcome[0][0] == "failed", outcome
        wait_for(lambda: not scratch.query(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )[0][0], seconds=60, what="the killed worker's transaction to end")
        assert written(scratch) == before, "the killed request wrote part of itself"
        wait_for(lambda: len(server.workers()) == 1 and server.workers() != [killed], seconds=120,
                 what="gunicorn to start a new worker")
        status, where = client.post_form(page, page + "reverse/", form)
        assert status == 302 and "/entries/" in where, (status, where[:2000])
        assert server.workers() != [killed]
        client.close()
    entries, lines, audits = written(scratch)
    assert (entries, lines, audits) == (before[0] + 1, before[1] + 2, before[2] + 1)
    assert_consistent(scratch)
    fault_record(fault="web worker SIGKILLed mid-request", tried="gunicorn (production settings, 1 worker) killed "
                 "while it reversed an entry (entry inserted, lines waiting); the reversal sent again", requests=2,
                 errors_during=1, errors_after=0, lost="nothing (no entry, line or audit record of the killed request; "
                 "the next, on a new worker, posted)", seconds=time.monotonic() - started)


def _attempt(client: Client, page: str, form: dict) -> tuple[str, object]:
    try:
        return "answered", client.post_form(page, page + "reverse/", form)
    except (OSError, ConnectionError) as error:
        return "failed", error


@pytest.mark.long
def test_every_database_connection_terminated_under_load_is_opened_again_without_a_restart(scratch, entry_id,
                                                                                          redis_url, tmp_path):
    """20 clients, each with its own session and kept connection, read the fund's page back to back; after 5 s
    every connection of the database's is terminated (pg_terminate_backend), then the clients read on for 10 s.
    Only requests already under way may fail; every request begun after answers."""
    started = time.monotonic()
    page = f"/funds/{scratch.fund_id}/"
    with production_server(scratch, tmp_path, redis_url) as server:
        clients = [Client(server.port).sign_in() for _ in range(20)]
        workers = server.workers()
        terminated_at: list[float] = []
        stop = threading.Event()
        results: list[tuple[float, bool]] = []  # when each request began, whether it answered the page

        def read(client: Client) -> None:
            while not stop.is_set():
                began = time.monotonic()
                try:
                    status, body = client.request("GET", page)
                    answered = status == 200 and "<html" in body
                except (OSError, ConnectionError):
                    answered = False
                results.append((began, answered))

        threads = [threading.Thread(target=read, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        time.sleep(5)
        with psycopg.connect(scratch.url, autocommit=True) as admin:
            (ended,) = admin.execute(
                "SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()
        terminated_at.append(time.monotonic())
        time.sleep(10)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        for client in clients:
            client.close()
        assert server.workers() == workers, "a worker was restarted"
        logged = server.errors()
    during = [answered for began, answered in results if began < terminated_at[0]]
    after = [answered for began, answered in results if began >= terminated_at[0]]
    assert ended >= 1 and len(after) >= 20
    assert after.count(False) == 0, f"{after.count(False)} of {len(after)} requests failed after; {logged[:5]}"
    fault_record(fault="database connections terminated under load",
                 tried=f"pg_terminate_backend of the database's {ended} connections while 20 clients read the fund's "
                 "page (gunicorn, production settings, kept connections with health checks)",
                 requests=len(results), errors_during=during.count(False), errors_after=0,
                 lost="nothing (no restart; reads only)", seconds=time.monotonic() - started)
