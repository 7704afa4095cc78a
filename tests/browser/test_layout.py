"""The data pages fit the screen (issue 13, items 4 and 8): on a 1,280-pixel screen no page scrolls sideways and no
column of the dashboard's schedules or of the ledger's months is cut off; on a 390-pixel phone only a table scrolls,
inside its own labelled region that a keyboard can reach, never the page; and each chart reads at both widths.
Luton's pooled fund manager opens each page of the demo's 2013-14, after the year-end outturn and a settlement."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from s75.agreements.models import Agreement
from s75.core.fiscal import FinancialYear
from s75.ledger.services import fund_open
from s75.settlement.services import settlement_run_create
from tests.monitoring.luton import enter_outturn

ARTIFACTS = Path("test-artifacts")
WIDTHS = (1280, 390)
YEAR = FinancialYear(2013)

# Each table's wrapper and header cells: where the header cells end against what the reader can see.
COLUMNS = """region => {
  const box = region.getBoundingClientRect();
  return {
    visibleRight: Math.min(box.right, window.innerWidth),
    scrolls: region.scrollWidth > region.clientWidth,
    headers: [...region.querySelectorAll('thead th')]
      .map(th => [th.innerText.trim(), th.getBoundingClientRect().right]),
  };
}"""
# Every table wider than its parent, and whether it sits in a focusable, named scrolling region.
WIDE_TABLES = """() => [...document.querySelectorAll('main table')]
  .filter(table => table.offsetWidth > table.parentElement.clientWidth
    || table.getBoundingClientRect().right > innerWidth)
  .map(table => {
    const region = table.closest('.s75-table-scroll');
    return {
      table: (table.caption && table.caption.innerText.trim()) || table.className,
      inRegion: !!region && region.getAttribute('role') === 'region' && region.getAttribute('tabindex') === '0'
        && !!(region.getAttribute('aria-label') || document.getElementById(region.getAttribute('aria-labelledby'))),
      scrollsInside: !!region && getComputedStyle(region).overflowX === 'auto',
    };
  })"""
CHARTS = """() => [...document.querySelectorAll('svg.s75-chart--bars')].map(svg => ({
  name: svg.querySelector('title').textContent,
  right: svg.getBoundingClientRect().right,
  textHeight: Math.min(...[...svg.querySelectorAll('text')].map(text => text.getBoundingClientRect().height)),
}))"""


@pytest.fixture
def luton_year_end(db):
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo", verbosity=0)
    luton = Agreement.objects.get(reference="luton-s75-s76-2013")
    fund = fund_open(actor=None, agreement=luton)  # idempotent: the demo has opened it
    enter_outturn(luton)
    run = settlement_run_create(actor=None, agreement=luton, year=YEAR)
    return {
        "fund ledger": f"{reverse('ledger:fund', args=[fund.pk])}?year={YEAR.label}",
        "dashboard": f"{reverse('monitoring:dashboard', args=[fund.pk])}?period={YEAR.label}/M12",
        "ledger lines": f"{reverse('ledger:lines', args=[fund.pk])}?year={YEAR.label}",
        "financial schedule": reverse("budgets:financial_schedule", args=[luton.pk, YEAR]),
        "settlement": reverse("settlement:run", args=[fund.pk, run.pk]),
        "audit": reverse("agreements:audit", args=[luton.pk]),
        "instalments": reverse("budgets:instalments", args=[luton.pk]),
    }


def _sign_in(page, url: str) -> None:
    page.goto(f"{url}/sign-in/")
    page.get_by_label("Username").fill("luton.manager")
    page.get_by_label("Password").fill("s75-demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="What needs you now").wait_for()


def _columns_shown_whole(page, region) -> None:
    columns = region.evaluate(COLUMNS)
    assert not columns["scrolls"], f"the table scrolls at {page.viewport_size['width']}px"
    cut = [name for name, right in columns["headers"] if right > columns["visibleRight"] + 0.5]
    assert len(columns["headers"]) >= 8 and not cut, f"columns cut off: {cut}"


@pytest.mark.browser
def test_data_pages_fit_a_laptop_and_a_phone(live_server, page, luton_year_end):
    ARTIFACTS.mkdir(exist_ok=True)
    _sign_in(page, live_server.url)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in luton_year_end.items():
            page.goto(f"{live_server.url}{path}")
            page.get_by_role("main").wait_for()
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls at {width}px"
            wide = page.evaluate(WIDE_TABLES)
            if width == 1280:
                assert [table for table in wide if not table["inRegion"]] == [], name
            else:
                assert all(table["inRegion"] and table["scrollsInside"] for table in wide), (name, wide)
            for chart in page.evaluate(CHARTS):  # within the screen, its text at full size
                assert chart["right"] <= width and chart["textHeight"] >= 14, (name, chart)
            page.screenshot(path=ARTIFACTS / f"layout-{name.replace(' ', '-')}-{width}.png", full_page=True)

            if width == 1280 and name == "fund ledger":
                _columns_shown_whole(page, page.get_by_role("region", name="Expenditure by schedule and month"))
            if width == 1280 and name == "dashboard":
                _columns_shown_whole(page, page.locator("#schedules-caption").locator("xpath=ancestor::div[1]"))

    page.goto(f"{live_server.url}{luton_year_end['fund ledger']}")
    chart = page.get_by_role("img", name="Expenditure by month and schedule, 2013-14")
    chart.screenshot(path=ARTIFACTS / "layout-fund-ledger-chart-390.png")
    # A keyboard reaches the month table's region, and the region then scrolls with the arrow keys.
    region = page.get_by_role("region", name="Expenditure by schedule and month")
    region.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    # Chromium scrolls smoothly: the region has moved once the animation has run, within the wait's timeout.
    page.wait_for_function("region => region.scrollLeft > 0", arg=region.element_handle(), timeout=5000)
