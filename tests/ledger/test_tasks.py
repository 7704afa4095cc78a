"""An import asked for from a page: recorded, enqueued once committed, run as the user who asked, its outcome (or
why it failed) kept on the run, its progress in the cache, its upload deleted."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from s75.jobs.progress import progress_get
from s75.ledger.models import ImportRun, JournalLine
from s75.ledger.tasks import ledger_import_start, ledger_import_task
from tests.factories import UserFactory

from .importfiles import generated_rows, import_fund, ledger_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


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
