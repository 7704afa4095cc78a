"""The Word draft: it opens with python-docx, uses Word's own styles, says it is a draft, numbers its pages, and
carries every schedule's contributions and totals exactly as the financial schedule gives them."""

import os
import shutil
import subprocess
from datetime import date

import pytest

from s75.budgets.models import FundingStream
from s75.budgets.selectors import financial_schedule
from s75.budgets.services import contribution_set
from s75.core.fiscal import FinancialYear
from s75.core.money import format_gbp
from s75.documents.selectors import agreement_draft
from s75.documents.word import agreement_docx
from s75.riskshare.services import risk_share_summary
from tests.factories import complete_agreement

from .reading import open_docx, tables_under_headings

pytestmark = pytest.mark.django_db

DRAFTED_ON = date(2026, 11, 22)


def docx_of(agreement, version):
    return open_docx(agreement_docx(agreement_draft(agreement=agreement, version=version, today=DRAFTED_ON)))


def test_every_luton_schedule_carries_its_contributions_and_total(luton, templates):
    document = docx_of(luton, templates)
    tables = tables_under_headings(document)
    schedule = financial_schedule(agreement=luton, year=FinancialYear(2013))
    assert len(schedule.rows) == 5
    for row in schedule.rows:
        [table] = tables[f"Schedule {row.number}: {row.title}"]
        assert table[0] == ["Partner", "Funding stream", "2013-14"]
        assert table[-1] == ["Total", "", format_gbp(row.total)]
        for party, amount in zip(schedule.parties, row.amounts, strict=True):
            lines = [line for line in table[1:-1] if line[0] == party.name_in_agreement]
            assert lines == ([] if amount is None else [[party.name_in_agreement, "Partner contribution",
                                                         format_gbp(amount)]])


def test_the_financial_summary_is_the_financial_schedule(luton, templates):
    [summary] = tables_under_headings(docx_of(luton, templates))["Financial summary"]
    assert summary[0] == ["No.", "Schedule", "Funding", "Luton Borough Council",
                          "NHS Luton / Luton Clinical Commissioning Group", "Total"]
    assert summary[3] == ["3", "Integrated LD team", "Pooled", "£471,000", "£244,000", "£715,000"]
    assert summary[5] == ["5", "LD NHS Purchasing Budget", "Pooled", "—", "£540,000", "£540,000"]
    assert summary[-1] == ["", "Total", "", "£3,102,500", "£3,493,500", "£6,596,000"]


def test_title_parties_and_numbered_clauses_in_word_styles(luton, templates):
    document = docx_of(luton, templates)
    styles = {(paragraph.style.name, paragraph.text) for paragraph in document.paragraphs}
    assert ("Title", luton.title) in styles
    headings = [paragraph.text for paragraph in document.paragraphs if paragraph.style.name == "Heading 1"]
    assert headings[:13] == [
        "1.\tParties", "2.\tBackground", "3.\tDefinitions", "4.\tCommencement and duration", "5.\tThe arrangements",
        "6.\tContributions", "7.\tOverspends and underspends", "8.\tGovernance",
        "9.\tManagement of the fund and reporting", "10.\tAudit and records", "11.\tVariation", "12.\tTermination",
        "13.\tDisputes",
    ]
    assert "Schedule 5: LD NHS Purchasing Budget" in headings
    assert {table.style.name for table in document.tables} == {"Table Grid"}
    parties = document.tables[0]
    assert [cell.text for cell in parties.rows[1].cells] == ["Luton Borough Council", "Luton", "E06000032",
                                                            "Host partner"]
    assert [cell.text for cell in parties.rows[2].cells][2:] == ["06P", "Partner"]


def test_clauses_are_filled_in_from_the_agreement(luton, templates):
    text = "\n".join(paragraph.text for paragraph in docx_of(luton, templates).paragraphs)
    assert "4.1\tThis agreement starts on 1 April 2013 and ends on 31 March 2016, unless it is ended earlier under " \
           "clause 12." in text
    assert "In 2013-14 the partners contribute £6,596,000 in all:" in text
    assert "NHS Luton / Luton Clinical Commissioning Group: £3,493,500" in text
    [terms] = luton.risk_share_terms.all()
    assert risk_share_summary(terms) in text
    assert luton.prior_agreement_clause in text
    assert "payments under section 76 of the Act" in text
    assert "section 256" not in text
    assert "&#x27;" not in text and "Council's accounts" in text  # the clauses are not HTML-escaped


def test_the_header_says_draft_and_the_footer_numbers_the_pages(luton, templates):
    section = docx_of(luton, templates).sections[0]
    assert section.header.paragraphs[0].text.startswith("DRAFT")
    footer = section.footer._element.xml
    assert "Page " in section.footer.paragraphs[0].text
    assert " PAGE " in footer and " NUMPAGES " in footer and 'w:fldCharType="begin"' in footer
    assert round(section.page_width.cm, 1) == 21.0  # A4


def test_pence_and_several_years_and_streams(templates):
    agreement = complete_agreement()
    council, nhs = agreement.parties.order_by("position", "id")
    schedule = agreement.schedules.get()
    dfg = FundingStream.objects.exclude(code="core").order_by("name").first()
    contribution_set(actor=None, schedule=schedule, party=council, financial_year=2025, funding_stream=dfg,
                     amount_pence=123_456)
    contribution_set(actor=None, schedule=schedule, party=nhs, financial_year=2025,
                     funding_stream=FundingStream.objects.get(code="core"), amount_pence=53_500_001)

    [table] = tables_under_headings(docx_of(agreement, templates))["Schedule 1: Joint Equipment Store"]
    assert table[0] == ["Partner", "Funding stream", "2024-25", "2025-26", "Total"]
    council_name, nhs_name = council.name_in_agreement, nhs.name_in_agreement
    assert table[1:-1] == sorted([
        [council_name, dfg.name, "—", "£1,234.56", "£1,234.56"],
        [council_name, "Partner contribution", "£535,000.00", "—", "£535,000.00"],
        [nhs_name, "Partner contribution", "£535,000.00", "£535,000.01", "£1,070,000.01"],
    ], key=lambda row: (row[0] != council_name, row[1]))
    assert table[-1] == ["Total", "", "£1,070,000.00", "£536,234.57", "£1,606,234.57"]
    for year, total in ((2024, 107_000_000), (2025, 53_623_457)):
        assert financial_schedule(agreement=agreement, year=FinancialYear(year)).total == total


# LibreOffice opens the Word draft and prints it to PDF without complaint, and the PDF's text carries the parties
# and every schedule's total. Needs Debian's libreoffice-writer-nogui and poppler-utils (CI installs both;
# elsewhere the test is skipped when they are missing, unless CI=true).

TOOLS = ("libreoffice", "pdftotext")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]


@pytest.mark.skipif(bool(MISSING) and os.environ.get("CI", "").lower() != "true",
                    reason=f"not installed: {', '.join(MISSING)}")
def test_libreoffice_converts_the_draft_to_pdf_with_the_parties_and_totals(tmp_path, luton, templates):
    docx = tmp_path / "luton.docx"
    docx.write_bytes(agreement_docx(agreement_draft(agreement=luton, version=templates, today=DRAFTED_ON)))
    # A profile of its own, so the conversion neither waits for nor disturbs any other LibreOffice running here.
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    converted = subprocess.run(
        ["libreoffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
        capture_output=True, text=True, timeout=180,
    )
    assert converted.returncode == 0, converted.stderr
    pdf = tmp_path / "luton.pdf"
    assert pdf.stat().st_size > 0
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout

    assert "Luton Borough Council" in text and "NHS Luton / Luton Clinical Commissioning Group" in text
    schedule = financial_schedule(agreement=luton, year=FinancialYear(2013))
    for row in schedule.rows:
        assert f"Schedule {row.number}: {row.title}" in text
        assert format_gbp(row.total) in text
    assert "£6,596,000" in text and "£3,102,500" in text and "£3,493,500" in text
    assert "Page 1 of " in text
