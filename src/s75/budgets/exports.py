"""The financial schedule as an Excel workbook: totals are ``SUM`` formulas, so it still adds up after edits."""

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from s75.core.exports import BOLD, POUNDS_FORMAT, Formula, append_row, header_row, pounds

from .selectors import FinancialSchedule


def financial_schedule_workbook(*, schedule: FinancialSchedule, agreement_title: str) -> Workbook:
    """One sheet named after the year: a row per schedule, a column per party, totals by ``SUM``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = schedule.year.label
    first_money_column = 4
    headers = ["No.", "Schedule", "Funding type", *[party.name_in_agreement for party in schedule.parties], "Total"]
    header_row(sheet, headers, numeric_from=first_money_column)
    first_party = get_column_letter(first_money_column)
    last_party = get_column_letter(first_money_column + len(schedule.parties) - 1)
    total_column = first_money_column + len(schedule.parties)
    for index, row in enumerate(schedule.rows, start=2):
        append_row(sheet, [
            row.number, row.title, row.funding_type,
            *[None if amount is None else pounds(amount) for amount in row.amounts],
            Formula(f"=SUM({first_party}{index}:{last_party}{index})") if schedule.parties else 0,
        ])
    last_row = len(schedule.rows) + 1
    totals_row = last_row + 1
    totals = ["", "Total", ""]
    for column in range(first_money_column, total_column + 1):
        letter = get_column_letter(column)
        totals.append(Formula(f"=SUM({letter}2:{letter}{last_row})") if schedule.rows else 0)
    append_row(sheet, totals)
    for cell in sheet[totals_row]:
        cell.font = BOLD
    for row in sheet.iter_rows(min_row=2, min_col=first_money_column, max_col=total_column):
        for cell in row:
            cell.number_format = POUNDS_FORMAT
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 14
    for column in range(first_money_column, total_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 18
    sheet.oddHeader.center.text = f"{agreement_title}: financial schedule {schedule.year.label}"
    return workbook
