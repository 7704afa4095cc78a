"""The import pages: upload, progress, result, error report, history, mappings; 403 and 404 for each."""

import csv
import io
import json
import subprocess
import sys
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from s75.audit.models import AuditEvent
from s75.jobs.progress import ProgressCache
from s75.jobs.services import worker_id
from s75.ledger.importing import ledger_import
from s75.ledger.models import CostCentreMapping, ImportRun, JournalLine, LedgerImport
from s75.ledger.tasks import ledger_import_task
from tests.factories import UserFactory

from .importfiles import HEADINGS, generated_rows, import_fund, ledger_csv, row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("var_dir")]


@pytest.fixture
def fund():
    return import_fund()


@pytest.fixture
def host(fund):
    return fund.agreement.parties.get(is_host=True).organisation


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager_client(host):
    return signed_in(UserFactory(role="Pooled fund manager", organisation=host, first_name="Maud", last_name="O'Leary"))


@pytest.fixture
def board_client(host):
    """Sees the fund, may not import."""
    return signed_in(UserFactory(role="Board member", organisation=host))


@pytest.fixture
def outsider_client():
    """A pooled fund manager of another council: the fund is not theirs to see."""
    return signed_in(UserFactory(role="Pooled fund manager"))


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Upload a file from the page; its task is enqueued once the upload is committed, and runs there and then."""

    def post(client, fund, path, *, dry_run=False, mapping=None):
        data = {"file": SimpleUploadedFile(path.name, path.read_bytes()),
                "mapping": (mapping or fund.column_mappings.get()).pk}
        if dry_run:
            data["dry_run"] = "on"
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("imports:upload", args=[fund.pk]), data)

    return post


def a_run(fund, **fields):
    """An import asked for, whose task has not finished."""
    return ImportRun.objects.create(fund=fund, mapping=fund.column_mappings.get(), filename="gl.csv", upload="",
                                    **{"task_id": uuid.uuid4().hex, **fields})


READ_PAGES = ["imports:history", "imports:history_xlsx", "imports:mappings"]
CHANGE_PAGES = ["imports:upload", "imports:mapping_new", "imports:cost_centres"]


@pytest.mark.parametrize("name", READ_PAGES + CHANGE_PAGES)
def test_a_fund_another_organisation_cannot_see_is_not_found(outsider_client, fund, name):
    assert outsider_client.get(reverse(name, args=[fund.pk])).status_code == 404


@pytest.mark.parametrize("name", READ_PAGES + CHANGE_PAGES)
def test_signing_in_comes_first(client, fund, name):
    response = client.get(reverse(name, args=[fund.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize("name", READ_PAGES)
def test_anyone_who_sees_the_fund_sees_its_imports(board_client, fund, name):
    assert board_client.get(reverse(name, args=[fund.pk])).status_code == 200


@pytest.mark.parametrize("name", CHANGE_PAGES)
def test_importing_and_changing_mappings_need_the_permission_to_post(board_client, fund, name):
    assert board_client.get(reverse(name, args=[fund.pk])).status_code == 403
    assert board_client.post(reverse(name, args=[fund.pk]), {}).status_code == 403


def test_a_mapping_of_the_fund_can_be_changed_only_with_the_permission(board_client, fund):
    mapping = fund.column_mappings.get()
    assert board_client.get(reverse("imports:mapping_edit", args=[fund.pk, mapping.pk])).status_code == 403


def test_an_upload_runs_as_a_task_and_its_page_shows_what_was_posted(manager_client, fund, tmp_path, upload):
    path = ledger_csv(tmp_path / "april.csv", [row("2024-04-02", "CC100", "1,000.00", "A"),
                                               row("2024-05-02", "CC200", "20.00", "B")])
    response = upload(manager_client, fund, path)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:run", args=[fund.pk, run.pk])
    assert run.task_id and run.outcome["status"] == "posted"
    page = manager_client.get(response["Location"]).content.decode()
    assert "File posted" in page and "2 rows, £1,020.00" in page
    assert "Totals by schedule and period" in page and "2024-25/M01" in page and "1. Joint Equipment Store" in page
    assert JournalLine.objects.filter(source_line_id__in=["A", "B"]).count() == 2
    record = LedgerImport.objects.get()
    assert record.created_by == run.created_by and run.created_by.last_name == "O'Leary"
    assert not list((tmp_path / "var" / "uploads").iterdir()), "the upload is deleted once imported"


def test_a_rejected_upload_shows_each_problem_and_gives_the_report_as_csv(manager_client, fund, tmp_path, upload):
    path = ledger_csv(tmp_path / "bad.csv", [row(amount="12.345", line_id="A"), row(centre="ZZ9", line_id="B")])
    job_url = upload(manager_client, fund, path)["Location"]
    page = manager_client.get(job_url).content.decode()
    assert "The file was not imported" in page and "Nothing was posted." in page and "2 problems" in page
    assert "Cost centre ZZ9 is not mapped to a schedule: 1 row, the first on row 3" in page
    run = ImportRun.objects.get()
    report = manager_client.get(reverse("imports:run_problems", args=[fund.pk, run.pk]))
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    assert report["Content-Disposition"] == 'attachment; filename="bad-problems.csv"'
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows == [
        ["Row", "Column", "Value", "Problem"],
        ["3", "Cost Centre", "ZZ9", "cost centre ZZ9 is not mapped to a schedule: 1 row, the first on row 3; map it "
                                    "on the fund's cost-centre mapping"],
        ["2", "Amount", "12.345", "12.345 has fractions of a penny: give at most two decimal places"],
    ]
    record = LedgerImport.objects.get()
    assert record.status == "rejected"
    same = manager_client.get(reverse("imports:import_problems", args=[fund.pk, record.pk]))
    assert same.content == report.content
    assert not JournalLine.objects.exists()


def test_a_dry_run_shows_the_totals_and_posts_nothing(manager_client, fund, tmp_path, upload):
    path = ledger_csv(tmp_path / "gl.csv", generated_rows(30))
    page = manager_client.get(upload(manager_client, fund, path, dry_run=True)["Location"]).content.decode()
    assert "The file can be posted" in page and "This was a dry run: nothing was posted." in page
    assert not JournalLine.objects.exists() and not LedgerImport.objects.exists()
    run = ImportRun.objects.get()
    assert manager_client.get(reverse("imports:run_problems", args=[fund.pk, run.pk])).status_code == 404


def test_the_upload_form_says_what_is_missing(manager_client, fund, tmp_path):
    response = manager_client.post(reverse("imports:upload", args=[fund.pk]), {})
    page = response.content.decode()
    assert response.status_code == 200 and "Select the file to import" in page and "Select the column mapping" in page
    (tmp_path / "gl.pdf").write_bytes(b"%PDF")
    response = manager_client.post(reverse("imports:upload", args=[fund.pk]), {
        "file": SimpleUploadedFile("gl.pdf", b"%PDF"), "mapping": fund.column_mappings.get().pk})
    assert "The file must be a CSV or an Excel workbook" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_progress_page_has_a_bar_that_works_with_and_without_javascript(manager_client, fund):
    run = a_run(fund)
    ProgressCache(run.task_id).write(
        {"stage": "reading", "done": 2500, "total": 10000, "rate": 5000, "seconds_left": 2, "percent": 25})
    page = manager_client.get(reverse("imports:run", args=[fund.pk, run.pk])).content.decode()
    assert '<progress id="import-progress" class="s75-progress__bar" max="10000" value="2500">25%</progress>' in page
    assert "2,500 of 10,000 rows (25%), 5,000 rows a second, about 2 seconds left" in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "s75/import-progress.mjs" in page
    state = manager_client.get(reverse("imports:run_progress", args=[fund.pk, run.pk])).json()
    assert state == {"status": "running", "finished": False, "stage": "reading", "done": 2500, "total": 10000,
                     "rate": 5000, "seconds_left": 2, "percent": 25, "failure": "",
                     "text": "2,500 of 10,000 rows (25%), 5,000 rows a second, about 2 seconds left"}


def test_an_import_whose_worker_has_died_says_so_and_that_nothing_was_posted(manager_client, fund, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = a_run(fund, task_id=None)
    result = ledger_import_task.enqueue(run_id=run.pk)
    ImportRun.objects.filter(pk=run.pk).update(task_id=result.id)
    assert manager_client.get(reverse("imports:run", args=[fund.pk, run.pk])).context["state"].text == (
        "Waiting to start")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    DBTaskResult.objects.get(id=result.id).claim(worker_id(dead.pid))
    page = manager_client.get(reverse("imports:run", args=[fund.pk, run.pk])).content.decode()
    host = worker_id(dead.pid).rpartition(":")[0]
    assert "The import stopped before it finished" in page
    assert (f"The worker running it stopped (process {dead.pid} on host {host}) before it finished; nothing was "
            "posted") in page
    state = manager_client.get(reverse("imports:run_progress", args=[fund.pk, run.pk])).json()
    assert (state["status"], state["finished"]) == ("stopped", True)


def test_a_file_posted_by_a_worker_that_stopped_before_keeping_the_outcome_shows_as_posted(
        manager_client, fund, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = a_run(fund, task_id=None)
    result = ledger_import_task.enqueue(run_id=run.pk)
    record = ledger_import(actor=None, fund=fund, path=ledger_csv(tmp_path / "gl.csv", generated_rows(5)),
                           mapping=fund.column_mappings.get()).ledger_import
    ImportRun.objects.filter(pk=run.pk).update(task_id=result.id, ledger_import=record)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    DBTaskResult.objects.get(id=result.id).claim(worker_id(dead.pid))
    state = manager_client.get(reverse("imports:run_progress", args=[fund.pk, run.pk])).json()
    assert (state["status"], state["finished"]) == ("done", True)
    page = manager_client.get(reverse("imports:run", args=[fund.pk, run.pk]))
    assert page.status_code == 302 and page.url == reverse("imports:import", args=[fund.pk, record.pk])


@pytest.mark.parametrize("name", ["imports:run", "imports:run_progress", "imports:run_problems"])
def test_an_import_run_is_found_only_under_its_own_fund_and_by_those_who_see_it(manager_client, outsider_client,
                                                                                fund, name):
    run = a_run(fund)
    other = import_fund()
    assert manager_client.get(reverse(name, args=[other.pk, run.pk])).status_code == 404
    assert outsider_client.get(reverse(name, args=[fund.pk, run.pk])).status_code == 404


def test_the_history_lists_every_import_and_downloads_as_excel(manager_client, fund, tmp_path, upload):
    upload(manager_client, fund, ledger_csv(tmp_path / "good.csv", [row(line_id="A")]))
    upload(manager_client, fund, ledger_csv(tmp_path / "bad.csv", [row(amount="x", line_id="B")]))
    page = manager_client.get(reverse("imports:history", args=[fund.pk])).content.decode()
    assert "2 imports" in page and "good.csv" in page and "bad.csv" in page and "Maud O&#x27;Leary" in page
    response = manager_client.get(reverse("imports:history_xlsx", args=[fund.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:10] == ("Started", "Finished", "By", "File", "Mapping", "Status", "Rows", "Posted",
                            "Already posted", "Total (£)")
    assert sorted((r[3], r[5], r[6], r[7], r[9]) for r in rows[1:]) == [
        ("bad.csv", "Rejected", 1, 0, 0), ("good.csv", "Posted", 1, 1, 100)]


def test_an_imports_page_shows_its_record_and_entries(manager_client, board_client, fund, tmp_path, upload):
    upload(manager_client, fund, ledger_csv(tmp_path / "good.csv", [row(line_id="A")]))
    record = LedgerImport.objects.get()
    page = board_client.get(reverse("imports:import", args=[fund.pk, record.pk])).content.decode()
    assert f"Import {record.pk}: good.csv" in page and "2024-25/M01" in page and record.sha256 in page
    assert board_client.get(reverse("imports:import_problems", args=[fund.pk, record.pk])).status_code == 404
    other = import_fund()
    assert board_client.get(reverse("imports:import", args=[other.pk, record.pk])).status_code == 404


def test_a_column_mapping_is_added_and_changed_on_its_page(manager_client, fund):
    response = manager_client.post(reverse("imports:mapping_new", args=[fund.pk]), {
        "name": "Oracle", "posting_date": "GL Date", "cost_centre": "Cost Centre", "debit": "Dr", "credit": "Cr"})
    assert response.status_code == 302
    mapping = fund.column_mappings.get(name="Oracle")
    assert mapping.columns == {"posting_date": "GL Date", "cost_centre": "Cost Centre", "debit": "Dr", "credit": "Cr"}
    url = reverse("imports:mapping_edit", args=[fund.pk, mapping.pk])
    assert 'value="GL Date"' in manager_client.get(url).content.decode()
    page = manager_client.post(url, {"name": "Oracle", "posting_date": "GL Date", "cost_centre": "Cost Centre",
                                     "amount": "Net", "debit": "Dr", "credit": "Cr"}).content.decode()
    assert "Give either an amount column or debit and credit columns, not both" in page
    page = manager_client.post(url, {"name": "finance", "posting_date": "D", "cost_centre": "C",
                                     "amount": "A"}).content.decode()
    assert "A mapping called &#x27;finance&#x27; already exists" in page
    listing = manager_client.get(reverse("imports:mappings", args=[fund.pk])).content.decode()
    assert "Oracle" in listing and "GL Date" in listing
    other = import_fund()
    assert manager_client.get(reverse("imports:mapping_edit", args=[other.pk, mapping.pk])).status_code == 404


def test_the_cost_centre_mapping_is_replaced_from_its_page(manager_client, fund):
    url = reverse("imports:cost_centres", args=[fund.pk])
    page = manager_client.get(url).content.decode()
    assert "CC100, 1\nCC101, 1\nCC200, 2" in page
    page = manager_client.post(url, {"lines": "CC100, 2\nCC300, 9\nCC400"}).content.decode()
    assert "Line 2: the agreement has no schedule &#x27;9&#x27;" in page
    assert "Line 3: give a cost centre and a schedule, separated by a comma" in page
    response = manager_client.post(url, {"lines": "CC100, 2\nCC300, Joint Equipment Store\n"})
    assert response.status_code == 302
    assert dict(CostCentreMapping.objects.filter(fund=fund).values_list("cost_centre", "schedule__number")) == {
        "CC100": 2, "CC300": 1}
    page = manager_client.get(response["Location"]).content.decode()
    assert "The cost-centre mapping is saved: 1 added, 1 changed, 2 removed." in page


def test_the_progress_endpoint_is_plain_json(manager_client, fund):
    run = a_run(fund)
    response = manager_client.get(reverse("imports:run_progress", args=[fund.pk, run.pk]))
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["text"] == "Waiting to start"


# Import the file after a dry run; a held file; problems that link to where they are put right --------------------

def post_checked(client, fund, run, data=None):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("imports:run_post", args=[fund.pk, run.pk]), data or {})


def test_import_the_file_after_a_dry_run_posts_the_checked_file_without_a_second_upload(manager_client, fund,
                                                                                        tmp_path, upload):
    path = ledger_csv(tmp_path / "april.csv", [row("2024-04-02", "CC100", "1,000.00", "A")])
    dry_url = upload(manager_client, fund, path, dry_run=True)["Location"]
    page = manager_client.get(dry_url).content.decode()
    dry = ImportRun.objects.get()
    assert f'action="{reverse("imports:run_post", args=[fund.pk, dry.pk])}"' in page
    assert ">Import the file</button>" in page
    response = post_checked(manager_client, fund, dry)
    posting = ImportRun.objects.get(checked_in=dry)
    assert response.status_code == 302 and response["Location"] == reverse("imports:run", args=[fund.pk, posting.pk])
    assert "File posted" in manager_client.get(response["Location"]).content.decode()
    assert JournalLine.objects.filter(source_line_id="A").count() == 1
    page = manager_client.get(dry_url).content.decode()
    assert ">Import the file</button>" not in page, "posted once"
    assert reverse("imports:run", args=[fund.pk, posting.pk]) in page and "see how that went" in page
    again = post_checked(manager_client, fund, dry)
    assert again.status_code == 200 and "This checked file was sent to be posted already" in again.content.decode()
    assert ImportRun.objects.count() == 2


def test_import_the_file_needs_the_permission_to_post_and_a_checked_file(manager_client, board_client, fund,
                                                                         tmp_path, upload):
    upload(manager_client, fund, ledger_csv(tmp_path / "gl.csv", [row()]), dry_run=True)
    dry = ImportRun.objects.get()
    page = board_client.get(reverse("imports:run", args=[fund.pk, dry.pk])).content.decode()
    assert ">Import the file</button>" not in page and "Someone who may post to the ledger can import" in page
    assert board_client.post(reverse("imports:run_post", args=[fund.pk, dry.pk])).status_code == 403
    assert manager_client.get(reverse("imports:run_post", args=[fund.pk, dry.pk])).status_code == 405
    rejected = a_run(fund, outcome={"status": "rejected", "problems": []})
    assert manager_client.post(reverse("imports:run_post", args=[fund.pk, rejected.pk])).status_code == 404
    assert not JournalLine.objects.exists()


def test_import_the_file_says_why_it_is_refused_when_the_mapping_changed(manager_client, fund, tmp_path, upload):
    upload(manager_client, fund, ledger_csv(tmp_path / "gl.csv", [row()]), dry_run=True)
    dry = ImportRun.objects.get()
    CostCentreMapping.objects.filter(fund=fund, cost_centre="CC101").delete()
    page = post_checked(manager_client, fund, dry).content.decode()
    assert "There is a problem" in page and "The cost-centre mapping changed after the file was checked" in page
    assert not JournalLine.objects.exists()


def test_a_held_file_is_posted_anyway_only_when_ticked_with_a_reason_kept_in_the_audit_trail(manager_client, fund,
                                                                                           tmp_path, upload):
    upload(manager_client, fund, ledger_csv(tmp_path / "gl.csv", [row("2025-04-30", amount="99.00")]), dry_run=True)
    dry = ImportRun.objects.get()
    page = manager_client.get(reverse("imports:run", args=[fund.pk, dry.pk])).content.decode()
    assert "The file is held back: it has lines in a year with no budget" in page
    assert "1 row (£99.00) falls in 2025-26, but the agreement records no contributions" in page
    assert reverse("budgets:financial_schedule", args=[fund.agreement.pk, "2025-26"]) in page
    assert "Post the file anyway, although it has lines in a year with no budget" in page
    page = post_checked(manager_client, fund, dry, {"why": "Agreed"}).content.decode()
    assert "Tick ‘post the file anyway’" in page
    page = post_checked(manager_client, fund, dry, {"post_anyway": "on"}).content.decode()
    assert "Say why the file should be posted all the same" in page
    assert not ImportRun.objects.filter(checked_in=dry).exists() and not JournalLine.objects.exists()
    response = post_checked(manager_client, fund, dry, {"post_anyway": "on", "why": "The 2025-26 budget is agreed"})
    assert "File posted" in manager_client.get(response["Location"]).content.decode()
    event = AuditEvent.objects.get(action="ledger_import")
    assert event.reason == "The 2025-26 budget is agreed" and event.actor.last_name == "O'Leary"


def test_a_missing_heading_links_to_the_column_mapping_that_expects_it(manager_client, board_client, fund, tmp_path,
                                                                       upload):
    path = ledger_csv(tmp_path / "gl.csv", [row()[:5]], headings=HEADINGS[:5])
    url = upload(manager_client, fund, path)["Location"]
    mapping = fund.column_mappings.get()
    edit = reverse("imports:mapping_edit", args=[fund.pk, mapping.pk])
    page = manager_client.get(url).content.decode()
    assert "The file has no column headed &#x27;Line Id&#x27;" in page
    assert f'<a class="govuk-link" href="{edit}">Change the column mapping</a>' in page
    assert edit not in board_client.get(url).content.decode(), "only for those who may change it"
    record = LedgerImport.objects.get()
    assert edit in manager_client.get(reverse("imports:import", args=[fund.pk, record.pk])).content.decode()


def test_an_unknown_cost_centre_links_to_the_cost_centre_mapping_ready_to_add_it(manager_client, fund, tmp_path,
                                                                                 upload):
    path = ledger_csv(tmp_path / "gl.csv", [row(centre="ZZ9", line_id="A"), row(centre="AB 1", line_id="B")])
    page = manager_client.get(upload(manager_client, fund, path)["Location"]).content.decode()
    base = reverse("imports:cost_centres", args=[fund.pk])
    assert f'href="{base}?add=ZZ9#id_lines">Map cost centre ZZ9 to a schedule</a>' in page
    assert f'href="{base}?add=AB%201&amp;add=ZZ9#id_lines">Map the 2 cost centres not mapped yet</a>' in page
    form = manager_client.get(f"{base}?add=AB%201&add=ZZ9&add=CC100").content.decode()
    assert "CC200, 2\nAB 1, \nZZ9, </textarea>" in form, "added below the mapping; CC100 is mapped already"
    assert "The list ends with the cost centres AB 1, ZZ9, from the file that was rejected" in form


def test_a_repeated_file_links_to_the_import_that_posted_it_and_says_what_to_do(manager_client, fund, tmp_path,
                                                                                upload):
    path = ledger_csv(tmp_path / "gl.csv", [row()])
    upload(manager_client, fund, path)
    first = LedgerImport.objects.get()
    page = manager_client.get(upload(manager_client, fund, path)["Location"]).content.decode()
    link = reverse("imports:import", args=[fund.pk, first.pk])
    assert f'href="{link}">Import {first.pk}, which posted the file' in page
    assert "To correct what it posted, reverse its entries and import the corrected file" in page


def test_a_dry_run_of_a_file_posted_already_links_to_that_import_and_offers_no_button(manager_client, fund, tmp_path,
                                                                                      upload):
    path = ledger_csv(tmp_path / "gl.csv", [row()])
    upload(manager_client, fund, path, dry_run=True)
    dry = ImportRun.objects.get()
    upload(manager_client, fund, path)
    page = manager_client.get(reverse("imports:run", args=[fund.pk, dry.pk])).content.decode()
    record = LedgerImport.objects.get()
    assert ">Import the file</button>" not in page
    link = reverse("imports:import", args=[fund.pk, record.pk])
    assert f'the same file was posted as <a class="govuk-link" href="{link}">' in page


@pytest.mark.parametrize("page", ["ledger:fund", "agreements:detail"])
def test_the_import_pages_are_linked_from_the_fund_and_the_agreement(manager_client, board_client, fund, page):
    url = reverse(page, args=[fund.pk if page == "ledger:fund" else fund.agreement.pk])
    changes = [reverse(name, args=[fund.pk]) for name in ("imports:upload", "imports:mapping_new",
                                                          "imports:cost_centres")]
    reads = [reverse(name, args=[fund.pk]) for name in ("imports:history", "imports:mappings")]
    manager_page, board_page = (client.get(url).content.decode() for client in (manager_client, board_client))
    assert all(f'href="{link}"' in manager_page for link in changes + reads)
    assert all(f'href="{link}"' in board_page for link in reads), "anyone who sees the fund sees its imports"
    assert not [link for link in changes if f'href="{link}"' in board_page], "only those who may import"
