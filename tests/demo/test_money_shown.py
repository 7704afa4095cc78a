"""Money as the demo shows it, read back from the pages, the PDFs (pdftotext) and the workbooks (openpyxl): a
negative amount is in brackets everywhere, never after a minus sign, and no amount reads "−£" or "-£".

The walk follows the links of Luton's fund and agreement (the demo's ledger) from the fund's page, with the year
settled as the ledger stands (an overspend: each partner pays the host) so that the settlement's pages and
statements are among them.
"""

import re
import subprocess
from collections import Counter, deque
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from s75.accounts.models import User
from s75.agreements.models import Agreement
from s75.core.fiscal import FinancialYear, Quarter
from s75.demo.services import demo_load
from s75.reports.selectors import report_file_path
from s75.reports.services import report_version_create
from s75.settlement.services import settlement_run_create

pytestmark = pytest.mark.django_db

# A minus sign (hyphen-minus, the typographic minus, a dash) before a pound sign, or a pound sign before one.
SIGNED_POUNDS = re.compile(r"[-\u2212\u2013]\s?£|£\s?[-\u2212\u2013]")
# A minus sign directly before an amount with pence, where it is not part of a word, a date or a reference.
SIGNED_AMOUNT = re.compile(r"(?<![\w/.:-])[-\u2212\u2013]\s?\d[\d,]*\.\d\d\b")
MINUS_BEFORE_DIGIT = re.compile(r"(?<![\w/])[-\u2212\u2013]\s?\d")  # not in 2013-14 or a reference
BRACKETED_FORMAT = re.compile(r";\(")  # an Excel number format whose negative part is in brackets
PAGE_LIMIT = 150
VARIANTS = 3  # of one path with different queries (the ledger lines of each month and schedule are many)


class _Page(HTMLParser):
    """A page's visible text, its money cells (numeric table cells) and its links."""

    NUMERIC = ("govuk-table__cell--numeric", "num")

    def __init__(self):
        super().__init__()
        self.text, self.cells, self.links = [], [], []
        self._cell, self._depth, self._skip = None, 0, 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in {"script", "style"}:
            self._skip += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if self._cell is not None and tag in {"td", "th"}:
            self._depth += 1
        elif tag in {"td", "th"} and set((attributes.get("class") or "").split()) & set(self.NUMERIC):
            self._cell, self._depth = "", 1

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1
        if self._cell is not None and tag in {"td", "th"}:
            self._depth -= 1
            if not self._depth:
                self.cells.append(" ".join(self._cell.split()))
                self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell += data


def signed_money_in_text(text: str) -> list[str]:
    text = " ".join(text.split())
    return [text[max(0, found.start() - 60):found.end() + 20]
            for pattern in (SIGNED_POUNDS, SIGNED_AMOUNT) for found in pattern.finditer(text)]


def signed_money_in_workbook(content: bytes) -> list[str]:
    problems = []
    workbook = load_workbook(BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    problems += [f"{where}: {found}" for found in signed_money_in_text(cell.value)]
                elif (isinstance(cell.value, int | float) and not isinstance(cell.value, bool) and cell.value < 0
                      and not BRACKETED_FORMAT.search(cell.number_format)):
                    problems.append(f"{where}: {cell.value} shown as {cell.number_format}")
    return problems


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "file.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def luton_settled():
    demo_load()
    luton = Agreement.objects.get(reference="luton-s75-s76-2013")
    settlement_run_create(actor=None, agreement=luton, year=FinancialYear(2013))
    return luton


def test_no_page_pdf_or_workbook_of_the_demo_shows_a_minus_sign_on_money(luton_settled, client, tmp_path):
    fund = luton_settled.fund
    client.force_login(User.objects.get(username="luton.manager"))
    within = (f"/funds/{fund.pk}/", f"/agreements/{luton_settled.pk}/")
    run = luton_settled.settlement_runs.get()
    starts = [reverse("ledger:fund", args=[fund.pk]), reverse("monitoring:dashboard", args=[fund.pk]),
              *(reverse(f"settlement:{name}", args=[fund.pk, run.pk]) for name in ("run", "pdf", "xlsx"))]
    queue, seen, problems, kinds = deque(starts), set(), [], {"page": 0, "pdf": 0, "xlsx": 0}
    variants = Counter()
    while queue and len(seen) < PAGE_LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        content_type = response["Content-Type"]
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if content_type.startswith("application/pdf"):
            kinds["pdf"] += 1
            problems += [f"{url}: {found}" for found in signed_money_in_text(pdf_text(body, tmp_path))]
        elif "spreadsheetml" in content_type:
            kinds["xlsx"] += 1
            problems += [f"{url}: {found}" for found in signed_money_in_workbook(body)]
        elif content_type.startswith("text/html"):
            kinds["page"] += 1
            page = _Page()
            page.feed(body.decode())
            problems += [f"{url}: {found}" for found in signed_money_in_text(" ".join(page.text))]
            problems += [f"{url}: cell {cell!r}" for cell in page.cells if MINUS_BEFORE_DIGIT.search(cell)]
            for href in page.links:
                link = href.split("#")[0]
                path = link.split("?")[0]
                if link.startswith(within) and link not in seen and "/edit" not in link and variants[path] < VARIANTS:
                    variants[path] += 1
                    queue.append(link)
    assert kinds["page"] > 20 and kinds["pdf"] >= 1 and kinds["xlsx"] >= 5, kinds
    assert not problems, "\n".join(problems)


def test_the_annual_return_shows_no_minus_sign_on_money(luton_settled, tmp_path):
    version = report_version_create(actor=None, fund=luton_settled.fund, quarter=Quarter.parse("2013-14/Q4"),
                                    formats=["pdf", "xlsx"])
    text = pdf_text(report_file_path(version=version, fmt="pdf").read_bytes(), tmp_path)
    assert "(15,000)" in text  # the Integrated LD team's underspend, in brackets
    assert signed_money_in_text(text) == []
    assert signed_money_in_workbook(report_file_path(version=version, fmt="xlsx").read_bytes()) == []
