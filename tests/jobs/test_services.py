"""A worker's id, and the tasks of a stopped worker failed with the reason when a worker starts."""

import os
import socket
import subprocess
import sys

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from s75.jobs.services import stopped_tasks_fail, worker_gone, worker_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def running_task(worker: str) -> DBTaskResult:
    result = DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path="s75.ledger.tasks.x",
                                         backend_name="default")
    result.claim(worker)
    return result


def test_a_worker_id_is_the_host_and_the_process():
    assert worker_id() == f"{socket.gethostname()}:{os.getpid()}"
    assert worker_id(123).endswith(":123") and len(worker_id(123)) <= 64


def test_a_worker_is_gone_when_its_process_on_this_host_has_ended(dead_pid):
    assert worker_gone(worker_id(dead_pid))
    assert not worker_gone(worker_id(os.getppid()))
    assert worker_gone(worker_id()), "this process is not running a worker's task"
    assert not worker_gone(f"another-host:{dead_pid}"), "another host's worker cannot be looked at"
    assert not worker_gone("made-up-id")


def test_the_running_tasks_of_a_stopped_worker_fail_with_the_reason(dead_pid):
    stopped = running_task(worker_id(dead_pid))
    alive = running_task(worker_id(os.getppid()))
    elsewhere = running_task(f"another-host:{dead_pid}")
    assert stopped_tasks_fail() == [stopped]
    stopped.refresh_from_db()
    assert stopped.status == TaskResultStatus.FAILED and stopped.finished_at is not None
    assert stopped.exception_class_path == "s75.jobs.services.WorkerStopped"
    host = worker_id(dead_pid).rpartition(":")[0]
    assert stopped.traceback.strip().endswith(
        f"the worker running it stopped (process {dead_pid} on host {host}) before it finished")
    assert {alive.status, elsewhere.status} == {TaskResultStatus.RUNNING}
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() == 2
    assert stopped_tasks_fail() == []
