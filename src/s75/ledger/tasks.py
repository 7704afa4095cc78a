"""General-ledger imports as background tasks.

A page's upload is kept in a file and recorded as an :class:`ImportRun` (who asked, which fund, file and mapping);
once that is committed the import is enqueued (:func:`ledger_import_start`). The task (:func:`ledger_import_task`)
imports the file as the user who uploaded it, tells its progress to the cache under its result's id, keeps the
outcome on the run and deletes the upload. The import is one transaction, so a worker killed part-way posts nothing.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django_tasks import TaskContext, task

from s75.core.users import acting_user
from s75.jobs.progress import FINISHED, ProgressCache
from s75.jobs.services import task_run_failure_kept, task_run_start

from .importing import ledger_import
from .models import ColumnMapping, Fund, ImportRun

UPLOAD_SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm"}


def uploads_dir() -> Path:
    """Where uploaded files wait for their import: under ``VAR_DIR``, which the site and the worker share."""
    return Path(settings.VAR_DIR) / "uploads"


def ledger_import_start(*, actor, fund: Fund, mapping: ColumnMapping, upload, dry_run: bool = False) -> ImportRun:
    """Keep an uploaded file and import it in a background task; the run's page shows its progress."""
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.name).suffix.lower()
    path = folder / f"{uuid.uuid4().hex}{suffix if suffix in UPLOAD_SUFFIXES else ''}"
    with path.open("wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    run = ImportRun(fund=fund, mapping=mapping, filename=Path(upload.name).name[:300], upload=str(path),
                    dry_run=dry_run, created_by=acting_user(actor))
    return task_run_start(run=run, task=ledger_import_task)


@task(takes_context=True)
def ledger_import_task(context: TaskContext, *, run_id: int) -> dict:
    """Import the run's upload as the user who uploaded it; the outcome, or why it failed, is kept on the run."""
    run = ImportRun.objects.select_related("fund__agreement", "mapping", "created_by").get(pk=run_id)
    progress = ProgressCache(context.task_result.id)
    path = Path(run.upload)
    try:
        with task_run_failure_kept(run):
            outcome = ledger_import(
                actor=run.created_by, fund=run.fund, path=path, mapping=run.mapping, dry_run=run.dry_run,
                progress=progress, filename=run.filename,
                on_posted=lambda record: ImportRun.objects.filter(pk=run.pk).update(ledger_import=record),
            )
    finally:
        path.unlink(missing_ok=True)
    ImportRun.objects.filter(pk=run.pk).update(outcome=outcome.as_dict())
    progress(outcome.rows_total, outcome.rows_total, FINISHED)
    return {"status": outcome.status, "ledger_import_id": outcome.ledger_import.pk if outcome.ledger_import else None}
