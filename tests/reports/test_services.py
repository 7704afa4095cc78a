"""The quarterly report and the annual return of the Luton demo: the PDF's text and the workbook's cells carry the
ledger's totals; a version drawn again from its snapshot keeps its figures after more postings, a new one does not."""

import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from s75.audit.models import AuditEvent
from s75.budgets.services import instalments_generate, receipt_record
from s75.core.exports import pounds
from s75.core.fiscal import Quarter
from s75.core.money import format_finance
from s75.ledger.models import AccountRole, Balance
from s75.ledger.services import LineSpec, entry_post
from s75.reports.models import ReportVersion
from s75.reports.selectors import report_file_path
from s75.reports.services import ReportError, report_version_create, report_version_reproduce
from s75.settlement.services import settlement_run_create

pytestmark = pytest.mark.django_db
Q2 = Quarter.parse("2013-14/Q2")
Q4 = Quarter.parse("2013-14/Q4")


def ledger_expenditure(fund, up_to_month: int) -> int:
    return Balance.objects.filter(
        fund=fund, account__role=AccountRole.EXPENDITURE, period__financial_year=2013, period__number__lte=up_to_month,
    ).aggregate(total=Sum("amount_pence"))["total"]


def pdf_text(version) -> str:
    path = report_file_path(version=version, fmt="pdf")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def workbook(version):
    return load_workbook(BytesIO(report_file_path(version=version, fmt="xlsx").read_bytes()))


def section(version, key: str) -> dict:
    return next(entry["data"] for entry in version.snapshot["sections"] if entry["key"] == key)


def post_spend(fund, *, month: int, pence: int):
    """More spend on the Joint Equipment Store, paid from the pool's bank account."""
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE, schedule__number=2)
    cash = fund.accounts.get(role=AccountRole.CASH)
    entry_post(actor=None, fund=fund, period=fund.periods.get(financial_year=2013, number=month),
               description="Late invoice", lines=[LineSpec(expenditure, pence), LineSpec(cash, -pence)])


def test_the_quarterly_report_pdf_carries_the_ledger_totals(luton_fund):
    version = report_version_create(actor=None, fund=luton_fund, quarter=Q2, formats=["pdf"])
    text = pdf_text(version)
    actual = ledger_expenditure(luton_fund, 6)
    assert actual == 3_234_720_00  # 48% of DESIGN.md §6's outturn: the demo's winter-heavy profile to M06
    totals = section(version, "schedules")["totals"]
    assert totals["actual_to_date"] == actual
    for figure in (totals["annual_budget"], totals["budget_to_date"], actual, totals["forecast"], totals["variance"]):
        assert format_finance(figure) in text
    assert "(126,560)" in text  # the run-rate forecast's underspend, negative in brackets
    assert "Quarterly report Q2 2013-14" in text and "Contents" in text and "Page 2 of" in text
    assert "Head of Adult Joint Commissioning, Luton Borough Council" in text  # prepared by
    assert {"3,102,500", "3,493,500", "6,596,000"} <= set(text.split())  # contributions planned
    assert version.xlsx_file == "" and version.formats == ["pdf"]


def test_the_annual_return_has_the_memorandum_account_of_design_section_6(luton_fund):
    version = report_version_create(actor=None, fund=luton_fund, quarter=Q4, formats=["pdf", "xlsx"])
    text = pdf_text(version)
    memorandum = section(version, "memorandum")
    assert memorandum["expenditure_total"] == ledger_expenditure(luton_fund, 12) == 6_739_000_00
    assert (memorandum["income_total"], memorandum["surplus"]) == (6_596_000_00, -143_000_00)
    assert "Memorandum income and expenditure account" in text
    assert "Deficit for the year" in text and "(143,000)" in text and "6,739,000" in text
    sheet = workbook(version)["Memorandum account"]
    formulas = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)
                and cell.value.startswith("=")]
    assert formulas[:2] == ["=SUM(C6:C7)", "=SUM(C11:C15)"] and formulas[2] == "=C8-C16"
    assert [sheet[f"C{row}"].value for row in range(11, 16)] == [89_000, 1_130_000, 700_000, 4_300_000, 520_000]


def test_the_annual_return_states_the_year_end_settlement(luton_fund):
    """With no run yet the annual return previews the settlement from the ledger; once a run is computed it states
    that run, and the PDF and the workbook carry DESIGN.md §6's net payments."""
    preview = report_version_create(actor=None, fund=luton_fund, quarter=Q4, formats=["pdf"])
    assert section(preview, "settlement")["source"] == "preview"
    run = settlement_run_create(actor=None, agreement=luton_fund.agreement, year=Q4.year)
    version = report_version_create(actor=None, fund=luton_fund, quarter=Q4, formats=["pdf", "xlsx"])
    data = section(version, "settlement")
    assert (data["source"], data["version"]) == ("draft", run.version)
    assert [partner["net_payment"] for partner in data["results"]["partners"]] == [-78_018_45, -64_981_55]
    text = pdf_text(version)
    words = " ".join(text.split())  # each net payment in words; the host holds the pool and pays nothing to itself
    assert "Year-end settlement statement" in words and "Commissioning Group pays the host £64,981.55." in words
    assert "Luton Borough Council is the host and holds the pool" in words and "come to £78,018.45 more" in words
    sheet = workbook(version)["Settlement"]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert -78018.45 in values and -64981.55 in values and "Pays the host £64,981.55" in values
    assert "Settlement" not in workbook(report_version_create(actor=None, fund=luton_fund, quarter=Q2,
                                                             formats=["xlsx"])).sheetnames


def test_the_workbook_carries_the_same_totals_with_sum_formulas(luton_fund):
    version = report_version_create(actor=None, fund=luton_fund, quarter=Q2, formats=["xlsx"])
    book = workbook(version)
    assert book.sheetnames == ["Cover", "Summary", "Schedules", "Charts", "Contributions", "Risk share",
                               "Consent and recovery", "Commentary"]
    actual = ledger_expenditure(luton_fund, 6)
    summary = {row[0].value: row[1].value for row in book["Summary"].iter_rows(min_row=4) if row[0].value}
    assert summary["Actual to date"] == pounds(actual) == 3_234_720
    assert summary["Annual budget"] == 6_596_000
    assert book["Summary"]["B6"].number_format == '"£"#,##0.00;("£"#,##0.00)'
    schedules = book["Schedules"]
    assert [schedules.cell(10, column).value for column in range(4, 9)] == [
        f"=SUM({letter}5:{letter}9)" for letter in "DEFGH"]
    assert sum(schedules.cell(row, 6).value for row in range(5, 10)) == pounds(actual)
    assert sum(schedules.cell(row, 4).value for row in range(5, 10)) == 6_596_000
    contributions = book["Contributions"]
    assert contributions["F6"].value == "=SUM(D6:E6)" and contributions["D11"].value == "=SUM(D6:D10)"


def test_a_version_drawn_again_keeps_its_figures_and_a_new_one_takes_the_new_postings(luton_fund):
    first = report_version_create(actor=None, fund=luton_fund, quarter=Q2, formats=["pdf", "xlsx"])
    post_spend(luton_fund, month=5, pence=12_345_67)
    again = report_version_reproduce(actor=None, version=first)
    fresh = report_version_create(actor=None, fund=luton_fund, quarter=Q2, formats=["pdf", "xlsx"])
    assert [first.number, again.number, fresh.number] == [1, 2, 3] and again.reproduces == first
    assert again.snapshot == first.snapshot
    assert (again.pdf_sha256, again.xlsx_sha256) == (first.pdf_sha256, first.xlsx_sha256)  # byte for byte
    old, new = section(first, "summary")["actual_to_date"], section(fresh, "summary")["actual_to_date"]
    assert new - old == 12_345_67 and new == ledger_expenditure(luton_fund, 6)
    assert format_finance(old) in pdf_text(again) and format_finance(old) not in pdf_text(fresh)
    assert format_finance(new) in pdf_text(fresh)
    assert Decimal(str(workbook(again)["Summary"]["B6"].value)) == pounds(old)
    assert Decimal(str(workbook(fresh)["Summary"]["B6"].value)) == pounds(new)
    events = AuditEvent.objects.filter(action="report_version_create", object_type="reports.ReportVersion")
    assert events.count() == 3 and events.get(object_id=str(again.pk)).after["reproduces"] == 1


def test_payments_count_the_instalments_due_and_the_receipts_by_the_quarter_end(luton_fund):
    """The CCG pays its four quarterly instalments (1 April, 1 July, 1 October, 1 January) on their due dates."""
    ccg = luton_fund.agreement.parties.get(is_host=False)
    if not ccg.instalments.exists():
        for instalment in instalments_generate(actor=None, agreement=luton_fund.agreement, party=ccg,
                                               financial_year=2013):
            receipt_record(actor=None, instalment=instalment, received_on=instalment.due_on,
                           amount_pence=instalment.amount_pence)
    quarterly = report_version_create(actor=None, fund=luton_fund, quarter=Q2, formats=["pdf"])
    annual = report_version_create(actor=None, fund=luton_fund, quarter=Q4, formats=["pdf"])
    payment = next(line for line in section(quarterly, "contributions")["payments"]
                   if line["partner"] == ccg.name_in_agreement)
    quarter = 3_493_500_00 // 4
    assert (payment["planned"], payment["due"], payment["received"], payment["outstanding"]) == (
        3_493_500_00, 2 * quarter, 2 * quarter, 0)  # the 1 October instalment is after 30 September
    assert "1,746,750" in pdf_text(quarterly)
    assert section(annual, "memorandum")["received"] == sum(
        line["received"] for line in section(annual, "contributions")["payments"])


def test_a_year_outside_the_agreement_or_an_unknown_format_is_refused(luton_fund):
    with pytest.raises(ReportError, match="has no financial year 2020-21"):
        report_version_create(actor=None, fund=luton_fund, quarter=Quarter.parse("2020-21/Q1"), formats=["pdf"])
    with pytest.raises(ReportError, match="choose the formats"):
        report_version_create(actor=None, fund=luton_fund, quarter=Q2, formats=["docx"])
    assert not ReportVersion.objects.exists()
