"""The partners' statements as files: the PDF read back with pdftotext, the workbook read back with openpyxl."""

import subprocess

from openpyxl import load_workbook

from s75.core.fiscal import FinancialYear
from s75.settlement.services import settlement_run_create
from s75.settlement.statements import settlement_pdf, settlement_workbook


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
    assert "3,558,481.55" in text and "3,180,518.45" in text  # the final shares of spend
    assert "holds to the penny" in text
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           3" in pages  # the summary, then one page per partner


def test_the_workbook_has_numbers_and_total_formulas(luton, tmp_path):
    run = settlement_run_create(actor=None, agreement=luton, year=FinancialYear(2013))
    path = tmp_path / "statements.xlsx"
    settlement_workbook(run=run).save(path)
    workbook = load_workbook(path)
    assert workbook.sheetnames[:3] == ["Partners", "Schedules", "Payments"]
    partners = workbook["Partners"]
    headers = [cell.value for cell in partners[1]]
    net = headers.index("Net payment (+ host pays)") + 1
    assert [partners.cell(row, net).value for row in (2, 3)] == [-78018.45, -64981.55]
    assert partners.cell(4, net).value.startswith("=SUM(") and partners.cell(4, 1).value == "Total"
    assert workbook["Payments"]["C2"].value == 64981.55
    ccg = workbook[[name for name in workbook.sheetnames if name.startswith("NHS Luton")][0]]
    assert [ccg.cell(row, 1).value for row in range(2, 7)] == [1, 2, 3, 4, 5]
