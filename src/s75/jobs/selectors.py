"""Reads of jobs: where a job has got to, from its row and its progress file."""

import os
import socket
from dataclasses import dataclass

from .models import Job
from .progress import progress_read, progress_text
from .services import job_progress_path


@dataclass(frozen=True)
class JobState:
    job: Job
    progress: dict
    stopped: bool  # the job's process has ended without finishing the job (killed, or the machine restarted)

    @property
    def text(self) -> str:
        if self.progress.get("stage") in {None, "queued"}:
            return "Waiting to start"
        return progress_text(self.progress)

    def as_json(self) -> dict:
        return {
            "status": "stopped" if self.stopped else self.job.status,
            "finished": self.job.finished or self.stopped,
            "text": self.text,
            **{key: self.progress.get(key) for key in ("stage", "done", "total", "rate", "seconds_left", "percent")},
        }


def job_state(*, job: Job) -> JobState:
    progress = progress_read(job_progress_path(job.pk)) or {}
    stopped = False
    if not job.finished and _process_gone(progress):
        job.refresh_from_db()  # it may have finished between reading the row and the file
        stopped = not job.finished
    return JobState(job=job, progress=progress, stopped=stopped)


def _process_gone(progress: dict) -> bool:
    """Whether the process that runs the job has ended; only known on the machine that started it."""
    pid = progress.get("pid")
    if not pid or progress.get("host") != socket.gethostname():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
