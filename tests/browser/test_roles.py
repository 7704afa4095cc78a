"""Each role's main task, done in the browser only by following links and filling forms from the home page (the
sign-in page is the only address typed): the pooled fund manager's month, the partner finance lead's consent
decision and settlement approval, the commissioner's renewal, the board member's papers and the auditor's search.

Imports and reports run as background tasks, kept in the database as on a server. The test runs the worker itself, in
the test's process, when the task's page asks for its progress: the page's request waits until the worker has run the
tasks waiting, so the site is never asked for a page while the worker writes (on SQLite the live server and the
test share one in-memory database connection), and the page then shows the finished task as it would on a server.

Each step's page is saved as test-artifacts/roles-<role>-<n>-<step>.png.
"""

import csv
import re
import signal
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from s75.accounts.models import User
from s75.agreements.models import Agreement
from s75.core.fiscal import FinancialYear
from s75.demo.services import DEMO_PASSWORD, LUTON_GL_COLUMNS
from s75.governance.selectors import meetings_next
from s75.governance.services import paper_add
from s75.ledger.importing import ledger_import
from s75.settlement.services import settlement_run_create

ARTIFACTS = Path("test-artifacts")
LUTON = "Section 75 and 76 Agreement between Luton Borough Council and NHS Luton / Luton Clinical Commissioning Group"
CCG = "NHS Luton / Luton Clinical Commissioning Group"
ICB = "NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board (formerly NHS Luton CCG)"
# December 2013's late invoices and a recharge correction, as Luton's finance system exports them (the demo's
# headings, dates and cost centres: LJ<schedule><0 invoices, 1 recharges>).
DECEMBER = [
    ["31/12/2013", "LJ40", "5100", "Residential placement, late invoice", "12345.00", "LBC-1314-D0001"],
    ["31/12/2013", "LJ41", "5100", "Recharge correction", "155.00", "LBC-1314-D0002"],
    ["31/12/2013", "LJ20", "5100", "Equipment recall", "2500.00", "LBC-1314-D0003"],
]

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(settings, tmp_path):
    """The demo, with uploads, papers and reports kept in a folder of the test's own and background tasks kept in
    the database for a worker, as on a server."""
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo", verbosity=0)
    ARTIFACTS.mkdir(exist_ok=True)


class Walk:
    """A user's way through the site: signs in, then only clicks and fills in; each step's page saved."""

    def __init__(self, page: Page, live_server, role: str):
        self.page, self.role, self.step = page, role, 0
        page.route("**/progress.json", self._worker_then_progress)
        page.goto(f"{live_server.url}/sign-in/")

    def sign_in(self, username: str) -> None:
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text("What needs you now")
        self.shot("home")

    def shot(self, name: str) -> None:
        self.step += 1
        self.page.screenshot(path=ARTIFACTS / f"roles-{self.role}-{self.step}-{name}.png", full_page=True)

    def home(self) -> None:
        self.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Home").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text("What needs you now")

    def section(self, heading: str):
        """The home page's list of the items under ``heading``."""
        return self.page.get_by_role("list", name=heading)

    @staticmethod
    def _worker_then_progress(route) -> None:
        # The worker takes over the process's signals for a graceful stop; pytest's are put back after it.
        signals = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            call_command("worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        finally:
            for number, handler in signals.items():
                signal.signal(number, handler)
        route.continue_()


def date_filled(page: Page, group: str, on: date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(on.day))
    fields.get_by_label("Month").fill(str(on.month))
    fields.get_by_label("Year").fill(str(on.year))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def december_file(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(LUTON_GL_COLUMNS.values())
        writer.writerows(DECEMBER)
    return path


def pounds(text: str) -> int:
    return int(re.sub(r"[£,\s]", "", text))


def test_the_pooled_fund_manager_imports_december_writes_its_commentary_and_makes_the_quarterly_report(
        demo, live_server, page, tmp_path):
    walk = Walk(page, live_server, "manager")
    walk.sign_in("luton.manager")

    page.get_by_role("main").get_by_role("link", name=LUTON, exact=True).click()
    page.get_by_role("heading", name="Pooled fund ledger 2013-14").wait_for()
    december = {number: page.get_by_role("link", name=re.compile(f"lines of {title} in M09$"))
                for number, title in ((4, "LD Pooled Purchasing Budget"), (2, "Joint Equipment Store"))}
    before = {number: pounds(link.inner_text().split(":")[0]) for number, link in december.items()}
    walk.shot("ledger")

    page.get_by_role("link", name="Import a general-ledger file").click()
    page.get_by_label("General-ledger file").set_input_files(december_file(tmp_path / "luton-gl-december-2013.csv"))
    expect(page.get_by_label("Column mapping")).to_have_value(re.compile(".+"))
    page.get_by_label("Check the file only (a dry run)").check()
    walk.shot("upload")
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="Checking the file").wait_for()
    walk.shot("checking")
    expect(page.get_by_role("heading", name="The file can be posted")).to_be_visible(timeout=60_000)
    expect(page.locator(".govuk-panel__body")).to_have_text("3 rows, £15,000.00")
    walk.shot("checked")

    page.get_by_role("button", name="Import the file").click()
    expect(page.get_by_role("heading", name="File posted")).to_be_visible(timeout=60_000)
    expect(page.locator(".govuk-panel__body")).to_have_text("3 rows, £15,000.00")
    walk.shot("posted")

    page.get_by_role("link", name="The fund's ledger").click()
    page.get_by_role("heading", name="Pooled fund ledger 2013-14").wait_for()
    after = {number: pounds(link.inner_text().split(":")[0]) for number, link in december.items()}
    assert {number: after[number] - before[number] for number in after} == {4: 12_500, 2: 2_500}
    december[4].click()
    lines = page.locator("tbody tr")
    expect(lines.filter(has_text="Residential placement, late invoice")).to_contain_text("£12,345.00")
    expect(lines.filter(has_text="Recharge correction")).to_contain_text("£155.00")
    walk.shot("december-lines")

    # December's commentary, on the dashboard's month.
    page.get_by_role("link", name="Pooled fund ledger").first.click()
    page.get_by_role("link", name="Budget monitoring").click()
    page.get_by_label("Month", exact=True).select_option(label="2013-14 M09 (Dec)")
    page.get_by_role("button", name="Show month").click()
    page.get_by_role("heading", name=re.compile("Budget monitoring 2013-14, M09")).wait_for()
    page.get_by_role("link", name=re.compile("Write the commentary")).click()
    commentary = ("December's late residential invoices (£12,345) take the LD pooled purchasing budget further over; "
                  "the placements review reports in February.")
    page.get_by_label("Commentary").fill(commentary)
    walk.shot("commentary")
    page.get_by_role("button", name="Save the commentary").click()
    page.get_by_role("heading", name=re.compile("Budget monitoring 2013-14, M09")).wait_for()
    expect(page.get_by_role("main")).to_contain_text(commentary)
    walk.shot("dashboard")

    # The third quarter's report, which carries December's commentary.
    page.get_by_role("link", name="Pooled fund ledger").first.click()
    page.get_by_role("link", name="Quarterly reports and annual returns").click()
    page.get_by_label("Quarter").select_option(label="2013-14/Q3: quarterly report, to M09")
    walk.shot("reports")
    page.get_by_role("button", name="Make the report").click()
    page.get_by_role("heading", name="Making the report").wait_for()
    walk.shot("making")
    expect(page.get_by_role("heading", name="Quarterly report 2013-14/Q3 is ready")).to_be_visible(timeout=120_000)
    walk.shot("report-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    saved = tmp_path / "report.pdf"
    download.value.save_as(saved)
    assert " ".join(commentary.split()[:6]) in " ".join(pdf_text(saved).split())
    page.get_by_role("link", name="Every version of the fund's reports").click()
    version = page.get_by_role("table").locator("tbody tr").first
    expect(version).to_contain_text("Quarterly report 2013-14/Q3")
    expect(version).to_contain_text("Pat Manager")
    walk.shot("versions")


def test_the_partner_finance_lead_records_the_ccgs_consent_and_approves_the_settlement(demo, live_server, page):
    luton = Agreement.objects.get(reference="luton-s75-s76-2013")
    settlement_run_create(actor=User.objects.get(username="luton.manager"), agreement=luton, year=FinancialYear(2013))
    walk = Walk(page, live_server, "finance-lead")
    walk.sign_in("blmk.finance")

    walk.section("Consent decisions waiting").get_by_role(
        "link", name=f"Decide on {ICB}'s prior agreement for 2013-14").click()
    page.get_by_label("Agrees to fund up to an amount").check()
    page.get_by_role("textbox", name="Agrees to fund up to").fill("70,000.00")
    date_filled(page, "Date of the decision", date(2014, 3, 20))
    page.get_by_label("Note (optional)").fill("CCG governing body, 20 March 2014, minute 14/37")
    walk.shot("consent")
    page.get_by_role("button", name="Record the decision").click()
    partner = page.locator(".govuk-summary-card").filter(has_text="(formerly NHS Luton CCG)")
    expect(partner.locator(".govuk-summary-list__row").filter(has_text="Prior agreement")).to_contain_text(
        "Consent given up to £70,000.00")
    walk.shot("consent-recorded")

    walk.home()
    assert not walk.section("Consent decisions waiting").count()
    walk.section("Settlements to approve").get_by_role(
        "link", name="Approve the 2013-14 settlement (version 1)").click()
    expect(page.get_by_role("main")).to_contain_text(f"{CCG} pays Luton Borough Council £64,981.55")
    walk.shot("settlement")
    page.get_by_role("button", name=f"Approve for {ICB}").click()
    expect(page.get_by_role("main")).to_contain_text(f"{ICB} approved version 1")
    # The CCG's row names its successor, the ICB, for which the finance lead acts.
    approval = page.locator(".govuk-summary-list__row").filter(has_text="(formerly NHS Luton CCG)")
    expect(approval).to_contain_text(re.compile(r"Approved \d+ \w+ \d{4} \d\d:\d\d by Sam Finance"))
    walk.shot("approved")
    walk.home()
    assert not walk.section("Settlements to approve").count()
    walk.shot("home-after")


def test_the_commissioner_drafts_the_renewal_the_home_page_asks_for(demo, live_server, page):
    # The demo's Bexley agreement ends on 31 March 2027, so its renewal is due only from 30 September 2026: the end
    # is moved to three months after the day the test runs, so that the renewal is due whenever it runs.
    ends = timezone.localdate() + timedelta(days=91)
    assert Agreement.objects.filter(reference="bexley-s75-2021").update(end_date=ends) == 1
    walk = Walk(page, live_server, "commissioner")
    walk.sign_in("bexley.commissioner")

    walk.section("Renewals in their notice period").get_by_role("link", name=re.compile("^Renew, extend or let "
                                                                                        "expire")).click()
    page.get_by_role("heading", name="Renew the agreement").wait_for()
    start = ends + timedelta(days=1)
    expect(page.get_by_role("group", name="Start date").get_by_label("Day")).to_have_value(str(start.day))
    page.get_by_label("Reference").fill(f"bexley-s75-{start.year}")
    title = f"Section 75 Partnership Agreement between the London Borough of Bexley and NHS South East London, " \
            f"from {start.year}"
    page.get_by_label("Title").fill(title)
    date_filled(page, "End date", date(start.year + 3, 3, 31))
    walk.shot("renewal")
    page.get_by_role("button", name="Draft the renewal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("main")).to_contain_text(f"The renewal bexley-s75-{start.year} was drafted")
    expect(page.locator(".govuk-summary-list__row").filter(has_text="Status")).to_contain_text("Draft")
    # The CCG the agreement was made with has been succeeded: the renewal is with its successor, the ICB.
    expect(page.get_by_role("table", name="Partners to the agreement")).to_contain_text(
        "NHS South East London Integrated Care Board")
    walk.shot("drafted")
    walk.home()
    assert not walk.section("Renewals in their notice period").count()
    walk.shot("home-after")


def test_the_board_member_opens_the_next_meeting_and_downloads_its_paper(demo, live_server, page, tmp_path):
    board_member = User.objects.get(username="leics.board")
    (meeting,) = meetings_next(user=board_member, today=timezone.localdate())
    paper = b"%PDF-1.4\n% Better Care Fund monitoring report for November\n"
    paper_add(actor=None, meeting=meeting, title="Better Care Fund monitoring, November", agenda_item="4",
              upload=SimpleUploadedFile("bcf-monitoring-november.pdf", paper))
    walk = Walk(page, live_server, "board-member")
    walk.sign_in("leics.board")

    walk.section("Your boards' next meetings").get_by_role("link", name=re.compile(
        f"^{meeting.board.name}, ")).click()
    page.get_by_role("heading", name="Papers").wait_for()
    walk.shot("meeting")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Better Care Fund monitoring, November")).click()
    assert download.value.suggested_filename == "bcf-monitoring-november.pdf"
    assert Path(download.value.path()).read_bytes() == paper


def test_the_auditor_finds_the_managers_import_in_the_audit_trail(demo, live_server, page, tmp_path):
    luton = Agreement.objects.get(reference="luton-s75-s76-2013")
    ledger_import(actor=User.objects.get(username="luton.manager"), fund=luton.fund,
                  path=december_file(tmp_path / "gl-december-2013.csv"),
                  mapping=luton.fund.column_mappings.get(name="Luton finance system"))
    walk = Walk(page, live_server, "auditor")
    walk.sign_in("luton.auditor")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Agreements").click()
    page.get_by_role("main").get_by_role("link", name=re.compile("^Section 75 and 76 Agreement between Luton")).click()
    page.get_by_role("link", name="Audit trail").click()
    walk.shot("audit")
    page.get_by_label("Search").fill("gl-december")
    page.get_by_role("button", name="Show the changes").click()
    found = page.get_by_role("region", name="Changes to the agreement")
    expect(found.locator("table > caption").first).to_have_text("1 change found")
    expect(found.locator("table > tbody > tr").first).to_contain_text(
        "Pat Manager imported gl-december-2013.csv: 3 lines, £15,000.00")
    found.get_by_text("7 details").click()
    expect(found.get_by_role("row", name=re.compile("^Lines posted"))).to_contain_text("3")
    walk.shot("found")
