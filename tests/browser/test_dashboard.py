"""Luton's pooled fund manager opens the fund's monitoring dashboard for 2013-14/M12 after the year-end forecasts
(DESIGN.md §6's outturn) are entered, checks the headline figures and the prior-agreement panel, and saves a
screenshot."""

from pathlib import Path

import pytest
from django.core.management import call_command

from s75.agreements.models import Agreement
from s75.ledger.services import fund_open
from s75.monitoring.services import schedule_forecast_set
from tests.monitoring.luton import OUTTURN

ARTIFACTS = Path("test-artifacts")


@pytest.mark.browser
def test_luton_manager_reads_the_year_end_dashboard(live_server, page):
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo", verbosity=0)
    luton = Agreement.objects.get(reference="luton-s75-s76-2013")
    fund_open(actor=None, agreement=luton)  # idempotent: the demo may have opened it already
    for schedule in luton.schedules.all():
        schedule_forecast_set(actor=None, schedule=schedule, financial_year=2013, month=12, method="",
                              amount_pence=OUTTURN[schedule.title], commentary="Year-end outturn")
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("luton.manager")
    page.get_by_label("Password").fill("s75-demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Agreements").click()
    page.get_by_role("main").get_by_role("link", name="Luton").click()
    page.get_by_role("link", name="Budget monitoring").click()
    page.get_by_label("Month", exact=True).select_option("2013-14/M12")
    page.get_by_role("button", name="Show month").click()
    page.get_by_role("heading", name="Budget monitoring 2013-14, M12 (Mar)").wait_for()

    figures = {name: page.locator(f"[data-figure={name}]").inner_text()
               for name in ("budget", "forecast", "variance", "variance-status")}
    assert figures == {"budget": "£6,596,000", "forecast": "£6,739,000", "variance": "£143,000",
                       "variance-status": "Overspend Red"}

    by_month = page.get_by_role("img", name="Cumulative budget, actual and forecast by month, 2013-14")
    by_schedule = page.get_by_role("img", name="Forecast variance by schedule, 2013-14/M12")
    assert by_month.is_visible() and by_schedule.is_visible()

    ccg = page.locator(".govuk-summary-card", has_text="(formerly NHS Luton CCG)")
    assert "Consent required" in ccg.inner_text() and "£64,981.55" in ccg.inner_text()
    council = page.locator(".govuk-summary-card", has_text="Luton Borough Council (host)")
    assert "£78,018.45" in council.inner_text()
    assert "Not bound by a prior-agreement clause" in council.inner_text()

    page.screenshot(path=ARTIFACTS / "luton-dashboard.png", full_page=True)
    by_month.screenshot(path=ARTIFACTS / "luton-dashboard-by-month.png")
    by_schedule.screenshot(path=ARTIFACTS / "luton-dashboard-variance.png")
