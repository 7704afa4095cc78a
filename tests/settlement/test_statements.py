"""The partners' statements as files: the PDF read back with pdftotext, the workbook read back with openpyxl;
and every output of a settlement (JSON, Excel, PDF, the page) adding up as printed."""

import json
import re
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from s75.accounts.models import User
from s75.core.fiscal import FinancialYear
from s75.settlement.models import SettlementRun
from s75.settlement.services import settlement_run_create
from s75.settlement.statements import (
    host_position_words,
    payment_words,
    settlement_pdf,
    settlement_workbook,
    statement_lines,
)


def test_the_pdf_states_each_partners_settlement(luton, tmp_path):
    run = settlement_run_create(actor=None, agreement=luton, year=FinancialYear(2013))
    path = tmp_path / "statements.pdf"
    path.write_bytes(settlement_pdf(run=run))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Year-end settlement statements, 2013-14" in text
    assert "Statement for Luton Borough Council (host)" in text
    assert "Statement for NHS Luton / Luton Clinical Commissioning Group" in text
    assert text.count("(64,981.55)") == 1 and text.count("(78,018.45)") == 1  # each net payment, in brackets
    words = " ".join(text.split())  # and in words: the host makes no payment to itself
    assert "Net payment: pays the host £64,981.55 (64,981.55)" in words
    assert "NHS Luton / Luton Clinical Commissioning Group pays the host £64,981.55." in words
    assert "Borne by the host itself (no payment: the host holds the pool) (78,018.45)" in words
    assert ("Luton Borough Council is the host and holds the pool, so it makes no payment to itself: its final share "
            "of spend and the part carried forward come to £78,018.45 more than it has paid in") in words
    assert "3,558,481.55" in text and "3,180,518.45" in text  # the final shares of spend
    assert "holds to the penny" in text
    pages = text.split("\f")[:-1]  # the summary, then a page for each partner's statement
    assert [re.findall(r"Statement for ([^\n]+)", page) for page in pages] == [
        *[[] for _ in pages[:-2]], ["Luton Borough Council (host)"],
        ["NHS Luton / Luton Clinical Commissioning Group"]]


def test_the_workbook_has_numbers_and_total_formulas(luton, tmp_path):
    run = settlement_run_create(actor=None, agreement=luton, year=FinancialYear(2013))
    path = tmp_path / "statements.xlsx"
    settlement_workbook(run=run).save(path)
    workbook = load_workbook(path)
    assert workbook.sheetnames[:3] == ["Partners", "Schedules", "Payments"]
    partners = workbook["Partners"]
    headers = [cell.value for cell in partners[1]]
    net = headers.index("Net payment (in brackets: paid to the host)") + 1
    assert [partners.cell(row, net).value for row in (2, 3)] == [-78018.45, -64981.55]
    assert partners.cell(2, net).number_format == "#,##0.00;(#,##0.00)"  # shown in brackets, still a number
    payment = headers.index("Payment") + 1
    assert [partners.cell(row, payment).value for row in (2, 3)] == ["Host: no payment", "Pays the host £64,981.55"]
    assert partners.cell(4, net).value.startswith("=SUM(") and partners.cell(4, 1).value == "Total"
    assert workbook["Payments"]["C2"].value == 64981.55
    ccg = workbook[[name for name in workbook.sheetnames if name.startswith("NHS Luton")][0]]
    assert [ccg.cell(row, 1).value for row in range(2, 7)] == [1, 2, 3, 4, 5]


# Every output of one settlement, read back as printed ---------------------------------------------------------------

AMOUNT = r"-?£?\(?-?£?[\d,]+\.\d\d\)?"


def pence(printed) -> int:
    """A printed amount in pence: ``1,234.56``, ``(1,234.56)``, ``-£1,234.56`` or a number of pounds."""
    if isinstance(printed, int | float):
        return int((Decimal(str(printed)) * 100).to_integral_value())
    text = printed.strip()
    negative = text.startswith(("(", "-", "−"))
    digits = re.sub(r"[^\d.]", "", text)
    return -int(Decimal(digits) * 100) if negative else int(Decimal(digits) * 100)


# The seven figures of a partner's statement, by what each output calls them.
FIGURES = ("contributions", "overspend", "underspend", "final", "received", "carried", "net")
PDF_LABELS = {
    "contributions": "Contributions planned", "overspend": "Add: share of overspends",
    "underspend": "Less: share of underspends", "final": "Final share of spend", "received": "Contributions received",
    "carried": "Less: carried forward, kept in the pool for next year",
    "net": ("Net payment", "Borne by the host itself", "Kept by the host itself"),
}
XLSX_HEADERS = {
    "contributions": "Contributions planned", "overspend": "Share of overspends", "underspend": "Share of underspends",
    "final": "Final share of spend", "received": "Contributions received",
    "carried": "Carried forward (part of the share of underspends)",
    "net": "Net payment (in brackets: paid to the host)",
}
PAGE_HEADERS = {
    "contributions": "Contributions", "overspend": "Share of overspends", "underspend": "Share of underspends",
    "final": "Final share of spend", "received": "Received", "carried": "Carried forward",
}
CHECK_LABELS = ["Net payments", "Add: carried forward", "Less: unfunded overspend", "Less: contingency reserve used",
                "Received", "Less: outturn"]


def assert_adds_up(partners: dict[str, dict[str, int]], check: dict[str, int], holds: bool) -> None:
    """Both identities of DESIGN.md §6 step 6 per partner, and the pool's check, to the penny as printed."""
    for name, figures in partners.items():
        # Statements print an underspend as a positive share or as an amount taken off; either way, a share.
        overspend, underspend, carried = (abs(figures[key]) for key in ("overspend", "underspend", "carried"))
        assert figures["final"] == figures["contributions"] + overspend - underspend, name
        assert figures["net"] == figures["received"] - figures["final"] - carried, name
        assert carried <= underspend, name
    left = (check["Net payments"] + check["Add: carried forward"] - abs(check["Less: unfunded overspend"])
            - abs(check["Less: contingency reserve used"]))
    assert left == check["Received"] - abs(check["Less: outturn"])
    assert check["Net payments"] == sum(figures["net"] for figures in partners.values())
    assert check["Add: carried forward"] == sum(abs(figures["carried"]) for figures in partners.values())
    assert holds


def from_json(document: dict):
    keys = {"contributions": "contributions", "overspend": "overspend_share", "underspend": "underspend_share",
            "final": "final_share_of_spend", "received": "received", "carried": "carried_forward",
            "net": "net_payment"}
    partners = {partner["name"]: {figure: partner[key] for figure, key in keys.items()}
                for partner in document["partners"]}
    check = document["check"]
    printed = dict(zip(CHECK_LABELS, [check["net_payments"], check["carried_forward"],
                                      -document["unfunded_overspend"], -document["reserve_used"], check["received"],
                                      -check["outturn"]], strict=True))
    return partners, printed, check["holds"]


def from_workbook(workbook, names: list[str]):
    sheet = workbook["Partners"]
    headers = [cell.value for cell in sheet[1]]
    partners = {}
    for row in sheet.iter_rows(min_row=2, max_row=len(names) + 1, values_only=True):
        partners[row[0]] = {figure: pence(row[headers.index(header)]) for figure, header in XLSX_HEADERS.items()}
    labels = {row[0]: row[1] for row in sheet.iter_rows(min_row=len(names) + 3, values_only=True) if row[0]}
    for name, own in zip(names, workbook.worksheets[3:], strict=True):  # each partner's own sheet, the same
        assert name.startswith(own.title[:9])
        lines = {row[0]: row[3] for row in own.iter_rows(values_only=True) if isinstance(row[0], str)}
        stated = {figure: pence(next(amount for label, amount in lines.items() if label.startswith(PDF_LABELS[figure])))
                  for figure in FIGURES}
        assert {figure: abs(amount) for figure, amount in stated.items()} == {
            figure: abs(amount) for figure, amount in partners[name].items()}, name
    check = {label: pence(labels[label]) for label in CHECK_LABELS}
    return partners, check, labels["The check"] == "holds to the penny"


def from_pdf(text: str, names: list[str]):
    pages = text.split("\f")
    partners = {}
    for name in names:
        page = next(page for page in pages if f"Statement for {name}" in page)
        figures = {}
        for figure, label in PDF_LABELS.items():
            labels = "|".join(re.escape(one) for one in ((label,) if isinstance(label, str) else label))
            found = re.search(rf"^\s*(?:{labels}).*?\s({AMOUNT})\s*$", page, flags=re.MULTILINE)
            figures[figure] = pence(found.group(1))
        partners[name] = figures
    summary = next(page for page in pages if "Check: the payments account for the whole pool" in page)
    check = {label: pence(re.search(rf"^\s*{re.escape(label)}\s+({AMOUNT})\s*$", summary, re.MULTILINE).group(1))
             for label in CHECK_LABELS}
    return partners, check, re.search(r"The check\s+holds to the penny", summary) is not None


class _Tables(HTMLParser):
    """The page's partners table (header texts, then each row's cell texts) and its check's terms and values."""

    def __init__(self):
        super().__init__()
        self.rows, self.check, self.cell, self.where = [], [], None, None

    def handle_starttag(self, tag, attrs):
        testid = dict(attrs).get("data-testid")
        if testid in {"settlement-partners", "settlement-check"}:
            self.where = testid
        elif self.where == "settlement-partners" and tag == "tr":
            self.rows.append([])
        elif self.where and tag in {"th", "td", "dt", "dd"}:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in {"th", "td"} and self.cell is not None and self.where == "settlement-partners":
            self.rows[-1].append(self.cell.strip())
        elif tag in {"dt", "dd"} and self.cell is not None and self.where == "settlement-check":
            self.check.append(self.cell.strip())
        if tag in {"th", "td", "dt", "dd"}:
            self.cell = None
        if tag in {"table", "dl"}:
            self.where = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def net_from_words(words: str, html: str) -> int:
    """A net payment as the page says it: "Pays the host £…", "Is paid £… by the host", or the host's position."""
    if words == "Host: no payment":
        found = re.search(r"come to (£[\d,]+\.\d\d) more than it has paid in|it has paid in (£[\d,]+\.\d\d) more than",
                          html)
        return -pence(found.group(1)) if found.group(1) else pence(found.group(2))
    if words.startswith("Pays the host "):
        return -pence(words.removeprefix("Pays the host "))
    found = re.fullmatch(r"Is paid (£[\d,]+\.\d\d) by the host", words)
    return pence(found.group(1)) if found else 0


def from_page(html: str):
    tables = _Tables()
    tables.feed(html)
    headers, *rows = tables.rows
    partners = {row[0].removesuffix(" (host)"): {figure: pence(row[headers.index(header)])
                                                 for figure, header in PAGE_HEADERS.items()} for row in rows}
    for row in rows:  # the net payment in words; the host's, which is no payment, in the sentence under the table
        partners[row[0].removesuffix(" (host)")]["net"] = net_from_words(row[headers.index("Payment")], html)
    check = dict(zip(tables.check[::2], tables.check[1::2], strict=True))
    holds = ("Net payments, plus carried forward, less unfunded overspend, less contingency reserve used, equal "
             "received less outturn: <strong>holds to the penny</strong>") in html
    return partners, {label: pence(check[label]) for label in CHECK_LABELS}, holds


def test_every_output_adds_up_as_printed(luton_capped, client, tmp_path):
    """A settlement with an underspend carried forward, an aligned schedule, caps and an unfunded overspend, read
    back from the JSON of ``s75 settle``, its Excel workbook, its PDF and the run's page."""
    fund = luton_capped.fund
    names = [str(party) for party in luton_capped.parties.order_by("position")]
    out = StringIO()
    call_command("settle", f"--fund={fund.pk}", "--year=2013-14", "--format=json", stdout=out)
    outputs = {"json": from_json(json.loads(out.getvalue()))}
    xlsx, pdf = tmp_path / "s.xlsx", tmp_path / "s.pdf"
    call_command("settle", f"--fund={fund.pk}", "--year=2013-14", "--format=xlsx", f"--out={xlsx}", stdout=out)
    outputs["xlsx"] = from_workbook(load_workbook(xlsx), names)
    call_command("settle", f"--fund={fund.pk}", "--year=2013-14", "--format=pdf", f"--out={pdf}", "--save",
                 stdout=out)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    outputs["pdf"] = from_pdf(text, names)
    client.force_login(User.objects.get(username="luton.manager"))
    run = SettlementRun.objects.get()
    outputs["page"] = from_page(client.get(reverse("settlement:run", args=[fund.pk, run.pk])).content.decode())

    for kind, (partners, check, holds) in outputs.items():
        assert sorted(partners) == sorted(names), kind
        assert_adds_up(partners, check, holds)
    council, ccg = names
    partners, check, _ = outputs["json"]
    # Overspends of £178,000: the council's £87,899.57 held to its £50,000 cap, the CCG's £90,100.43 taking
    # £9,899.57 more up to its £100,000 cap, £28,000 unfunded; the £15,000 underspend carried forward
    # (£9,881.12 and £5,118.88); the CCG's own £20,000 underspend on its aligned budget.
    assert partners[council] == {"contributions": 3_102_500_00, "overspend": 50_000_00, "underspend": 9_881_12,
                                 "final": 3_142_618_88, "received": 3_102_500_00, "carried": 9_881_12,
                                 "net": -50_000_00}
    assert partners[ccg] == {"contributions": 3_493_500_00, "overspend": 100_000_00, "underspend": 25_118_88,
                             "final": 3_568_381_12, "received": 3_493_500_00, "carried": 5_118_88,
                             "net": -80_000_00}
    assert -check["Less: unfunded overspend"] == 28_000_00
    for kind, (printed, _, _) in outputs.items():  # every output prints the same figures
        assert {name: {key: abs(value) for key, value in figures.items() if key != "net"}
                for name, figures in printed.items()} == {
            name: {key: abs(value) for key, value in figures.items() if key != "net"}
            for name, figures in partners.items()}, kind
        assert {name: figures["net"] for name, figures in printed.items()} == {
            name: figures["net"] for name, figures in partners.items()}, kind


# A net payment in words -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("is_host", "net", "words", "last_line"),
    [
        (False, -64_981_55, "pays the host £64,981.55", "Net payment: pays the host £64,981.55"),
        (False, 1_234_56, "is paid £1,234.56 by the host", "Net payment: is paid £1,234.56 by the host"),
        (False, 0, "no payment", "Net payment: none"),
        (True, -78_018_45, "host: no payment", "Borne by the host itself (no payment: the host holds the pool)"),
        (True, 5_00, "host: no payment", "Kept by the host itself (no payment: the host holds the pool)"),
        (True, 0, "host: no payment", "Net payment: none (the host holds the pool)"),
    ],
)
def test_a_net_payment_is_said_in_words(is_host, net, words, last_line):
    partner = {"name": "Luton Borough Council", "is_host": is_host, "net_payment": net, "contributions": 0,
               "overspend_share": 0, "cap_adjustment": 0, "own_overspend": 0, "outside_agreement": 0,
               "underspend_share": 0, "carried_forward": 0, "own_underspend": 0, "final_share_of_spend": 0,
               "received": net, "recharged_own": 0, "recharges_billed": 0}
    assert payment_words(partner) == words
    line = statement_lines(partner)[-1]
    assert (line.label, line.amount, line.strong) == (last_line, net, True)


@pytest.mark.parametrize(
    ("net", "says"),
    [
        (-78_018_45, "its final share of spend and the part carried forward come to £78,018.45 more than it has "
                     "paid in, which it bears itself"),
        (5_00, "it has paid in £5.00 more than its final share of spend and the part carried forward, which it keeps"),
        (0, "what it has paid in equals its final share of spend and the part carried forward"),
    ],
)
def test_the_host_makes_no_payment_to_itself(net, says):
    words = host_position_words({"name": "Luton Borough Council", "is_host": True, "net_payment": net})
    assert words == f"Luton Borough Council is the host and holds the pool, so it makes no payment to itself: {says}"
