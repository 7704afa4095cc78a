"""The Better Care Fund workbooks as Excel shows them: sheets, numbers and formulas, drop-downs, the checklist's
colours, actual spend from the ledger, and text that cannot run."""

from dataclasses import replace
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from s75.bcf.selectors import line_actuals
from s75.bcf.services import ConditionRow, plan_contents_replace
from s75.bcf.workbook_writing import template_problems, workbook_filename, workbook_for
from s75.core.exports import POUNDS_FORMAT
from s75.core.money import pence_from_pounds
from s75.ledger.models import AccountRole
from s75.ledger.services import LineSpec, entry_post, fund_open

SHEETS = ["Cover", "Checklist", "Income", "Expenditure", "Metrics", "National conditions", "Sign-off", "Lists"]


def opened(data: bytes):
    return load_workbook(BytesIO(data))


def column(sheet, heading: str) -> int:
    return next(cell.column for cell in sheet[1] if cell.value == heading)


def test_planning_template_has_the_national_sheets_and_hides_the_lists(plan):
    workbook = opened(workbook_for(plan, "planning"))
    assert workbook.sheetnames == SHEETS
    assert workbook["Lists"].sheet_state == "hidden"
    cover = {row[0].value: row[1].value for row in workbook["Cover"].iter_rows(min_row=3) if row[0].value}
    assert cover["Health and Wellbeing Board area"] == plan.hwb.name
    assert cover["Financial year"] == "2025-26"
    assert cover["Plan ID"] == plan.pk


def test_money_is_numbers_in_pounds_and_totals_are_formulas(plan):
    sheet = opened(workbook_for(plan, "planning"))["Expenditure"]
    planned = column(sheet, "Planned expenditure (£)")
    cells = [sheet.cell(row, planned) for row in range(2, 6)]
    assert [cell.value for cell in cells] == [4_500_000, 5_500_000, 3_000_000, 2_000_000]
    assert all(cell.number_format == POUNDS_FORMAT for cell in cells)
    total_row = next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value == "Total")
    assert sheet.cell(total_row, planned).value == f"=SUM(N2:N{total_row - 1})"
    income = opened(workbook_for(plan, "planning"))["Income"]
    assert [income.cell(row, 3).value for row in range(2, 5)] == [10_000_000, 3_000_000, 2_000_000]


def test_list_columns_are_drop_downs_fed_by_the_years_lists(plan):
    workbook = opened(workbook_for(plan, "planning"))
    sheet = workbook["Expenditure"]
    validations = {str(validation.sqref).split(":")[0][:1]: validation
                   for validation in sheet.data_validations.dataValidation}
    scheme_type = validations["D"]
    assert scheme_type.type == "list"
    assert scheme_type.formula1.startswith("'Lists'!$B$2:$B$")
    listed = [cell.value for cell in workbook["Lists"]["B"][1:] if cell.value]
    assert "Home care or domiciliary care" in listed
    assert set(validations) >= {"D", "E", "H", "I", "L", "M", "O", "P"}
    conditions = workbook["National conditions"].data_validations.dataValidation
    assert [validation.formula1 for validation in conditions] == ["'Lists'!$H$2:$H$3"]


def test_checklist_is_green_or_red_with_the_reasons(plan, area):
    sheet = opened(workbook_for(plan, "planning"))["Checklist"]
    assert [sheet.cell(row, 2).value for row in range(2, 7)] == ["Passes"] * 5
    assert sheet.cell(2, 2).fill.fgColor.rgb.endswith("C6EFCE")
    assert "NHS minimum contribution: income £10,000,000.00, all planned" in sheet.cell(2, 3).value
    contents = area.contents()
    unconfirmed = [ConditionRow(condition=row.condition, confirmed=False) for row in contents.conditions]
    plan_contents_replace(actor=area.manager, plan=plan, contents=area.contents(conditions=unconfirmed))
    sheet = opened(workbook_for(plan, "planning"))["Checklist"]
    failing = next(row for row in range(2, 7) if sheet.cell(row, 2).value == "Fails")
    assert sheet.cell(failing, 2).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(failing, 1).value == "Every national condition is confirmed"


def test_text_that_looks_like_a_formula_is_written_as_text(plan, area):
    contents = area.contents()
    lines = [replace(contents.lines[0], scheme_name="=HYPERLINK(\"x\")", description="@SUM(A1)"),
             *contents.lines[1:]]
    plan_contents_replace(actor=area.manager, plan=plan, contents=area.contents(lines=lines))
    sheet = opened(workbook_for(plan, "planning"))["Expenditure"]
    name, description = sheet.cell(2, 2), sheet.cell(2, 3)
    assert (name.value, name.data_type, name.quotePrefix) == ("=HYPERLINK(\"x\")", "s", True)
    assert (description.value, description.data_type, description.quotePrefix) == ("@SUM(A1)", "s", True)


def test_quarterly_return_adds_actuals_and_metric_actuals(plan):
    workbook = opened(workbook_for(plan, "quarterly", 2))
    sheet = workbook["Expenditure"]
    assert column(sheet, "Actual to end of Q2 (£)") == 18
    assert sheet.cell(2, 19).value == "=N2-R2"
    assert [cell.value for cell in workbook["Metrics"][1]][-4:] == ["Q1 actual", "Q2 actual", "Q3 actual",
                                                                    "Q4 actual"]


@pytest.mark.parametrize(("template", "quarter", "problem"), [
    ("monthly", None, "'monthly' is not a template: choose one of planning, quarterly, year-end"),
    ("quarterly", None, "the quarterly return needs its quarter: 1, 2, 3 or 4"),
    ("planning", 2, "the better care fund planning template is for the whole year: give no quarter"),
])
def test_a_template_asked_for_wrongly_is_refused(template, quarter, problem):
    assert template_problems(template, quarter) == [problem]


def test_filenames_name_the_area_year_and_return(plan):
    plan.hwb.name = "Bath & North East Somerset"
    assert workbook_filename(plan, "quarterly", 3) == "bcf-bath-north-east-somerset-2025-26-q3-return.xlsx"
    assert workbook_filename(plan, "year-end") == "bcf-bath-north-east-somerset-2025-26-year-end-return.xlsx"
    assert workbook_filename(plan, "planning") == "bcf-bath-north-east-somerset-2025-26-plan.xlsx"


def post_spend(fund, schedule, pence: int, month: int) -> None:
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE, schedule=schedule)
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    entry_post(actor=None, fund=fund, period=fund.periods.get(financial_year=2025, number=month),
               description="Invoices", lines=[LineSpec(expenditure, pence), LineSpec(creditors, -pence)])


def test_year_end_return_gives_each_schemes_actual_from_the_ledger_to_the_penny(plan, area):
    fund = fund_open(actor=None, agreement=area.agreement)
    post_spend(fund, area.home_care, 123_456_789, 2)
    post_spend(fund, area.home_care, 200_000_001, 11)
    post_spend(fund, area.equipment, 150_000_037, 12)
    sheet = opened(workbook_for(plan, "year-end"))["Expenditure"]
    actual = column(sheet, "Actual to end of Q4 (£)")
    shown = [pence_from_pounds(Decimal(str(sheet.cell(row, actual).value))) for row in range(2, 6)]
    assert shown == [actual.actual_pence for actual in line_actuals(plan=plan, quarter=4)]
    # Lines 1-3 share the care-at-home schedule, line 4 is the equipment schedule's only line.
    assert sum(shown[:3]) == 323_456_790 and shown[3] == 150_000_037
    assert all(sheet.cell(row, actual).number_format == POUNDS_FORMAT for row in range(2, 6))
    first_quarter = opened(workbook_for(plan, "quarterly", 1))["Expenditure"]
    assert sum(Decimal(str(first_quarter.cell(row, actual).value)) for row in range(2, 5)) == Decimal("1234567.89")
