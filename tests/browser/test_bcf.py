"""A council's Better Care Fund lead opens the area's plan from the main navigation, reads its checks, downloads the
planning workbook and checks it for upload, and finds nothing that WCAG's A and AA rules forbid on the plans' pages,
at a desktop's width and a phone's; NHS England opens the national view after `s75 bcf-simulate`. Screenshots go to
test-artifacts/bcf-*.png."""

from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from s75.bcf.checks import CHECKS
from s75.bcf.services import plan_contents_replace, plan_create
from s75.organisations.models import OrganisationKind
from tests.bcf.conftest import bcf_area
from tests.browser.axe import axe_violations
from tests.factories import OrganisationFactory, UserFactory

ARTIFACTS = Path("test-artifacts")
PASSWORD = "correct horse battery"  # the factories' password


@pytest.mark.browser
def test_council_bcf_lead_reads_the_plans_checks_and_downloads_its_workbook(live_server, page, tmp_path):
    area = bcf_area()
    plan = plan_create(actor=area.manager, hwb=area.council.organisation, year=area.year, agreement=area.agreement)
    plan_contents_replace(actor=area.manager, plan=plan, contents=area.contents())
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(area.manager.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Better Care Fund").click()
    page.get_by_role("heading", name="Better Care Fund plans").wait_for()
    assert axe_violations(page) == []
    page.screenshot(path=ARTIFACTS / "bcf-list.png", full_page=True)

    page.get_by_role("main").get_by_role("link", name=f"{area.council.organisation} 2025-26").click()
    page.get_by_role("heading", name="Checks").wait_for()
    for title in CHECKS.values():
        check = page.get_by_role("heading", name=title)
        assert "Passes" in check.inner_text()
    assert page.get_by_role("img", name="planned and actual by quarter").count() == 3

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Planning workbook", exact=True).click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    assert load_workbook(saved).sheetnames

    assert axe_violations(page) == []
    page.screenshot(path=ARTIFACTS / "bcf-plan.png", full_page=True)

    # The plan's own workbook, read back: checked first, nothing saved, then "Import the file".
    plan_url = page.url
    page.get_by_role("link", name="Upload a filled-in planning workbook").click()
    page.get_by_label("Filled-in planning workbook (.xlsx)").set_input_files(saved)
    page.get_by_role("button", name="Check the workbook").click()
    page.get_by_role("button", name="Import the file").wait_for()
    assert axe_violations(page) == []
    page.screenshot(path=ARTIFACTS / "bcf-upload.png", full_page=True)
    page.goto(plan_url)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert axe_violations(page) == []
    page.screenshot(path=ARTIFACTS / "bcf-plan-390.png", full_page=True)
    # Nothing but the tables' own scroll regions is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{live_server.url}/bcf/new/")
    page.get_by_role("button", name="Start the plan").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert axe_violations(page) == []
    page.screenshot(path=ARTIFACTS / "bcf-new-390.png", full_page=True)


@pytest.mark.browser
def test_nhs_england_opens_the_national_view_after_a_simulation(live_server, page):
    call_command("bcf_simulate", "--areas", "E06000001,E06000002,E10000018", "--year", "2025-26", "--seed", "3")
    nhs_england = OrganisationFactory(name="NHS England", kind=OrganisationKind.NHS_ENGLAND, ons_code=None,
                                      ods_code="X24")
    assurer = UserFactory(organisation=nhs_england, role="NHS England")

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(assurer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Better Care Fund").click()
    page.get_by_role("main").get_by_role("link", name="The national and regional view").click()
    page.get_by_role("heading", name="Plans in England").wait_for()
    main = page.get_by_role("main").inner_text()
    for area in ("Hartlepool", "Middlesbrough", "Leicestershire"):
        assert area in main
    assert axe_violations(page) == []
    page.screenshot(path=ARTIFACTS / "bcf-national.png", full_page=True)
