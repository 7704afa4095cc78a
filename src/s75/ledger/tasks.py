"""General-ledger imports as background tasks.

A page's upload is kept in a file and recorded as an :class:`ImportRun` (who asked, which fund, file and mapping);
once that is committed the import is enqueued (:func:`ledger_import_start`). The task (:func:`ledger_import_task`)
imports the file as the user who uploaded it, tells its progress to the cache under its result's id and keeps the
outcome on the run. The import is one transaction, so a worker killed part-way posts nothing.

The upload is deleted once read, except a file that a dry run found good or that was held back for a year with no
budget: that file is kept, so that "Import the file" posts the very file checked (:func:`checked_file_post`), by a
run of its own whose task deletes it.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_tasks import TaskContext, task

from s75.core.users import acting_user
from s75.jobs.progress import FINISHED, ProgressCache
from s75.jobs.services import task_run_failure_kept, task_run_start

from .import_files import LedgerFileError, file_facts
from .import_posting import posted_before, posted_before_problem
from .importing import CHECKED, HELD, ledger_import
from .mappings import mappings_version
from .models import ColumnMapping, Fund, ImportRun
from .services import LedgerError

UPLOAD_SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm"}
KEPT = {CHECKED, HELD}  # the outcomes whose file waits to be posted from its check


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


def checked_file_post(*, actor, checked: ImportRun, post_anyway: str = "") -> ImportRun:
    """Post the file that ``checked`` found good (a dry run) or held back (a year with no budget), as it was
    checked: refused when it was posted already, the kept file changed, or either mapping changed since. A held
    file needs ``post_anyway``: why it should post all the same."""
    post_anyway = post_anyway.strip()
    with transaction.atomic():
        checked = ImportRun.objects.select_for_update().select_related("fund", "mapping").get(pk=checked.pk)
        outcome = checked.outcome or {}
        if outcome.get("status") not in KEPT:
            raise LedgerError("only a file that was checked and found good can be posted from its check")
        earlier_run = checked.postings.order_by("-pk").first()
        if earlier_run is not None:
            raise LedgerError(f"this checked file was sent to be posted already (import run {earlier_run.pk}): "
                              "its page says how that went")
        earlier = posted_before(checked.fund, outcome["sha256"])
        if earlier is not None:
            raise LedgerError(posted_before_problem(earlier).reason)
        if outcome["status"] == HELD and not post_anyway:
            raise LedgerError("say why the file should be posted although it has lines in a year with no budget",
                              field="post_anyway")
        path = Path(checked.upload)
        if not checked.upload or not path.is_file():
            raise LedgerError("the checked file is no longer kept: upload it again")
        try:
            unchanged = file_facts(path, checked.filename).sha256 == outcome["sha256"]
        except LedgerFileError:
            unchanged = False
        if not unchanged:
            raise LedgerError("the file kept from the check is not the file that was checked: upload it again")
        now = mappings_version(fund=checked.fund, mapping=checked.mapping)
        changed = [what for key, what in (("column_mapping", f"the column mapping {checked.mapping.name!r}"),
                                          ("cost_centres", "the cost-centre mapping"))
                   if now[key] != outcome["mappings"].get(key)]
        if changed:
            raise LedgerError(f"{' and '.join(changed)} changed after the file was checked, so what it would post "
                              "may differ from what the check showed: check the file again")
        run = ImportRun(fund=checked.fund, mapping=checked.mapping, filename=checked.filename, upload=checked.upload,
                        post_anyway=post_anyway, checked_in=checked, created_by=acting_user(actor))
        return task_run_start(run=run, task=ledger_import_task)


@task(takes_context=True)
def ledger_import_task(context: TaskContext, *, run_id: int) -> dict:
    """Import the run's upload as the user who asked; the outcome, or why it failed, is kept on the run. The upload
    is deleted, unless it waits to be posted from this run's check."""
    run = ImportRun.objects.select_related("fund__agreement", "mapping", "created_by").get(pk=run_id)
    progress = ProgressCache(context.task_result.id)
    path = Path(run.upload)
    kept = False
    try:
        with task_run_failure_kept(run):
            outcome = ledger_import(
                actor=run.created_by, fund=run.fund, path=path, mapping=run.mapping, dry_run=run.dry_run,
                post_anyway=run.post_anyway, progress=progress, filename=run.filename,
                on_posted=lambda record: ImportRun.objects.filter(pk=run.pk).update(ledger_import=record),
            )
        kept = outcome.status in KEPT
    finally:
        if not kept:
            path.unlink(missing_ok=True)
    ImportRun.objects.filter(pk=run.pk).update(outcome=outcome.as_dict())
    progress(outcome.rows_total, outcome.rows_total, FINISHED)
    return {"status": outcome.status, "ledger_import_id": outcome.ledger_import.pk if outcome.ledger_import else None}
