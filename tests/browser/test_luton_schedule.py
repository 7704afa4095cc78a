"""A pooled fund manager signs in, finds Luton's agreement and reads its 2013-14 financial schedule."""

from pathlib import Path

import pytest
from django.core.management import call_command

ARTIFACTS = Path("test-artifacts")


@pytest.mark.browser
def test_luton_manager_reads_the_2013_14_financial_schedule(live_server, page):
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo", verbosity=0)

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("luton.manager")
    page.get_by_label("Password").fill("s75-demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Agreements").click()

    page.get_by_role("heading", name="Agreements", exact=True).wait_for()
    assert set(page.evaluate("document.body.className").split()) >= {"js-enabled", "govuk-frontend-supported"}
    page.get_by_role("main").get_by_role("link", name="Luton").click()
    page.get_by_role("link", name="2013-14 financial schedule").click()

    page.get_by_role("heading", name="Financial schedule 2013-14").wait_for()
    totals = page.locator("tfoot td").all_inner_texts()
    assert totals == ["£3,102,500", "£3,493,500", "£6,596,000"]

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "luton-financial-schedule.png", full_page=True)
