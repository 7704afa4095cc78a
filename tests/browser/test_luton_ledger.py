"""Luton's pooled fund manager opens the fund's ledger, sets the CCG's quarterly instalments for 2013-14, records
the first receipt typed in pounds, and follows the ledger from the trial balance down to the lines."""

from pathlib import Path

import pytest
from django.core.management import call_command

ARTIFACTS = Path("test-artifacts")


@pytest.mark.browser
def test_luton_manager_runs_the_ccgs_instalments_through_the_ledger(live_server, page):
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo", verbosity=0)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("luton.manager")
    page.get_by_label("Password").fill("s75-demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Luton").click()
    page.get_by_role("link", name="Pooled fund ledger").click()  # the demo opened Luton's fund
    page.get_by_role("heading", name="Pooled fund ledger 2013-14").wait_for()  # the latest year with postings

    page.get_by_role("link", name="Partners' instalments and receipts").click()
    page.get_by_role("button", name="Set a partner's instalments").click()
    page.get_by_label("Partner", exact=True).select_option(label="NHS Luton / Luton Clinical Commissioning Group")
    page.get_by_label("Financial year").select_option("2013-14")
    page.get_by_label("Four equal quarterly instalments").check()
    page.get_by_role("button", name="Set instalments").click()
    page.get_by_text("4 instalments set for NHS Luton / Luton Clinical Commissioning Group in 2013-14").wait_for()
    # The CCG's contributions to the pooled schedules, £3,493,500, in four.
    amounts = page.locator("tbody td.govuk-table__cell--numeric:nth-child(3)").all_inner_texts()
    assert amounts == ["£873,375.00"] * 4

    page.get_by_role("link", name="Record a receipt").first.click()
    page.get_by_label("Day").fill("10")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2013")
    page.get_by_label("Amount received").fill("£873,375.005")
    page.get_by_role("button", name="Record receipt").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "has fractions of a penny" in summary.inner_text()
    assert page.evaluate("document.activeElement.className").startswith("govuk-error-summary")
    page.screenshot(path=ARTIFACTS / "luton-receipt-error.png", full_page=True)
    page.get_by_label("Amount received").fill("£873,375.0")
    page.get_by_role("button", name="Record receipt").click()
    page.get_by_text("£873,375.00 received from NHS Luton / Luton Clinical Commissioning Group was recorded").wait_for()
    assert page.locator("tbody .govuk-tag").first.inner_text() == "Paid"
    page.screenshot(path=ARTIFACTS / "luton-instalments.png", full_page=True)

    page.get_by_role("link", name="pooled fund ledger").click()
    page.get_by_role("navigation", name="Financial years").get_by_role("link", name="2013-14").click()
    page.get_by_role("heading", name="Pooled fund ledger 2013-14").wait_for()
    trial = page.locator("#trial-balance + table")
    # Debits equal credits: the CCG's instalments (£3,493,500) and the demo's imported spend (£6,739,000).
    assert trial.locator("tfoot td").all_inner_texts()[-2:] == ["£10,232,500.00", "£10,232,500.00"]
    page.screenshot(path=ARTIFACTS / "luton-fund-ledger.png", full_page=True)
    trial.screenshot(path=ARTIFACTS / "luton-trial-balance.png")

    trial.get_by_role("link", name="lines of Cash at bank").click()
    page.get_by_role("heading", name="Ledger lines").wait_for()
    assert page.locator("caption").first.inner_text().startswith("1 line")
    assert page.locator("tbody td.govuk-table__cell--numeric").all_inner_texts() == ["£873,375.00", ""]
    page.screenshot(path=ARTIFACTS / "luton-ledger-lines.png", full_page=True)
