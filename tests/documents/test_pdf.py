"""LibreOffice opens the Word draft and prints it to PDF without complaint, and the PDF's text carries the
parties and every schedule's total. Needs Debian's libreoffice-writer-nogui and poppler-utils (CI installs both;
elsewhere the test is skipped when they are missing, unless CI=true)."""

import os
import shutil
import subprocess
from datetime import date

import pytest

from s75.budgets.selectors import financial_schedule
from s75.core.fiscal import FinancialYear
from s75.core.money import format_gbp
from s75.documents.selectors import agreement_draft
from s75.documents.word import agreement_docx

TOOLS = ("libreoffice", "pdftotext")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(bool(MISSING) and os.environ.get("CI", "").lower() != "true",
                       reason=f"not installed: {', '.join(MISSING)}"),
]


def test_libreoffice_converts_the_draft_to_pdf_with_the_parties_and_totals(tmp_path, luton, templates):
    docx = tmp_path / "luton.docx"
    docx.write_bytes(agreement_docx(agreement_draft(agreement=luton, version=templates, today=date(2026, 11, 22))))
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
