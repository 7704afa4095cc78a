"""The worker's side of background tasks: its id, and failing the tasks of a worker that stopped mid-task.

Tasks are kept by django-tasks-db (``DBTaskResult``) and run by ``s75 worker``, whose id is ``host:pid``. A worker
killed while it runs a task (SIGKILL, the machine restarted) leaves that task ``RUNNING`` for ever, since nothing
is left to say otherwise; so a worker, as it starts, fails every running task whose worker on this host is no
longer alive (:func:`stopped_tasks_fail`). A worker on another host cannot be looked at from here.
"""

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from .models import TaskRun

logger = logging.getLogger(__name__)

WORKER_ID_LENGTH = 64  # django-tasks-db's limit


class WorkerStopped(Exception):
    """The worker running a task stopped before the task finished; the message says which and where."""


def worker_id(pid: int | None = None) -> str:
    """This host's name and a process id, ``host:pid``, cut to fit the id's limit."""
    pid = os.getpid() if pid is None else pid
    return f"{socket.gethostname()[:WORKER_ID_LENGTH - len(str(pid)) - 1]}:{pid}"


def worker_gone(worker: str) -> bool:
    """Whether the worker with this id ran on this host and is no longer alive (or is this very process, which is
    not running any task: a worker started in a container gets the process id of the one before it)."""
    host, _, pid_text = worker.rpartition(":")
    if not pid_text.isdigit() or worker_id(int(pid_text)) != worker:
        return False  # another host's worker, or an id not made by worker_id()
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, and another user's
        return False
    return False


def worker_stopped_reason(worker: str) -> str:
    host, _, pid = worker.rpartition(":")
    return f"the worker running it stopped (process {pid} on host {host}) before it finished"


def stopped_tasks_fail() -> list[DBTaskResult]:
    """Fail every running task whose worker ran on this host and is no longer alive, saying so; the tasks failed."""
    failed = []
    with transaction.atomic():
        for result in DBTaskResult.objects.running().select_for_update():
            worker = result.worker_ids[-1] if result.worker_ids else ""
            if worker and worker_gone(worker):
                result.set_failed(WorkerStopped(worker_stopped_reason(worker)))
                failed.append(result)
    for result in failed:
        logger.warning("Task %s (%s) failed: %s", result.id, result.task_path, worker_stopped_reason(
            result.worker_ids[-1]))
    return failed


def task_run_start(*, run: TaskRun, task: Task) -> TaskRun:
    """Save ``run`` and enqueue ``task(run_id=...)`` once that has committed, so that a worker never looks for a run
    it cannot see yet; the run keeps the task's id."""
    with transaction.atomic():
        run.save()
        transaction.on_commit(partial(_enqueue, type(run), run.pk, task))
    return run


def _enqueue(model: type[TaskRun], run_id: int, task: Task) -> None:
    try:
        result = task.enqueue(run_id=run_id)
    except Exception:  # the run is committed already: say on it that it will not start, rather than wait for ever
        logger.exception("The task of %s %s could not be queued", model.__name__, run_id)
        model.objects.filter(pk=run_id).update(error="the task could not be queued")
        return
    model.objects.filter(pk=run_id).update(task_id=result.id)


@contextmanager
def task_run_failure_kept(run: TaskRun) -> Iterator[None]:
    """Keep on ``run`` why its task failed, for its page, and let the failure go on to the tasks backend."""
    try:
        yield
    except Exception as exc:
        type(run).objects.filter(pk=run.pk).update(error=f"{type(exc).__name__}: {exc}")
        raise
