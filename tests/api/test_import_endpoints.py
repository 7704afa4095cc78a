"""General-ledger imports through the API: upload (a task, as from the page), poll, the problems, the history; 403
without the right to post, 404 for another organisation's fund, the request audited with the token's name."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from s75.api.models import TokenEvent
from s75.audit.models import AuditEvent
from s75.ledger.models import ImportRun, JournalLine
from tests.factories import UserFactory
from tests.ledger.importfiles import import_fund, ledger_csv, row, rows_total

from .conftest import token_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("var_dir")]


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Send a file; the task is enqueued when the upload commits, and the test's tasks backend runs it then."""
    def send(client, fund, path, **fields):
        mapping = fund.column_mappings.get(name="finance")
        with path.open("rb") as stream:
            file = SimpleUploadedFile(path.name, stream.read())
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/api/v1/funds/{fund.pk}/import-runs/", {"file": file, "mapping": mapping.pk,
                                                                         **fields}, format="multipart")
    return send


def test_a_good_file_is_posted_and_its_run_polled_to_the_end(upload, writer, fund, tmp_path):
    rows = [row(line_id="L1"), row(amount="250.50", line_id="L2", centre="CC200")]
    started = upload(writer, fund, ledger_csv(tmp_path / "gl-april.csv", rows))
    assert started.status_code == 202, started.json()
    run = writer.get(f"/api/v1/funds/{fund.pk}/import-runs/{started.json()['id']}/").json()
    assert run["progress"]["finished"] is True and run["progress"]["status"] == "done"
    assert run["result"] == "posted"
    assert run["rows_posted"] == 2
    assert run["total"] == {"pence": rows_total(rows), "formatted": "£350.50"}
    assert JournalLine.objects.filter(fund=fund, source_line_id__in=["L1", "L2"]).count() == 2
    history = writer.get(f"/api/v1/funds/{fund.pk}/imports/").json()["results"]
    assert [(record["filename"], record["status"]) for record in history] == [("gl-april.csv", "posted")]

    request = AuditEvent.objects.get(action="ledger_import_request")
    assert request.api_token_use.token_name == "Finance system"
    assert request.after == {"file": "gl-april.csv", "mapping": "finance", "dry_run": False}


def test_a_file_with_problems_posts_nothing_and_lists_them(upload, writer, fund, tmp_path):
    path = ledger_csv(tmp_path / "bad.csv", [row(line_id="L1"), row(centre="CC999", line_id="L2"),
                                              row(amount="lots", line_id="L3")])
    run_id = upload(writer, fund, path).json()["id"]
    run = writer.get(f"/api/v1/funds/{fund.pk}/import-runs/{run_id}/").json()
    assert run["result"] == "rejected" and run["problems_count"] == 2
    problems = writer.get(f"/api/v1/funds/{fund.pk}/import-runs/{run_id}/problems/").json()
    assert [(problem["row"], problem["column"]) for problem in problems] == [(3, "Cost Centre"), (4, "Amount")]
    assert all(problem["problem"] for problem in problems)
    assert not JournalLine.objects.filter(fund=fund).exists()


def test_a_dry_run_checks_and_posts_nothing(upload, writer, fund, tmp_path):
    run_id = upload(writer, fund, ledger_csv(tmp_path / "gl.csv", [row()]), dry_run=True).json()["id"]
    assert writer.get(f"/api/v1/funds/{fund.pk}/import-runs/{run_id}/").json()["result"] == "checked"
    assert not JournalLine.objects.filter(fund=fund).exists()


@pytest.mark.parametrize(("fields", "name", "field"), [
    ({"mapping": 999999}, "gl.csv", "mapping"), ({}, "gl.pdf", "file"), ({"mapping": "x"}, "gl.csv", "mapping"),
])
def test_a_bad_upload_is_refused_with_the_field_at_fault(upload, writer, fund, tmp_path, fields, name, field):
    response = upload(writer, fund, ledger_csv(tmp_path / name, [row()]), **fields)
    assert response.status_code == 400
    assert [problem["field"] for problem in response.json()["problems"]] == [field]
    assert not ImportRun.objects.exists()


def test_only_who_may_post_to_the_ledger_uploads(upload, host, fund, outsider, tmp_path):
    board = token_client(UserFactory(role="Board member", organisation=host))
    path = ledger_csv(tmp_path / "gl.csv", [row()])
    assert upload(board, fund, path).status_code == 403
    assert board.get(f"/api/v1/funds/{fund.pk}/imports/").status_code == 200
    assert upload(outsider, fund, path).status_code == 404
    assert not ImportRun.objects.exists()
    assert not TokenEvent.objects.exists()


def test_another_funds_run_is_404(upload, writer, fund, tmp_path):
    run_id = upload(writer, fund, ledger_csv(tmp_path / "gl.csv", [row()])).json()["id"]
    other = import_fund()
    assert writer.get(f"/api/v1/funds/{other.pk}/import-runs/{run_id}/").status_code == 404
