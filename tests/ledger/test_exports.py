"""The ledger's files: the trial balance and the expenditure matrix as workbooks of exact pounds whose totals are
formulas, and the lines behind a balance as a workbook (with a note when the listing is cut short) or as CSV,
ending with their totals."""

from decimal import Decimal

import pytest

from s75.core.exports import POUNDS_FORMAT
from s75.core.fiscal import FinancialYear
from s75.ledger.exports import (
    LINE_HEADERS,
    expenditure_workbook,
    ledger_lines_csv,
    ledger_lines_workbook,
    trial_balance_workbook,
)
from s75.ledger.models import AccountRole
from s75.ledger.selectors import ledger_lines
from tests.workbooks import reopened, values

pytestmark = pytest.mark.django_db
YEAR = FinancialYear(2024)


def test_the_trial_balance_has_a_debit_or_credit_per_account_and_summed_totals(fund, spent):
    sheet = reopened(trial_balance_workbook(fund=fund, year=YEAR))
    rows = values(sheet)
    assert sheet.title == "Trial balance 2024-25"
    assert rows[0] == ("Code", "Account", "Debit", "Credit")
    assert ("2000", "Creditors", None, Decimal("1250.50")) in rows
    assert ("5000-01", "Expenditure: Joint Equipment Store", Decimal("1250.50"), None) in rows
    last = len(rows) - 1
    assert rows[-1] == (None, "Total", f"=SUM(C2:C{last})", f"=SUM(D2:D{last})")
    assert sheet.cell(len(rows), 2).font.bold
    assert sheet["C2"].number_format == sheet[f"D{len(rows)}"].number_format == POUNDS_FORMAT


def test_a_year_without_postings_has_every_account_at_nothing(fund):
    rows = values(reopened(trial_balance_workbook(fund=fund, year=FinancialYear(2025))))
    assert all(debit is None and credit is None for _, _, debit, credit in rows[1:-1])
    assert rows[-1][1] == "Total"


def test_the_expenditure_has_a_row_per_schedule_and_a_column_per_month(fund, spent):
    sheet = reopened(expenditure_workbook(fund=fund, year=YEAR))
    rows = values(sheet)
    assert rows[0] == ("No.", "Schedule", *[f"M{month:02d}" for month in range(1, 13)], "Total")
    assert rows[1][:5] == (1, "Joint Equipment Store", Decimal("1000.50"), 0, 250)
    assert rows[1][-1] == "=SUM(C2:N2)"
    assert rows[2][:3] == (None, "Total", "=SUM(C2:C2)") and rows[2][-1] == "=SUM(O2:O2)"
    assert sheet["C2"].number_format == POUNDS_FORMAT


def test_the_lines_workbook_holds_each_line_in_exact_pounds(fund, spent):
    lines = ledger_lines(fund=fund, cost_centre="CC100")
    rows = values(reopened(ledger_lines_workbook(lines=lines, limit=100)))
    assert rows[0] == tuple(LINE_HEADERS)
    assert [row[0] for row in rows[1:]] == ["2024-25/M01", "2024-25/M01", "Total", "Net"]
    assert rows[1][4:8] == ("5000-01", "Expenditure: Joint Equipment Store", "Joint Equipment Store", None)
    assert rows[1][-2:] == (Decimal("1000.50"), None) and rows[2][-2:] == (None, Decimal("1000.50"))
    assert rows[3][-2:] == (Decimal("1000.50"), Decimal("1000.50")) and rows[4][-2:] == (0, None)


def test_the_lines_totals_end_with_the_net_as_a_debit_or_a_credit(fund, spent):
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE)
    rows = values(reopened(ledger_lines_workbook(lines=ledger_lines(fund=fund, account=expenditure), limit=100)))
    assert rows[-2] == ("Total", *[None] * 10, Decimal("1250.50"), 0)
    assert rows[-1] == ("Net debit", *[None] * 10, Decimal("1250.50"), None)
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    text = "".join(ledger_lines_csv(lines=ledger_lines(fund=fund, account=creditors, cost_centre="CC200")))
    assert text.strip().splitlines()[-2:] == ["Total" + "," * 11 + "0.00,250.00", "Net credit" + "," * 12 + "250.00"]


def test_a_lines_workbook_cut_short_says_how_to_get_the_rest(fund, spent):
    rows = values(reopened(ledger_lines_workbook(lines=ledger_lines(fund=fund), limit=3)))
    assert rows[0][0].startswith("The filtered listing has 4 lines; this file holds the first 3.")
    assert "download every line as CSV" in rows[0][0]
    assert rows[1] == tuple(LINE_HEADERS) and len(rows) == 2 + 3 + 2
    # The totals are of every line of the listing, not only of those the file holds.
    assert rows[-2][0] == "Total of all 4 lines" and rows[-2][-2:] == (Decimal("1250.50"), Decimal("1250.50"))


def test_the_lines_csv_writes_exact_pounds_after_a_byte_order_mark(fund, spent):
    lines = ledger_lines(fund=fund, period=fund.periods.get(financial_year=2024, number=1))
    text = "".join(ledger_lines_csv(lines=lines))
    assert text.startswith("\ufeffPeriod,Posting date,Entry,Kind,")
    rows = text.strip().splitlines()
    assert len(rows) == 3 + 2
    assert rows[1].startswith("2024-25/M01,2024-04-15,") and rows[1].endswith(",1000.50,")
    assert rows[2].endswith(",,1000.50")
    assert rows[3].startswith("Total,") and rows[3].endswith(",1000.50,1000.50") and rows[4].endswith(",0.00,")
