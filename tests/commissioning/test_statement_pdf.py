"""The recharge statement as a PDF, read back with pdftotext: a line per package version and month with its
contract, weeks or days, rate and amount; the charged groups' subtotals making the total as printed; the disputed
lines carried forward printed after it, held back."""

import re
import subprocess
from decimal import Decimal

import pytest

from s75.commissioning.models import DisputeOutcome
from s75.commissioning.recharges import dispute_mark, dispute_resolve
from s75.commissioning.selectors import recharge_statement
from s75.commissioning.statement_pdf import statement_groups, statement_pdf, weeks_and_days
from s75.core.fiscal import FinancialMonth, FinancialYear

from .conftest import place

APRIL, MAY = FinancialMonth(FinancialYear(2024), 1), FinancialMonth(FinancialYear(2024), 2)
AMOUNT = re.compile(r"\(?\d[\d,]*\.\d\d\)?$")


def pdf_text(tmp_path, statement) -> str:
    path = tmp_path / "statement.pdf"
    path.write_bytes(statement_pdf(statement=statement))
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pence(text: str) -> int:
    return int(text.strip("()").replace(",", "").replace(".", ""))


@pytest.mark.parametrize(("days", "words"), [(30, "4 weeks 2 days"), (7, "1 week"), (14, "2 weeks"), (1, "1 day"),
                                             (3, "3 days"), (29, "4 weeks 1 day")])
def test_days_are_written_as_weeks_and_days(days, words):
    assert weeks_and_days(days) == words


@pytest.fixture
def may_statement(fund, package, contract, nhs, council):
    """PKG-0001 (£200 a week) charged; PKG-0002's April disputed and open, carried; PKG-0003's April disputed and
    resolved to be charged, carried and charged; PKG-0004 joint, a third of it the NHS partner's."""
    open_dispute = place(contract, "PKG-0002", [(nhs, 10_000)], rate=2400, units=Decimal(14))
    resolved = place(contract, "PKG-0003", [(nhs, 10_000)], rate=2150, units=Decimal("7.5"))
    place(contract, "PKG-0004", [(nhs, 3333), (council, 6667)], rate=2200, units=Decimal(21))
    dispute_mark(actor=None, package=open_dispute, party=nhs, month=APRIL, reason="Hours not delivered")
    charge = dispute_mark(actor=None, package=resolved, party=nhs, month=APRIL, reason="Rate not agreed")
    dispute_resolve(actor=None, dispute=charge, outcome=DisputeOutcome.CHARGE)
    return recharge_statement(agreement=fund.agreement, party=nhs, month=MAY)


def test_the_pdf_prints_each_line_and_totals_that_add_up_as_printed(tmp_path, may_statement):
    text = pdf_text(tmp_path, may_statement)
    words = " ".join(text.split())
    assert "Recharge statement: May 2024 (2024-25/M02)" in words
    line = " ".join(next(row for row in text.splitlines() if row.strip().startswith("PKG-0001")).split())
    assert line == "PKG-0001 HC-2024-001 1 May to 31 May 2024 4 weeks 3 days £20.00 per hour 10 100% 885.71"
    joint = next(row for row in text.splitlines() if row.strip().startswith("PKG-0004"))
    assert "33.33%" in joint
    charged, held = statement_groups(may_statement)
    assert [group.title for group in charged] == [
        "Care in May 2024", "Carried from earlier months: disputes resolved to be recharged"]
    assert [group.title for group in held] == ["Carried from earlier months: disputes still open"]
    printed = {}
    for row in text.splitlines():
        found = AMOUNT.search(row.strip())
        label = " ".join(row.split()[:6])
        if found and not row.strip().startswith("PKG-") and "held back" not in row:
            printed[label] = pence(found.group())
    subtotals = [amount for label, amount in printed.items() if label.startswith(("Care in May 2024:", "Carried from"))]
    total = next(amount for label, amount in printed.items() if label.startswith("Total recharged"))
    assert sum(subtotals) == total == may_statement.total_pence
    lines = [pence(AMOUNT.search(row.strip()).group()) for row in text.splitlines()
             if row.strip().startswith("PKG-")]
    assert sum(lines) == may_statement.total_pence + may_statement.disputed_pence
    assert "Carried from earlier months: disputes still open: held back, not in the total" in words
    assert "Carried from earlier months: disputes still open, held back: 1 line 1,440.00" in words
    held_row = " ".join(text.split("held back, not in the total")[1].split("PKG-0002")[1].split("\n")[0].split())
    assert held_row == "HC-2024-001 1 Apr to 30 Apr 2024 4 weeks 2 days £24.00 per hour 14 100% 1,440.00"
    assert may_statement.disputed_pence == 1_440_00


def test_an_empty_statement_says_nothing_was_bought(tmp_path, fund, package, council):
    text = pdf_text(tmp_path, recharge_statement(agreement=fund.agreement, party=council, month=APRIL))
    assert "Nothing was bought on" in " ".join(text.split())
