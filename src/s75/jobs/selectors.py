"""Where a task has got to: its result (as the tasks backend keeps it), what its owner recorded, and its progress."""

from dataclasses import dataclass

from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks.exceptions import TaskResultDoesNotExist

from .progress import progress_get, progress_text
from .services import WorkerStopped, worker_gone, worker_stopped_reason

QUEUED, RUNNING, DONE, FAILED, STOPPED = "queued", "running", "done", "failed", "stopped"


@dataclass(frozen=True)
class TaskState:
    status: str  # QUEUED, RUNNING, DONE, FAILED, or STOPPED (its worker stopped before it finished)
    progress: dict
    failure: str = ""  # why it failed or stopped, in a line

    @property
    def finished(self) -> bool:
        return self.status in {DONE, FAILED, STOPPED}

    @property
    def text(self) -> str:
        if self.status == QUEUED or not self.progress.get("stage"):
            return "Waiting to start"
        return progress_text(self.progress)

    def as_json(self) -> dict:
        return {
            # Why a worker stopped is the user's to know; an unexpected error's text is the logs' (it may quote the
            # database), so the page says only that it failed.
            "status": self.status, "finished": self.finished, "text": self.text,
            "failure": self.failure if self.status == STOPPED else "",
            **{key: self.progress.get(key) for key in ("stage", "done", "total", "rate", "seconds_left", "percent")},
        }


def task_state(*, task: Task, task_id: str, done: bool = False, error: str = "") -> TaskState:
    """Where the run of ``task`` whose result has ``task_id`` has got to.

    ``done`` and ``error`` are what the task's owner recorded as the task ended (its outcome kept, or why it
    failed), and are final. Otherwise the tasks backend says whether it is waiting, running or failed; a backend
    that keeps no results (the immediate one, which runs a task as it is enqueued) leaves the progress to tell.
    A running task whose worker on this host is no longer alive has stopped, before a worker starts and says so.
    """
    progress = progress_get(task_id) or {}
    if done:
        return TaskState(DONE, progress)
    if error:
        return TaskState(FAILED, progress, error)
    try:
        result = task.get_result(task_id)
    except (NotImplementedError, TaskResultDoesNotExist):
        return TaskState(RUNNING if progress.get("stage") else QUEUED, progress)
    if result.status == TaskResultStatus.READY:
        return TaskState(QUEUED, progress)
    if result.status == TaskResultStatus.RUNNING:
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if worker and worker_gone(worker):
            return TaskState(STOPPED, progress, worker_stopped_reason(worker))
        return TaskState(RUNNING, progress)
    if result.status == TaskResultStatus.FAILED:
        error = result.errors[-1] if result.errors else None
        if error is None:
            return TaskState(FAILED, progress, "")
        last = next((line for line in reversed(error.traceback.splitlines()) if line.strip()), "")
        if error.exception_class_path == f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}":
            return TaskState(STOPPED, progress, last.removeprefix(f"{error.exception_class_path}: "))
        return TaskState(FAILED, progress, last)
    return TaskState(DONE, progress)
