"""A Better Care Fund plan as an Excel workbook in the national templates' shape: the planning template, the
quarterly return and the year-end return (which add each scheme's actual spend from the ledger and the metrics'
actuals). Money is numbers of pounds shown with pence, totals are formulas, the list columns offer the year's
lists as drop-downs, and the checklist is green or red with each check's reasons.

:func:`workbook_for` gives the file's bytes and :func:`workbook_filename` its name."""

from io import BytesIO
from math import ceil

from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from s75.core.exports import BOLD, POUNDS_FORMAT, Formula, pounds, put

from .checks import districts_of, plan_checks
from .models import Commissioner, ListName, NewOrExisting, Plan
from .selectors import line_actuals, plan_lines, plan_metrics, year_list
from .workbook_layout import (
    AGREEMENT_LABEL,
    AREA_LABEL,
    AREA_LIST,
    CHECKLIST,
    COMMISSIONER_LIST,
    CONDITION_COLUMNS,
    CONDITIONS,
    COVER,
    DISTRICT_LIST,
    EXPENDITURE,
    INCOME,
    INCOME_COLUMNS,
    LINE_COLUMNS,
    LISTS,
    METRIC_ACTUAL_COLUMNS,
    METRIC_COLUMNS,
    METRICS,
    NARRATIVE_LABEL,
    NEW_LIST,
    NO,
    ORGANISATION_LIST,
    PLAN_LABEL,
    PLANNING,
    PROVIDER_LIST,
    SCHEDULE_LIST,
    SIGN_OFF,
    SOURCE_LIST,
    SPARE_ROWS,
    SUB_TYPE_LIST,
    TEMPLATES,
    TOTAL,
    TYPE_LIST,
    YEAR_END,
    YEAR_LABEL,
    YES,
    YES_NO_LIST,
    Column,
)

PASS_FILL = PatternFill("solid", fgColor="C6EFCE")
FAIL_FILL = PatternFill("solid", fgColor="FFC7CE")
HEADING_FILL = PatternFill("solid", fgColor="D9E1F2")
TITLE_FONT = Font(bold=True, size=14)
PERCENT_FORMAT = "0.00"
FIGURE_FORMAT = "#,##0.00"
WRAP = Alignment(wrap_text=True, vertical="top")


def template_problems(template: str, quarter: int | None) -> list[str]:
    """What is wrong with asking for ``template`` (and ``quarter``), in words a command or a page can show."""
    if template not in TEMPLATES:
        return [f"{template!r} is not a template: choose one of {', '.join(TEMPLATES)}"]
    if template in (PLANNING, YEAR_END):
        return [] if quarter is None else [f"the {TEMPLATES[template].lower()} is for the whole year: give no quarter"]
    return [] if quarter in {1, 2, 3, 4} else ["the quarterly return needs its quarter: 1, 2, 3 or 4"]


def workbook_filename(plan: Plan, template: str, quarter: int | None = None) -> str:
    part = {PLANNING: "plan", YEAR_END: "year-end-return"}.get(template, f"q{quarter}-return")
    return f"bcf-{slugify(plan.hwb.name)}-{plan.year.year.label}-{part}.xlsx"


def workbook_for(plan: Plan, template: str, quarter: int | None = None) -> bytes:
    """The plan as the ``template`` workbook (``planning``, ``quarterly`` with its ``quarter``, or ``year-end``)."""
    problems = template_problems(template, quarter)
    if problems:
        raise ValueError(problems[0])
    workbook = _workbook(plan, template, 4 if template == YEAR_END else quarter)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _workbook(plan: Plan, template: str, quarter: int | None) -> Workbook:
    workbook = Workbook()
    lists = _lists_sheet(workbook, plan)
    workbook.remove(workbook.active)
    _cover(workbook.create_sheet(COVER, 0), plan, template, quarter)
    _checklist(workbook.create_sheet(CHECKLIST, 1), plan)
    _income(workbook.create_sheet(INCOME, 2), plan, lists)
    _expenditure(workbook.create_sheet(EXPENDITURE, 3), plan, lists, quarter)
    _metrics(workbook.create_sheet(METRICS, 4), plan, quarter is not None)
    _conditions(workbook.create_sheet(CONDITIONS, 5), plan, lists)
    _sign_off(workbook.create_sheet(SIGN_OFF, 6), plan)
    for sheet in workbook.worksheets:
        if sheet.title != LISTS:
            _fit_for_reading(sheet)
    workbook.active = 0
    return workbook


def _fit_for_reading(sheet: Worksheet) -> None:
    """Rows tall enough for their wrapped text (LibreOffice and some Excel views keep openpyxl's default height,
    and the text runs into the row below), and each sheet printed landscape, one page wide, headings repeated."""
    for row in sheet.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is not None and cell.alignment.vertical != "top":
                cell.alignment = Alignment(horizontal=cell.alignment.horizontal, wrap_text=cell.alignment.wrap_text,
                                           vertical="top")
            if isinstance(cell.value, str) and not cell.value.startswith("=") and cell.alignment.wrap_text:
                width = sheet.column_dimensions[cell.column_letter].width or 10
                lines = max(lines, sum(ceil(len(part) * 1.1 / width) or 1 for part in cell.value.split("\n")))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = 15 * lines
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if sheet.freeze_panes:
        sheet.print_title_rows = "1:1"


def _lists_sheet(workbook: Workbook, plan: Plan) -> dict[str, str]:
    """A hidden sheet of the year's lists, one a column; the range of each, by its heading, for the drop-downs."""
    def names(list_name: str) -> list[str]:
        return [item.name for item in year_list(year=plan.year, name=list_name)]

    columns = {
        SOURCE_LIST: names(ListName.SOURCE), TYPE_LIST: names(ListName.SCHEME_TYPE),
        SUB_TYPE_LIST: sorted(set(names(ListName.SUB_TYPE))), AREA_LIST: names(ListName.AREA_OF_SPEND),
        COMMISSIONER_LIST: list(Commissioner.labels), PROVIDER_LIST: names(ListName.PROVIDER_TYPE),
        NEW_LIST: list(NewOrExisting.labels), YES_NO_LIST: [YES, NO],
        ORGANISATION_LIST: [party.organisation.name for party in
                            plan.agreement.parties.select_related("organisation").order_by("organisation__name")],
        SCHEDULE_LIST: [str(schedule) for schedule in plan.agreement.schedules.order_by("number")],
        DISTRICT_LIST: [district.name for district in districts_of(plan.hwb)],
    }
    sheet = workbook.create_sheet(LISTS)
    sheet.sheet_state = "hidden"
    ranges = {}
    for number, (heading, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(number)
        sheet.cell(1, number, heading).font = BOLD
        for row, value in enumerate(values, start=2):
            put(sheet.cell(row, number), value)
        ranges[heading] = f"{quote_sheetname(LISTS)}!${letter}$2:${letter}${max(2, len(values) + 1)}"
    return ranges


def _heading(sheet: Worksheet, columns: tuple[Column, ...], row: int = 1) -> None:
    for number, column in enumerate(columns, start=1):
        cell = sheet.cell(row, number, column.heading)
        numeric = column.heading.endswith(("(£)", "planned", "actual", "outputs")) or column.heading.startswith("%")
        cell.font, cell.fill = BOLD, HEADING_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="right" if numeric else "left")
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = sheet.cell(row + 1, 1)


def _drop_downs(sheet: Worksheet, columns: tuple[Column, ...], lists: dict[str, str], first: int, last: int) -> None:
    for number, column in enumerate(columns, start=1):
        if column.list:
            validation = DataValidation(type="list", formula1=lists[column.list], allow_blank=not column.required,
                                        showErrorMessage=True, errorTitle=column.heading,
                                        error=f"Choose a {column.heading.lower()} from the list.")
            letter = get_column_letter(number)
            validation.add(f"{letter}{first}:{letter}{last}")
            sheet.add_data_validation(validation)


def _total_row(sheet: Worksheet, row: int, first: int, money_columns: list[int]) -> None:
    sheet.cell(row, 1, TOTAL).font = BOLD
    for number in money_columns:
        letter = get_column_letter(number)
        cell = put(sheet.cell(row, number), Formula(f"=SUM({letter}{first}:{letter}{row - 1})"))
        cell.font, cell.number_format = BOLD, POUNDS_FORMAT


def _cover(sheet: Worksheet, plan: Plan, template: str, quarter: int | None) -> None:
    sheet["A1"] = TEMPLATES[template]
    sheet["A1"].font = TITLE_FONT
    rows = [
        (AREA_LABEL, plan.hwb.name), (YEAR_LABEL, plan.year.year.label),
        (AGREEMENT_LABEL, plan.agreement.reference), (PLAN_LABEL, plan.pk),
        ("Status", plan.get_status_display()), ("Framework", plan.year.framework),
    ]
    if template != PLANNING:
        rows.append(("Actual spend to", f"the end of quarter {quarter}"))
    rows += [("Prepared on", timezone.localdate()), (NARRATIVE_LABEL, plan.narrative)]
    for row, (label, value) in enumerate(rows, start=3):
        sheet.cell(row, 1, label).font = BOLD
        put(sheet.cell(row, 2), value)
        sheet.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    sheet.cell(3 + len(rows) - 2, 2).number_format = "dd/mm/yyyy"
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 80


def _checklist(sheet: Worksheet, plan: Plan) -> None:
    columns = (Column("check", "Check", 50), Column("result", "Result", 10), Column("reasons", "Why", 90),
               Column("explanation", "Explanation given", 40))
    _heading(sheet, columns)
    explanations = dict(plan.explanations.values_list("check_code", "explanation"))
    for row, check in enumerate(plan_checks(plan), start=2):
        values = (check.title, "Passes" if check.passed else "Fails", "\n".join(check.reasons),
                  explanations.get(check.code, ""))
        for number, value in enumerate(values, start=1):
            cell = sheet.cell(row, number)
            put(cell, value)
            cell.alignment = WRAP
            if number in (2, 3):
                cell.fill = PASS_FILL if check.passed else FAIL_FILL


def _income(sheet: Worksheet, plan: Plan, lists: dict[str, str]) -> None:
    _heading(sheet, INCOME_COLUMNS)
    rows = plan.income.select_related("source", "organisation").order_by("source__position", "organisation__name")
    row = 1
    for row, income in enumerate(rows, start=2):
        put(sheet.cell(row, 1), income.source.name)
        put(sheet.cell(row, 2), income.organisation.name)
        sheet.cell(row, 3, pounds(income.amount_pence)).number_format = POUNDS_FORMAT
    total = row + SPARE_ROWS + 1
    _drop_downs(sheet, INCOME_COLUMNS, lists, 2, total - 1)
    for spare in range(row + 1, total):
        sheet.cell(spare, 3).number_format = POUNDS_FORMAT
    _total_row(sheet, total, 2, [3])


def _expenditure(sheet: Worksheet, plan: Plan, lists: dict[str, str], quarter: int | None) -> None:
    actual_columns = () if quarter is None else (
        Column("actual", f"Actual to end of Q{quarter} (£)", 18), Column("variance", "Planned less actual (£)", 18))
    columns = LINE_COLUMNS + actual_columns
    _heading(sheet, columns)
    keys = [column.key for column in columns]
    money = [keys.index("planned") + 1] + [keys.index(key) + 1 for key in ("actual", "variance") if key in keys]
    actuals = {actual.line.pk: actual.actual_pence for actual in line_actuals(plan=plan, quarter=quarter)} \
        if quarter is not None else {}
    row = 1
    for row, line in enumerate(plan_lines(plan=plan), start=2):
        values = {
            "scheme_id": line.scheme_id, "scheme_name": line.scheme_name, "description": line.description,
            "scheme_type": line.scheme_type.name, "sub_type": line.sub_type.name if line.sub_type else None,
            "outputs": line.outputs, "output_unit": line.output_unit, "area_of_spend": line.area_of_spend.name,
            "commissioner": line.get_commissioner_display(), "nhs_percent": line.nhs_percent,
            "la_percent": line.la_percent, "provider_type": line.provider_type.name, "source": line.source.name,
            "planned": pounds(line.planned_pence), "new_or_existing": line.get_new_or_existing_display(),
            "schedule": str(line.schedule), "passed_to": line.passed_to.name if line.passed_to else None,
            "actual": pounds(actuals[line.pk]) if line.pk in actuals else None,
        }
        for number, key in enumerate(keys, start=1):
            if key == "variance":
                planned, actual = (get_column_letter(keys.index(k) + 1) for k in ("planned", "actual"))
                put(sheet.cell(row, number), Formula(f"={planned}{row}-{actual}{row}"))
            elif values[key] not in (None, ""):
                put(sheet.cell(row, number), values[key])
                if isinstance(values[key], str):
                    sheet.cell(row, number).alignment = WRAP
    total = row + SPARE_ROWS + 1
    for each_row in range(2, total):
        for number in money:
            sheet.cell(each_row, number).number_format = POUNDS_FORMAT
        for key in ("nhs_percent", "la_percent"):
            sheet.cell(each_row, keys.index(key) + 1).number_format = PERCENT_FORMAT
        sheet.cell(each_row, keys.index("outputs") + 1).number_format = FIGURE_FORMAT
    _drop_downs(sheet, columns, lists, 2, total - 1)
    _total_row(sheet, total, 2, money)


def _metrics(sheet: Worksheet, plan: Plan, with_actuals: bool) -> None:
    columns = METRIC_COLUMNS + (METRIC_ACTUAL_COLUMNS if with_actuals else ())
    _heading(sheet, columns)
    for row, (metric, values) in enumerate(plan_metrics(plan=plan), start=2):
        put(sheet.cell(row, 1), metric.name)
        put(sheet.cell(row, 2), metric.unit)
        figures = [value.planned if value else None for value in values]
        if with_actuals:
            figures += [value.actual if value else None for value in values]
        for number, figure in enumerate(figures, start=3):
            sheet.cell(row, number, figure).number_format = FIGURE_FORMAT
        sheet.cell(row, 1).alignment = WRAP


def _conditions(sheet: Worksheet, plan: Plan, lists: dict[str, str]) -> None:
    _heading(sheet, CONDITION_COLUMNS)
    row = 1
    for row, confirmation in enumerate(plan.conditions.select_related("condition"), start=2):
        put(sheet.cell(row, 1), confirmation.condition.code.upper())
        put(sheet.cell(row, 2), confirmation.condition.name)
        sheet.cell(row, 3, YES if confirmation.confirmed else NO)
        put(sheet.cell(row, 4), confirmation.comment)
        for number in (2, 4):
            sheet.cell(row, number).alignment = WRAP
    _drop_downs(sheet, CONDITION_COLUMNS, lists, 2, max(row, 2))


def _sign_off(sheet: Worksheet, plan: Plan) -> None:
    decision = plan.signed_off_by
    sheet["A1"] = "Sign-off by the Health and Wellbeing Board"
    sheet["A1"].font = TITLE_FONT
    rows = [("Health and Wellbeing Board area", plan.hwb.name),
            ("Signed off", "Yes" if decision else "Not yet: the board's decision approving the plan is recorded "
                                                  "in s75")]
    if decision is not None:
        rows += [("Decision", decision.summary), ("Minute reference", decision.minute_reference),
                 ("Meeting", str(decision.meeting))]
    for row, (label, value) in enumerate(rows, start=3):
        sheet.cell(row, 1, label).font = BOLD
        put(sheet.cell(row, 2), value)
        sheet.cell(row, 2).alignment = WRAP
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 80
