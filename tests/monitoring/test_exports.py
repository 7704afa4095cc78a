"""The monitoring dashboard's tables as workbooks: the headings, and the figures of
the monitoring report as exact pounds (pence come back from the file as the number written 535000.02)."""

from datetime import date
from decimal import Decimal

import pytest

from s75.core.exports import POUNDS_FORMAT
from s75.core.fiscal import FinancialYear
from s75.monitoring.exports import (
    months_workbook,
    partners_workbook,
    purchases_workbook,
    recovery_workbook,
    schedules_workbook,
)
from s75.monitoring.selectors import ConsentState, monitoring_report
from s75.monitoring.services import recovery_action_add
from tests.commissioning.conftest import place
from tests.workbooks import reopened, values

pytestmark = pytest.mark.django_db
YEAR = FinancialYear(2024)


@pytest.fixture
def report(fund, spent):
    """As at 2024-25/M06, with £90,000 spent: a run-rate forecast of £180,000 against a budget of £1,070,000."""
    return monitoring_report(agreement=fund.agreement, year=YEAR, month=6)


def test_the_schedules_table_has_each_schedule_and_the_totals(report):
    sheet = reopened(schedules_workbook(report=report))
    rows = values(sheet)
    assert sheet.title == "Schedules 2024-25 M06"
    assert rows[0] == ("No.", "Schedule", "Funding", "Annual budget", "Budget to date", "Actual to date",
                       "Forecast outturn", "Method", "Variance", "RAG", "Commentary")
    assert rows[1][:4] == (1, "Joint Equipment Store", "pooled", 1_070_000) and rows[1][4] == 535_002
    assert rows[1][5:10] == (90_000, 180_000, "Run rate", -890_000, "Green")
    assert rows[2][:4] == (None, "Total", None, 1_070_000) and rows[2][4] == 535_002
    assert rows[2][5:9] == (90_000, 180_000, None, -890_000)
    assert sheet["B3"].font.bold
    assert {sheet.cell(2, column).number_format for column in (4, 5, 6, 7, 9)} == {POUNDS_FORMAT}


def test_the_partners_table_has_each_partners_share_and_consent(report):
    rows = values(reopened(partners_workbook(report=report)))
    assert rows[0] == ("Partner", "Contributions", "Projected share of spend", "Projected excess", "Consent state",
                       "Consent given up to", "Bought on its behalf to date", "Committed to the year end")
    council, nhs = rows[1:]
    assert council[4] == "not bound by a prior-agreement clause"
    assert nhs[1] == 535_000 and nhs[4] == ConsentState.WITHIN and nhs[5] is None
    assert council[2] + nhs[2] == 180_000  # the projected spend, shared between the partners


def test_the_purchases_table_has_each_partners_care_bought_and_committed_and_a_partners_name_stays_text(
        fund, spent, contract, nhs):
    nhs.name_in_agreement = "=HYPERLINK(\"http://example.com\")"
    nhs.save(update_fields=["name_in_agreement"])
    place(contract, "PKG-A", [(nhs, 10_000)])  # £200 a week from Monday 1 April 2024
    sheet = reopened(purchases_workbook(report=monitoring_report(agreement=fund.agreement, year=YEAR, month=6)))
    rows = values(sheet)
    assert rows[0] == ("Partner", "Bought on its behalf to date", "Committed to the year end", "The year in all")
    council, partner, total = rows[1:]
    assert council[1:] == (0, 0, 0)
    assert partner == ("=HYPERLINK(\"http://example.com\")", 5228.58, 5200, 10428.58)
    assert total == ("Total", 5228.58, 5200, 10428.58)
    cell = sheet.cell(row=3, column=1)
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


def test_the_months_table_has_the_cumulative_figures_and_no_actual_after_the_month(report):
    rows = values(reopened(months_workbook(report=report)))
    assert rows[0] == ("Month", "Budget to date", "Actual to date", "Forecast")
    assert len(rows) == 1 + 12
    assert [str(value) for value in rows[6]] == ["M06 (Sep)", "535002", "90000", "90000"]
    assert rows[12][0] == "M12 (Mar)" and rows[12][2] is None and rows[12][3] == 180_000


def test_the_recovery_table_has_every_partners_actions(report, nhs):
    assert values(reopened(recovery_workbook(report=report)))[1:] == []
    recovery_action_add(actor=None, party=nhs, financial_year=2024, description="Recycle equipment",
                        saving_pence=12_500_50, owner="Store manager", due_date=date(2025, 1, 31))
    sheet = reopened(recovery_workbook(report=report))
    rows = values(sheet)
    assert rows[0] == ("Partner", "Action", "Saving", "Owner", "Due by", "Status")
    assert rows[1][:4] == (str(nhs), "Recycle equipment", Decimal("12500.5"), "Store manager")
    assert rows[1][4].date() == date(2025, 1, 31) and sheet["E2"].number_format == "dd/mm/yyyy"
