"""Faults while a report is made: the disk of the reports folder full (a clear refusal, no half file, no version),
and the worker making it killed part-way (no version kept, the task marked failed by the next worker, a rerun
made)."""

import errno
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.urls import reverse

from s75.accounts.models import User
from s75.reports.models import ReportRun, ReportVersion
from s75.reports.selectors import report_file_path
from tests.faults import fault_record, postgresql_only
from tests.ledger.importfiles import wait_for

pytestmark = pytest.mark.django_db


@contextmanager
def full_disk(folder: Path, monkeypatch):
    """``folder`` on a filesystem of 16 KB, too small for a report's PDF: a tmpfs mounted there (as root), else
    every file written in Python refused with ENOSPC once 16 KB of it are written, as a full disk does. Yields
    which of the two it is."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0
    if not mounted:
        def write_bytes(path, data):
            with path.open("wb") as stream:
                stream.write(data[:16_384])
                if len(data) > 16_384:
                    raise OSError(errno.ENOSPC, "No space left on device")
            return 16_384

        monkeypatch.setattr(Path, "write_bytes", write_bytes)
    try:
        yield "a 16 KB tmpfs" if mounted else "16 KB written, then ENOSPC"
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=True)
        else:
            monkeypatch.undo()


def test_a_full_disk_refuses_the_report_with_a_clear_error_and_keeps_no_half_file(client, luton_fund, var_dir,
                                                                                   django_capture_on_commit_callbacks,
                                                                                   monkeypatch):
    started = time.monotonic()
    client.force_login(User.objects.get(username="luton.manager"))
    generate = reverse("reports:generate", args=[luton_fund.pk])
    with full_disk(var_dir / "reports", monkeypatch) as disk:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(generate, {"quarter": "2013-14/Q2", "formats": ["pdf", "xlsx"]})
        left = [path.name for path in (var_dir / "reports").rglob("*") if path.is_file()]
    run = ReportRun.objects.get()
    assert (ReportVersion.objects.count(), run.version, left) == (0, None, [])
    page = client.get(response.url).content.decode()
    assert "The report could not be made" in page
    assert ("The report&#x27;s file could not be written to the reports folder (No space left on device): no version "
            "was kept; ask the system&#x27;s administrators to free space there") in page
    assert "Traceback" not in page and "Errno" not in page

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(generate, {"quarter": "2013-14/Q2", "formats": ["pdf", "xlsx"]})
    version = ReportVersion.objects.get()
    assert "is ready" in client.get(again.url).content.decode()
    assert all(report_file_path(version=version, fmt=fmt).stat().st_size > 16_384 for fmt in ("pdf",))
    fault_record(fault="var/ full while a report is written", tried=f"the quarterly report (PDF and Excel) onto {disk}",
                 requests=2, errors_during=1, errors_after=0, lost="nothing (no version, no file; the rerun made v1)",
                 seconds=time.monotonic() - started)


# On a real ``s75 worker``, against a database of this module's own.

START = """
import django
django.setup()
from s75.core.fiscal import Quarter
from s75.ledger.models import Fund
from s75.reports.tasks import report_generate_start
run = report_generate_start(actor=None, fund=Fund.objects.get(pk={fund}), quarter=Quarter.parse("2024-25/Q1"),
                            formats=["pdf", "xlsx"])
print(run.pk)
"""


def report_start(scratch) -> tuple[int, str]:
    """Ask for the fund's 2024-25/Q1 report as a page does: the run's id and its task's."""
    done = subprocess.run([sys.executable, "-c", START.format(fund=scratch.fund_id)], env=scratch.env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    run_id = int(done.stdout.split()[-1])
    wait_for(lambda: scratch.query(f"SELECT task_id FROM reports_reportrun WHERE id = {run_id}")[0][0], seconds=60,
             what="the report's task to be enqueued")
    return run_id, scratch.query(f"SELECT task_id FROM reports_reportrun WHERE id = {run_id}")[0][0]


@postgresql_only("the worker is held part-way by a row lock that another connection holds")
def test_a_worker_killed_while_it_keeps_a_report_keeps_no_version_and_the_rerun_is_made(scratch, tmp_path):
    """The worker is held as it keeps the version (both files written, the fund's row awaited), then killed: no
    version is recorded, the next worker marks the task failed, the run's page says so, and a rerun is made."""
    started = time.monotonic()
    log = tmp_path / "worker.log"
    with psycopg.connect(scratch.url) as holder:
        # Against the worker's lock of the fund's row (FOR UPDATE), not the new run's reference to it (FOR KEY SHARE).
        holder.execute("SELECT id FROM ledger_fund WHERE id = %s FOR NO KEY UPDATE", [scratch.fund_id])
        run_id, task_id = report_start(scratch)
        worker = scratch.worker(log)
        try:
            wait_for(lambda: scratch.query(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = "
                "'Lock' AND query LIKE '%ledger_fund%FOR UPDATE%'")[0][0] == 1, seconds=120,
                what="the worker to wait for the fund's row with the report's files written")
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=60)
            killed = worker.pid
        finally:
            worker.kill()
            worker.wait(timeout=60)
        holder.rollback()
    assert scratch.query("SELECT COUNT(*) FROM reports_reportversion")[0][0] == 0
    assert scratch.task(task_id)[0] == "RUNNING", "nothing says otherwise until a worker starts"

    worker = scratch.worker(log)
    try:
        wait_for(lambda: scratch.task(task_id)[0] == "FAILED", seconds=120, what="the next worker to fail the task")
        assert f"the worker running it stopped (process {killed} on host " in scratch.task(task_id)[1]
        page = scratch.page("get", f"/funds/{scratch.fund_id}/reports/runs/{run_id}/").stdout
        assert "The report stopped before it finished" in page and "no version was kept" in page
        again, again_task = report_start(scratch)
        wait_for(lambda: scratch.task(again_task)[0] in {"SUCCESSFUL", "FAILED"}, seconds=300,
                 what="the report to be made again")
        assert scratch.task(again_task)[0] == "SUCCESSFUL", scratch.task(again_task)[1]
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=120)
    assert scratch.query("SELECT number, pdf_file <> '', xlsx_file <> '' FROM reports_reportversion") == [
        (1, True, True)]
    assert scratch.query(f"SELECT version_id IS NOT NULL FROM reports_reportrun WHERE id = {again}") == [(True,)]
    fault_record(fault="task worker SIGKILLed mid-report", tried="s75 worker killed as it kept the 2024-25/Q1 "
                 "report (files written, version not yet recorded); next worker started; the report asked again",
                 requests=2, errors_during=1, errors_after=0, lost="nothing (no version recorded; task FAILED, "
                 "the rerun made version 1)", seconds=time.monotonic() - started)

