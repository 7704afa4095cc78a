"""Where a task has got to: what its owner recorded first, then what the tasks backend keeps, then its progress."""

import subprocess
import sys

import pytest
from django_tasks_db.models import DBTaskResult

from s75.jobs.progress import ProgressCache
from s75.jobs.selectors import task_state
from s75.jobs.services import WorkerStopped, worker_id
from s75.ledger.tasks import ledger_import_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def state(result_id: str, **recorded):
    return task_state(task=ledger_import_task, task_id=result_id, **recorded)


def test_what_the_owner_recorded_is_final():
    assert (state("t1", done=True).status, state("t1", done=True).finished) == ("done", True)
    failed = state("t1", error="ValueError: no")
    assert (failed.status, failed.failure, failed.finished) == ("failed", "ValueError: no", True)


def test_a_backend_that_keeps_no_results_leaves_the_progress_to_tell():
    assert (state("t2").status, state("t2").text) == ("queued", "Waiting to start")
    ProgressCache("t2").write({"stage": "reading", "done": 3, "total": 0})
    assert (state("t2").status, state("t2").text) == ("running", "3 rows")


def test_the_database_backend_says_whether_a_task_waits_runs_or_failed(database_backend):
    result = ledger_import_task.enqueue(run_id=1)
    assert state(result.id).status == "queued"
    row = DBTaskResult.objects.get(id=result.id)
    row.claim(worker_id())
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        row.worker_ids = [worker_id(running.pid)]
        row.save(update_fields=["worker_ids"])
        assert state(result.id).status == "running"
    finally:
        running.kill()
        running.wait()
    stopped = state(result.id)
    assert (stopped.status, stopped.finished) == ("stopped", True), "its worker has gone, before any worker says so"
    assert stopped.failure.startswith(f"the worker running it stopped (process {running.pid} on host ")
    row.set_failed(WorkerStopped("the worker running it stopped (process 7 on host h) before it finished"))
    assert (state(result.id).status, state(result.id).failure) == (
        "stopped", "the worker running it stopped (process 7 on host h) before it finished")
    try:
        raise ValueError("the file could not be read")
    except ValueError as exc:
        row.set_failed(exc)
    assert (state(result.id).status, state(result.id).failure) == ("failed", "ValueError: the file could not be read")
