"""The fund's reports page, the background task that makes a version and the downloads.
Each page is 200 for the fund's partners, 404 for another organisation, 403 for making a paper without the pooled
fund manager's permission."""


import pytest
from django.urls import reverse

from s75.accounts.models import User
from s75.reports.models import ReportRun, ReportVersion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, luton_fund):
    client.force_login(User.objects.get(username="luton.manager"))
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A request whose tasks are enqueued as its transaction commits, and run there and then."""

    def request(method, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return method(*args, **kwargs)

    return request


def test_the_manager_makes_a_report_through_the_task_and_downloads_both_files(manager_client, luton_fund,
                                                                              committed):
    page = manager_client.get(reverse("reports:list", args=[luton_fund.pk]))
    assert page.status_code == 200 and b"No report has been made" in page.content
    assert b'value="2013-14/Q4" selected' in page.content  # the latest month with postings is M12
    response = committed(manager_client.post, reverse("reports:generate", args=[luton_fund.pk]),
                         {"quarter": "2013-14/Q2", "formats": ["pdf", "xlsx"]})
    run = ReportRun.objects.get()
    assert response.url == reverse("reports:run", args=[luton_fund.pk, run.pk])
    version = ReportVersion.objects.get()
    assert (run.version, version.created_by.username) == (version, "luton.manager") and run.task_id
    done = manager_client.get(response.url)
    assert b"Quarterly report 2013-14/Q2 is ready" in done.content
    progress = manager_client.get(reverse("reports:run_progress", args=[luton_fund.pk, run.pk])).json()
    assert (progress["finished"], progress["text"]) == (True, "Finished")
    pdf = manager_client.get(reverse("reports:file", args=[luton_fund.pk, version.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert "luton-s75-s76-2013-quarterly-report-2013-14-Q2-v1.pdf" in pdf["Content-Disposition"]
    xlsx = manager_client.get(reverse("reports:file", args=[luton_fund.pk, version.pk, "xlsx"]))
    assert b"".join(xlsx.streaming_content).startswith(b"PK")
    listing = manager_client.get(reverse("reports:list", args=[luton_fund.pk])).content.decode()
    assert "Quarterly report 2013-14/Q2" in listing and "Pat Manager" in listing


def test_producing_a_version_again_from_the_page(manager_client, luton_fund, committed):
    committed(manager_client.post, reverse("reports:generate", args=[luton_fund.pk]),
              {"quarter": "2013-14/Q4", "formats": ["pdf"]})
    first = ReportVersion.objects.get()
    committed(manager_client.post, reverse("reports:reproduce", args=[luton_fund.pk, first.pk]))
    again = ReportVersion.objects.exclude(pk=first.pk).get()
    assert (again.number, again.reproduces, again.pdf_sha256) == (2, first, first.pdf_sha256)
    listing = manager_client.get(reverse("reports:list", args=[luton_fund.pk])).content.decode()
    assert "version 1 produced again, identical" in listing


def test_a_bad_request_shows_the_error_and_makes_nothing(manager_client, luton_fund):
    response = manager_client.post(reverse("reports:generate", args=[luton_fund.pk]), {"quarter": "2013-14/Q2"})
    assert response.status_code == 400 and b"Choose PDF, Excel or both" in response.content
    assert not ReportRun.objects.exists()


def test_a_partner_without_the_permission_reads_but_may_not_make(client, luton_fund, committed):
    client.force_login(User.objects.get(username="luton.manager"))
    committed(client.post, reverse("reports:generate", args=[luton_fund.pk]),
              {"quarter": "2013-14/Q2", "formats": ["pdf"]})
    version = ReportVersion.objects.get()
    client.force_login(User.objects.get(username="blmk.finance"))  # the CCG's successor ICB
    page = client.get(reverse("reports:list", args=[luton_fund.pk]))
    assert page.status_code == 200 and b"Make the report" not in page.content
    assert client.get(reverse("reports:file", args=[luton_fund.pk, version.pk, "pdf"])).status_code == 200
    assert client.post(reverse("reports:generate", args=[luton_fund.pk]),
                       {"quarter": "2013-14/Q2", "formats": ["pdf"]}).status_code == 403
    assert client.post(reverse("reports:reproduce", args=[luton_fund.pk, version.pk])).status_code == 403


def test_another_organisation_sees_no_fund(client, luton_fund):
    manager = UserFactory(role="Pooled fund manager")
    client.force_login(manager)
    assert client.get(reverse("reports:list", args=[luton_fund.pk])).status_code == 404
    assert client.post(reverse("reports:generate", args=[luton_fund.pk]),
                       {"quarter": "2013-14/Q2", "formats": ["pdf"]}).status_code == 404
