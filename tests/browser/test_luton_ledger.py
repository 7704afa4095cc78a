"""Luton's pooled fund manager opens the fund's ledger, finds both partners' 2013-14 instalments paid, and follows
the ledger from the trial balance down to the lines."""

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
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Agreements").click()
    page.get_by_role("main").get_by_role("link", name="Luton").click()
    page.get_by_role("link", name="Pooled fund ledger").click()  # the demo opened Luton's fund
    page.get_by_role("heading", name="Pooled fund ledger 2013-14").wait_for()  # the latest year with postings

    page.get_by_role("link", name="Partners' instalments and receipts").click()
    # The demo has both partners paying their 2013-14 contributions in four quarterly instalments, on time.
    statuses = page.locator("tbody .govuk-tag").all_inner_texts()
    assert statuses == ["Paid"] * 8
    amounts = page.locator("tbody td.govuk-table__cell--numeric:nth-child(3)").all_inner_texts()
    assert amounts.count("£873,375.00") == 4  # the CCG's £3,493,500 in four

    page.screenshot(path=ARTIFACTS / "luton-instalments.png", full_page=True)

    page.get_by_role("link", name="pooled fund ledger").click()
    page.get_by_role("navigation", name="Financial years").get_by_role("link", name="2013-14").click()
    page.get_by_role("heading", name="Pooled fund ledger 2013-14").wait_for()
    trial = page.get_by_role("region", name="Trial balance").locator("table")
    # Debits equal credits: cash received from both partners (£6,596,000) and the demo's imported spend
    # (£6,739,000), against their contributions and the creditors.
    assert trial.locator("tfoot td").all_inner_texts()[-2:] == ["£13,335,000.00", "£13,335,000.00"]
    page.screenshot(path=ARTIFACTS / "luton-fund-ledger.png", full_page=True)
    trial.screenshot(path=ARTIFACTS / "luton-trial-balance.png")

    trial.get_by_role("link", name="lines of Cash at bank").click()
    page.get_by_role("heading", name="Ledger lines").wait_for()
    assert page.locator("caption").first.inner_text().startswith("8 lines")
    assert page.locator("tbody td.govuk-table__cell--numeric").all_inner_texts()[:2] == ["£775,625.00", ""]
    page.screenshot(path=ARTIFACTS / "luton-ledger-lines.png", full_page=True)
