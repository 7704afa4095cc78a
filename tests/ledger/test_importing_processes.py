"""Imports in processes of their own, against a database of this module's own (same kind as the test database):
a process killed part-way leaves nothing posted, two imports into one fund at once both post exactly once, and an
upload from the page runs on a real ``s75 worker``, which killed part-way posts nothing and is said to have stopped
once the next worker starts."""

import json
import os
import signal
import time

import pytest
from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache

from .importfiles import generated_rows, ledger_csv, rows_total, scratch_database

BIG = 300_000


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    vendor = "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"
    folder = tmp_path_factory.mktemp("scratch")
    yield from scratch_database(vendor, folder, f"test_s75_{os.getpid()}_imports")


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    return ledger_csv(tmp_path_factory.mktemp("files") / "year.csv", generated_rows(BIG))


def ledger_counts(scratch) -> tuple[int, int, int]:
    (counts,) = scratch.query(
        "SELECT (SELECT COUNT(*) FROM ledger_journalline), (SELECT COUNT(*) FROM ledger_journalentry), "
        "(SELECT COUNT(*) FROM ledger_ledgerimport WHERE status = 'posted')")
    return counts


def assert_consistent(scratch) -> None:
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
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.01)


def progress(path) -> dict:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


@pytest.mark.parametrize("stage", ["reading", "posting"])
def test_an_import_killed_part_way_posts_nothing_and_the_file_imports_afterwards(scratch, big_file, tmp_path,
                                                                                  stage):
    before = ledger_counts(scratch)
    progress_file = tmp_path / "progress.json"
    process = scratch.popen("import-ledger", str(big_file), "--fund", str(scratch.fund_id), "--quiet",
                            "--progress-file", str(progress_file))
    try:
        if stage == "reading":
            wait_for(lambda: progress(progress_file).get("done", 0) > 0, seconds=120, what="rows to be read")
        else:
            wait_for(lambda: progress(progress_file).get("stage") == "posting" or process.poll() is not None,
                     seconds=300, what="the posting to start")
            assert process.poll() is None, "the import finished before it could be killed while posting"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert ledger_counts(scratch) == before
    if stage == "posting":
        done = scratch.s75("import-ledger", str(big_file), "--fund", str(scratch.fund_id), "--quiet", timeout=600)
        assert done.returncode == 0, done.stderr
        assert f"Rows: {BIG:,}; posted: {BIG:,}; already posted: 0;" in done.stdout
        lines, _, posted = ledger_counts(scratch)
        expenditure = scratch.query(
            "SELECT COUNT(*), SUM(l.amount_pence) FROM ledger_journalline l JOIN ledger_account a "
            "ON a.id = l.account_id WHERE a.role = 'expenditure'")[0]
        assert expenditure == (BIG, rows_total(generated_rows(BIG)))
        assert posted == before[2] + 1
        assert_consistent(scratch)


def test_two_imports_into_one_fund_at_once_both_post_once_with_balances_right(scratch, tmp_path):
    files = [ledger_csv(tmp_path / f"{name}.csv", generated_rows(40_000, prefix=name)) for name in ("AA", "BB")]
    before = ledger_counts(scratch)
    commands = [("import-ledger", str(path), "--fund", str(scratch.fund_id), "--quiet") for path in files]
    if scratch.url.startswith("postgres"):
        processes = [scratch.popen(*command) for command in commands]
        results = [(process.wait(timeout=600), *process.communicate()) for process in processes]
    else:  # SQLite has one writer: the two run one after the other
        results = [(done.returncode, done.stdout, done.stderr) for done in (scratch.s75(*c) for c in commands)]
    for returncode, stdout, stderr in results:
        assert returncode == 0, stderr
        assert "Rows: 40,000; posted: 40,000; already posted: 0;" in stdout
    lines, entries, posted = ledger_counts(scratch)
    assert posted == before[2] + 2
    by_file = dict(scratch.query(
        "SELECT substr(source_line_id, 1, 2), COUNT(*) FROM ledger_journalline WHERE source_line_id LIKE 'AA%' "
        "OR source_line_id LIKE 'BB%' GROUP BY substr(source_line_id, 1, 2)"))
    assert by_file == {"AA": 40_000, "BB": 40_000}
    assert_consistent(scratch)
    if scratch.url.startswith("postgres"):
        # They did run at the same time: each began before the other finished, and the fund's lock took turns.
        (first, second) = scratch.query(
            "SELECT started_at, finished_at FROM ledger_ledgerimport WHERE status = 'posted' ORDER BY id DESC LIMIT 2")
        assert first[0] < second[1] and second[0] < first[1]


def test_the_same_file_imported_twice_at_once_posts_once(scratch, tmp_path):
    if not scratch.url.startswith("postgres"):
        pytest.skip("SQLite takes one writer at a time: the same file one after the other is tested elsewhere")
    path = ledger_csv(tmp_path / "twice.csv", generated_rows(20_000, prefix="TW"))
    processes = [scratch.popen("import-ledger", str(path), "--fund", str(scratch.fund_id), "--quiet")
                 for _ in range(2)]
    results = sorted((process.wait(timeout=600), *process.communicate()) for process in processes)
    assert [returncode for returncode, _, _ in results] == [0, 1]
    assert "this file was posted already" in results[1][2]
    (count,) = scratch.query("SELECT COUNT(*) FROM ledger_journalline WHERE source_line_id LIKE 'TW%'")[0]
    assert count == 20_000
    assert_consistent(scratch)


def test_an_upload_runs_on_the_worker_and_a_worker_killed_part_way_posts_nothing_and_says_so(scratch, tmp_path):
    """From the page to a real ``s75 worker``: the progress shows as the worker reads the file; the worker killed
    part-way posts nothing; the next worker marks the task failed with the reason, which the page shows; the same
    file then imports."""
    rows = generated_rows(100_000, prefix="WK")
    path = ledger_csv(tmp_path / "upload.csv", rows)
    before = ledger_counts(scratch)
    log = tmp_path / "worker.log"
    worker = scratch.worker(log)
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


def upload_from_the_page(scratch, path) -> str:
    """Upload the file on the fund's import page; the run's page it redirects to."""
    done = scratch.page("upload", f"/funds/{scratch.fund_id}/imports/new/", path)
    status, location = done.stdout.split()[-2:]
    assert status == "302", done.stdout + done.stderr
    return location


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
