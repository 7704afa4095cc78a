"""An import asked for from a page: recorded, enqueued once committed, run as the user who asked, its outcome (or
why it failed) kept on the run, its progress in the cache, its upload deleted; and the same on a real
``s75 worker``, which killed part-way posts nothing and is said to have stopped once the next worker starts."""

import contextlib
import json
import signal
import time
from pathlib import Path

import psycopg
import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from s75.audit.models import AuditEvent
from s75.jobs.progress import progress_get
from s75.ledger.mappings import column_mapping_save, cost_centre_mappings_save
from s75.ledger.models import ImportRun, JournalLine, LedgerImport
from s75.ledger.services import LedgerError
from s75.ledger.tasks import checked_file_post, ledger_import_start, ledger_import_task
from tests.factories import UserFactory
from tests.faults import fault_record

from .importfiles import (
    COLUMNS,
    assert_consistent,
    generated_rows,
    import_fund,
    ledger_counts,
    ledger_csv,
    row,
    wait_for,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("var_dir")]


@pytest.fixture
def fund():
    return import_fund()


def test_an_import_is_enqueued_once_its_run_is_committed_and_keeps_its_outcome(fund, tmp_path,
                                                                              django_capture_on_commit_callbacks):
    manager = UserFactory(role="Pooled fund manager")
    path = ledger_csv(tmp_path / "gl.csv", generated_rows(40))
    with django_capture_on_commit_callbacks() as callbacks:
        run = ledger_import_start(actor=manager, fund=fund, mapping=fund.column_mappings.get(),
                                  upload=SimpleUploadedFile("April GL.csv", path.read_bytes()))
    run.refresh_from_db()
    assert (run.task_id, run.outcome, len(callbacks)) == (None, None, 1), "nothing runs before the commit"
    assert (run.filename, run.created_by, run.dry_run) == ("April GL.csv", manager, False)
    callbacks[0]()
    run.refresh_from_db()
    assert (run.outcome["status"], run.outcome["rows_posted"], run.error) == ("posted", 40, "")
    assert run.ledger_import.rows_posted == 40, "kept with the posting, in its transaction"
    assert JournalLine.objects.get(source_line_id="GL000001").entry.ledger_import.created_by == manager
    assert progress_get(run.task_id)["stage"] == "finished"
    assert not list((tmp_path / "var" / "uploads").iterdir())


def test_a_task_that_raises_keeps_why_on_its_run(fund, tmp_path):
    other = import_fund()
    run = ImportRun.objects.create(fund=fund, mapping=other.column_mappings.get(), filename="gl.csv",
                                   upload=str(ledger_csv(tmp_path / "gl.csv", generated_rows(3))))
    result = ledger_import_task.enqueue(run_id=run.pk)
    run.refresh_from_db()
    assert result.status == "FAILED" and run.outcome is None
    assert run.error == "LedgerError: the mapping 'finance' belongs to another fund"
    assert not (tmp_path / "gl.csv").exists(), "the upload is deleted whatever the outcome"


# On a real ``s75 worker``, against a database of this module's own.

def test_an_upload_runs_on_the_worker_and_a_worker_killed_part_way_posts_nothing_and_says_so(scratch, tmp_path):
    """From the page to a real ``s75 worker``: the progress shows as the worker reads the file; the worker killed
    part-way posts nothing; the next worker marks the task failed with the reason, which the page shows; the same
    file then imports."""
    started = time.monotonic()
    rows = generated_rows(100_000, prefix="WK")
    path = ledger_csv(tmp_path / "upload.csv", rows)
    before = ledger_counts(scratch)
    log = tmp_path / "worker.log"
    worker = scratch.worker(log)
    with _fund_held(scratch):
        try:
            run_url = upload_from_the_page(scratch, path)
            task_id = wait_for_task_id(scratch, run_url)
            cache = FileBasedCache(scratch.env["S75_CACHE_DIR"], {})
            wait_for(lambda: (cache.get(f"s75:progress:{task_id}") or {}).get("done", 0) > 0, seconds=120,
                     what="the worker to read rows")
            worker.send_signal(signal.SIGSTOP)  # held part-way while the page is read
            shown = scratch.page("get", run_url + "progress.json")
            state = json.loads(shown.stdout.split(" ", 1)[1])
            assert state["status"] == "running" and state["stage"] in {"reading", "posting"}, shown.stdout
            assert state["done"] > 0 and state["text"] != "Waiting to start"
            assert scratch.task(task_id)[0] == "RUNNING"
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=60)
            killed = worker.pid
        finally:
            worker.kill()
            worker.wait(timeout=60)
    assert ledger_counts(scratch) == before
    assert scratch.task(task_id)[0] == "RUNNING", "nothing says otherwise until a worker starts"

    worker = scratch.worker(log)
    try:
        wait_for(lambda: scratch.task(task_id)[0] == "FAILED", seconds=120, what="the next worker to fail the task")
        host, _, pid = worker_of(scratch, task_id).rpartition(":")
        assert pid == str(killed)
        reason = f"the worker running it stopped (process {killed} on host {host})"
        assert reason in scratch.task(task_id)[1]
        page = scratch.page("get", run_url).stdout
        assert "The import stopped before it finished" in page
        assert f"{reason[0].upper()}{reason[1:]} before it finished; nothing was posted" in page
        assert ledger_counts(scratch) == before

        again = upload_from_the_page(scratch, path)
        again_id = wait_for_task_id(scratch, again)
        wait_for(lambda: scratch.task(again_id)[0] in {"SUCCESSFUL", "FAILED"}, seconds=600,
                 what="the same file to be imported again")
        assert scratch.task(again_id)[0] == "SUCCESSFUL", scratch.task(again_id)[1]
        page = scratch.page("get", again).stdout
        assert "File posted" in page and f"{len(rows):,} rows" in page
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=120)
    lines, _, posted = ledger_counts(scratch)
    assert (lines - before[0] > len(rows), posted) == (True, before[2] + 1)
    (count,) = scratch.query("SELECT COUNT(*) FROM ledger_journalline WHERE source_line_id LIKE 'WK%'")[0]
    assert count == len(rows)
    assert_consistent(scratch)
    fault_record(fault="task worker SIGKILLed mid-import",
                 tried=f"s75 worker killed while it read a {len(rows):,}-line upload; the next worker started; the "
                 "same file uploaded again", requests=2, errors_during=1,
                 errors_after=0, lost="nothing (no line posted; the task FAILED, saying why; the rerun posted every "
                 "line once)", seconds=time.monotonic() - started)


def upload_from_the_page(scratch, path) -> str:
    """Upload the file on the fund's import page; the run's page it redirects to."""
    done = scratch.page("upload", f"/funds/{scratch.fund_id}/imports/new/", path)
    status, location = done.stdout.split()[-2:]
    assert status == "302", done.stdout + done.stderr
    return location


@contextlib.contextmanager
def _fund_held(scratch):
    """On PostgreSQL, the fund's row locked by another connection, so that a worker that has read the file waits
    to post it and is surely killed part-way, however fast it reads on an idle machine (on a busy one it once posted
    all 100,000 rows between two looks at its progress). SQLite has no row lock to hold: the file's size does."""
    if not scratch.url.startswith("postgres"):
        yield
        return
    with psycopg.connect(scratch.url) as holder:
        holder.execute("SELECT id FROM ledger_fund WHERE id = %s FOR NO KEY UPDATE", [scratch.fund_id])
        yield
        holder.rollback()


def wait_for_task_id(scratch, run_url: str) -> str:
    run_id = int(run_url.rstrip("/").rsplit("/", 1)[1])
    wait_for(lambda: scratch.query(f"SELECT task_id FROM ledger_importrun WHERE id = {run_id}")[0][0], seconds=60,
             what="the run's task to be enqueued")
    return scratch.query(f"SELECT task_id FROM ledger_importrun WHERE id = {run_id}")[0][0]


def worker_of(scratch, task_id: str) -> str:
    stored = task_id if scratch.url.startswith("postgres") else task_id.replace("-", "")
    (worker_ids,) = scratch.query(f"SELECT worker_ids FROM django_tasks_database_dbtaskresult WHERE id = '{stored}'")[0]
    worker_ids = json.loads(worker_ids) if isinstance(worker_ids, str) else worker_ids
    return worker_ids[-1]


# Posting the file a dry run checked ------------------------------------------------------------------------------

@pytest.fixture
def checked(fund, tmp_path):
    """Start an import by a manager as the page does; the task runs once its run is committed."""

    def start(rows, *, dry_run=True, name="gl.csv"):
        manager = UserFactory(role="Pooled fund manager", organisation=fund.agreement.parties.get(
            is_host=True).organisation)
        path = ledger_csv(tmp_path / name, rows)
        with TestCase.captureOnCommitCallbacks(execute=True):
            run = ledger_import_start(actor=manager, fund=fund, mapping=fund.column_mappings.get(),
                                      upload=SimpleUploadedFile(name, path.read_bytes()), dry_run=dry_run)
        run.refresh_from_db()
        return run

    return start


def post(run, *, actor=None, post_anyway=""):
    with TestCase.captureOnCommitCallbacks(execute=True):
        posting = checked_file_post(actor=actor or run.created_by, checked=run, post_anyway=post_anyway)
    posting.refresh_from_db()
    return posting


def test_a_dry_run_keeps_its_file_and_import_the_file_posts_that_very_file_once(fund, checked, tmp_path):
    run = checked(generated_rows(12))
    kept = Path(run.upload)
    assert run.outcome["status"] == "checked" and kept.is_file(), "kept for posting from the check"
    posting = post(run)
    assert (posting.checked_in, posting.dry_run, posting.upload, posting.filename) == (run, False, run.upload, "gl.csv")
    assert posting.outcome["status"] == "posted"
    assert JournalLine.objects.filter(fund=fund, source_line_id__startswith="GL").count() == 12
    assert posting.outcome["sha256"] == run.outcome["sha256"]
    assert not kept.exists(), "deleted once posted"
    with pytest.raises(LedgerError, match=rf"sent to be posted already \(import run {posting.pk}\)"):
        post(run)


def test_a_rejected_file_is_deleted_and_cannot_be_posted_from_its_check(fund, checked, tmp_path):
    run = checked([row(amount="x")])
    assert run.outcome["status"] == "rejected" and not Path(run.upload).exists()
    with pytest.raises(LedgerError, match="only a file that was checked and found good can be posted"):
        post(run)


def test_import_the_file_is_refused_when_the_kept_file_changed(fund, checked):
    run = checked(generated_rows(3))
    with Path(run.upload).open("a") as stream:
        stream.write("2024-04-30,CC100,5010,Extra,1.00,EXTRA\n")
    with pytest.raises(LedgerError, match="the file kept from the check is not the file that was checked: upload it"):
        post(run)
    Path(run.upload).unlink()
    with pytest.raises(LedgerError, match="the checked file is no longer kept: upload it again"):
        post(run)
    assert not JournalLine.objects.exists() and not run.postings.exists()


def test_import_the_file_is_refused_when_a_mapping_changed_since_the_check(fund, checked):
    run = checked(generated_rows(3))
    mapping = fund.column_mappings.get()
    column_mapping_save(actor=None, fund=fund, name="finance system", columns=COLUMNS, mapping=mapping)
    with pytest.raises(LedgerError, match="the column mapping 'finance system' changed after the file was checked"):
        post(run)
    again = checked(generated_rows(3), name="again.csv")
    schedules = {schedule.number: schedule for schedule in fund.agreement.schedules.all()}
    cost_centre_mappings_save(actor=None, fund=fund, mappings={"CC300": schedules[2]})
    with pytest.raises(LedgerError, match="^the cost-centre mapping changed after the file was checked, so what it "
                                          "would post may differ from what the check showed: check the file again$"):
        post(again)
    assert not JournalLine.objects.exists()


def test_import_the_file_is_refused_when_the_same_file_was_posted_meanwhile(fund, checked):
    run = checked(generated_rows(3))
    uploaded = checked(generated_rows(3), dry_run=False, name="same.csv")
    assert uploaded.outcome["status"] == "posted"
    with pytest.raises(LedgerError, match=f"this file was posted already, by .* as import "
                                          f"{uploaded.ledger_import_id} "):
        post(run)


def test_a_held_file_is_kept_and_posts_from_its_check_only_with_a_reason(fund, checked):
    run = checked([row("2025-04-30", line_id="A")], dry_run=False)
    assert run.outcome["status"] == "held" and Path(run.upload).is_file()
    assert not JournalLine.objects.exists() and not LedgerImport.objects.exists()
    with pytest.raises(LedgerError, match="say why the file should be posted") as refused:
        post(run, post_anyway="  ")
    assert refused.value.problems[0].field == "post_anyway"
    posting = post(run, post_anyway="Budget agreed at the March board")
    assert posting.outcome["status"] == "posted" and posting.post_anyway == "Budget agreed at the March board"
    event = AuditEvent.objects.get(action="ledger_import")
    assert (event.actor, event.reason) == (posting.created_by, "Budget agreed at the March board")
