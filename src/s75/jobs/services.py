"""Starting and running background jobs.

A page creates a job (:func:`job_create`) and starts it in a process of its own (:func:`job_launch`:
``s75 run-job ID``, in a new session, so the web server never waits for it and no separate worker has to be
running). That process runs the job's handler (:func:`job_run`), which reports its progress to the job's file.
"""

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Job, JobStatus
from .progress import ProgressFile

logger = logging.getLogger(__name__)

# What runs each kind of job: ``handler(job=Job, progress=Progress) -> dict`` (the job's result, as JSON).
HANDLERS: dict[str, str] = {
    "ledger_import": "s75.ledger.importing.ledger_import_job",
    "report_generate": "s75.reports.services.report_job",
}


class JobError(Exception):
    """A job that cannot be created or run as asked."""


def jobs_dir() -> Path:
    """Where jobs keep their progress files, logs and uploaded files (``var/jobs`` unless configured)."""
    configured = os.environ.get("S75_JOBS_DIR") or getattr(settings, "S75_JOBS_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "jobs"


def job_progress_path(job_id: int) -> Path:
    return jobs_dir() / f"{job_id}.json"


def job_log_path(job_id: int) -> Path:
    return jobs_dir() / f"{job_id}.log"


def job_create(*, actor, kind: str, payload: dict) -> Job:
    if kind not in HANDLERS:
        raise JobError(f"there is no kind of job called {kind!r}")
    return Job.objects.create(
        kind=kind, payload=payload, created_by=actor if getattr(actor, "is_authenticated", False) else None
    )


def job_launch(job: Job) -> int:
    """Start ``s75 run-job`` for a queued job in a detached process and return its process id.

    With the setting ``S75_JOBS_RUN_INLINE`` the job runs here and now instead, before this returns (for a host
    that may not start processes, and for tests whose database another process cannot see).
    """
    if job.status != JobStatus.QUEUED:
        raise JobError(f"job {job.pk} is {job.get_status_display().lower()}, not queued")
    if getattr(settings, "S75_JOBS_RUN_INLINE", False):
        with suppress(Exception):  # a failure is kept on the job, as it would be from its own process
            job_run(job_id=job.pk)
        return os.getpid()
    folder = jobs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "S75_JOBS_DIR": str(folder),
        "S75_VAR_DIR": str(settings.VAR_DIR),
    }
    with job_log_path(job.pk).open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "s75", "run-job", str(job.pk)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            close_fds=True,
        )
    # Collect the child's exit status when it ends, so it does not linger as a zombie of the web server.
    threading.Thread(target=process.wait, name=f"job-{job.pk}-reaper", daemon=True).start()
    queued = {"stage": "queued", "done": 0, "total": 0}
    ProgressFile(job_progress_path(job.pk), extra={"pid": process.pid}).write(queued)
    return process.pid


def job_run(*, job_id: int, progress: Callable | None = None) -> Job:
    """Run a queued job in this process: its handler's result is kept, or its failure in words."""
    with transaction.atomic():
        claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now()
        )
    if not claimed:
        job = Job.objects.filter(pk=job_id).first()
        raise JobError(f"job {job_id} does not exist" if job is None else f"{job} is not queued")
    job = Job.objects.get(pk=job_id)
    handler = import_string(HANDLERS[job.kind])
    progress = progress or ProgressFile(job_progress_path(job.pk))
    try:
        result = handler(job=job, progress=progress)
    except Exception as exc:
        logger.exception("%s failed", job)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), result={"error": f"{type(exc).__name__}: {exc}"}
        )
        raise
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, finished_at=timezone.now(), result=result)
    job.refresh_from_db()
    return job
