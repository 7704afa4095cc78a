"""The workbook of a quarterly report or annual return: a cover sheet, then one sheet per section, written from the
version's snapshot. Money is a number of pounds (exact, from pence) shown with a £ format, negatives in brackets;
a table's totals are ``SUM`` formulas over its rows, so a finance officer who changes a figure sees the total move.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.utils.text import capfirst
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from s75.core.exports import BOLD, DATE_FORMAT, GBP_AXIS_FORMAT, GBP_FORMAT, Formula, pounds, put
from s75.settlement.statements import host_position_words, payment_words

PERCENT_FORMAT = "0.0%"
TITLE = Font(bold=True, size=14)
TOTAL_BORDER = Border(top=Side(style="thin"), bottom=Side(style="double"))
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}
WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_title(sheet: Worksheet, title: str, paper: dict) -> int:
    """The sheet's heading and what the paper is; returns the next free row, after a blank one."""
    sheet["A1"] = title
    sheet["A1"].font = TITLE
    quarter = paper["quarter"]
    put(sheet["A2"], f"{paper['agreement']['title']}: {paper['title'].lower()} {quarter['label']} "
                     f"(to {quarter['period']})")
    return 4


def money_table(sheet: Worksheet, top: int, headers: Sequence[str], rows: Sequence[Sequence], *,
                money_from: int, total_label: str | None = "Total", total_columns: Sequence[int] = ()) -> int:
    """A table at row ``top``: a bold header, then the rows, money (pence) in columns ``money_from`` onward shown
    as pounds; with ``total_label`` a last row of ``SUM`` formulas under ``total_columns`` (default: every money
    column). Returns the row after the table."""
    for column, header in enumerate(headers, start=1):
        cell = put(sheet.cell(top, column), header)
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="right" if column >= money_from else "left", wrap_text=True,
                                   vertical="bottom")
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            is_money = column >= money_from and isinstance(value, int) and not isinstance(value, bool)
            cell = put(sheet.cell(top + offset, column), pounds(value) if is_money else value)
            if is_money:
                cell.number_format = GBP_FORMAT
    after = top + len(rows) + 1
    if total_label is None:
        return after
    sheet.cell(after, 1, total_label).font = BOLD
    for column in total_columns or range(money_from, len(headers) + 1):
        letter = get_column_letter(column)
        cell = put(sheet.cell(after, column),
                   Formula(f"=SUM({letter}{top + 1}:{letter}{after - 1})") if rows else 0)
        cell.number_format = GBP_FORMAT
        cell.font = BOLD
        cell.border = TOTAL_BORDER
    return after + 1


def widths(sheet: Worksheet, *columns: int) -> None:
    for index, width in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _label_value(sheet: Worksheet, row: int, label: str, value, number_format: str = GBP_FORMAT) -> None:
    put(sheet.cell(row, 1), label)
    cell = put(sheet.cell(row, 2), value)
    cell.number_format = number_format


# The cover and each section's sheet ------------------------------------------------------------------------------

def cover_sheet(sheet: Worksheet, paper: dict, contents: Sequence[tuple[str, str]]) -> None:
    """The paper's particulars and a contents list linking to each section's sheet ``(title, sheet name)``."""
    quarter = paper["quarter"]
    put(sheet["A1"], f"{paper['title']} {quarter['label']}")
    sheet["A1"].font = Font(bold=True, size=18)
    particulars = [
        ("Fund", paper["fund"]["name"]),
        ("Agreement", paper["agreement"]["title"]),
        ("Period", f"{quarter['months_covered']} (to {quarter['period']})"),
        ("Prepared by", paper["prepared_by"]),
        ("Date", date.fromisoformat(paper["prepared_on"])),
        ("Version", paper["version"]),
        ("Money", "Pounds; negative figures in brackets. Totals are formulas over the rows above them."),
    ]
    for offset, (label, value) in enumerate(particulars, start=3):
        sheet.cell(offset, 1, label).font = BOLD
        cell = put(sheet.cell(offset, 2), value)
        cell.alignment = Alignment(horizontal="left")
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
    top = 3 + len(particulars) + 1
    sheet.cell(top, 1, "Contents").font = BOLD
    for offset, (title, name) in enumerate(contents, start=1):
        cell = put(sheet.cell(top + offset, 1), f"{offset}. {title}")
        cell.hyperlink = f"#{quote_sheetname(name)}!A1"
        cell.style = "Hyperlink"
    widths(sheet, 16, 100)


def summary_sheet(sheet: Worksheet, data: dict, paper: dict) -> None:
    row = sheet_title(sheet, "Summary", paper)
    figures = [("Annual budget", data["budget"]), ("Budget to date", data["budget_to_date"]),
               ("Actual to date", data["actual_to_date"]), ("Forecast outturn", data["forecast"]),
               ("Forecast variance: overspend, (underspend)", data["variance"])]
    for offset, (label, pence) in enumerate(figures):
        _label_value(sheet, row + offset, label, pounds(pence))
    row += len(figures)
    if data["variance_percent"] is not None:
        _label_value(sheet, row, "Variance as a share of budget", Decimal(data["variance_percent"]) / 100,
                     PERCENT_FORMAT)
        row += 1
    _label_value(sheet, row, "RAG status", RAG_LABELS[data["rag"]], "General")
    _label_value(sheet, row + 1, "Amber up to (% of budget)", f"{data['amber_threshold_percent']}%", "General")
    widths(sheet, 44, 18)


def schedules_sheet(sheet: Worksheet, data: dict, paper: dict) -> None:
    top = sheet_title(sheet, "Budget, actual and forecast by schedule", paper)
    headers = ["No.", "Schedule", "Funding", "Annual budget", "Budget to date", "Actual to date", "Forecast outturn",
               "Variance", "RAG", "Forecast method"]
    rows = [[line["number"], line["title"], line["funding_type"], line["annual_budget"], line["budget_to_date"],
             line["actual_to_date"], line["forecast"], line["variance"], RAG_LABELS[line["rag"]], line["method"]]
            for line in data["lines"]]
    money_table(sheet, top, headers, rows, money_from=4, total_columns=range(4, 9))
    sheet.freeze_panes = sheet.cell(top + 1, 3)
    widths(sheet, 6, 40, 12, 16, 16, 16, 16, 16, 8, 44)


def charts_sheet(sheet: Worksheet, data: dict, paper: dict) -> None:
    """The figures behind the paper's two charts, with the same charts drawn by the spreadsheet."""
    top = sheet_title(sheet, "Charts", paper)
    sheet.cell(top, 1, "Cumulative spend against budget by month").font = BOLD
    months = [[f"M{point['month']:02d}", point["budget"], point["actual"], point["forecast"]]
              for point in data["months"]]
    table_top = top + 1
    after = money_table(sheet, table_top, ["Month", "Budget to date", "Actual to date", "Forecast"], months,
                        money_from=2, total_label=None)
    line = LineChart()
    line.title = "Cumulative spend against budget"
    line.y_axis.title = "£"
    line.y_axis.numFmt = GBP_AXIS_FORMAT
    line.add_data(Reference(sheet, min_col=2, max_col=4, min_row=table_top, max_row=after - 1), titles_from_data=True)
    line.set_categories(Reference(sheet, min_col=1, min_row=table_top + 1, max_row=after - 1))
    line.width, line.height = 18, 9
    sheet.add_chart(line, f"F{table_top}")

    bars_top = max(after + 1, table_top + 20)
    sheet.cell(bars_top, 1, "Forecast variance by schedule: overspend, (underspend)").font = BOLD
    rows = [[bar["label"], bar["variance"], RAG_LABELS[bar["rag"]]] for bar in data["bars"]]
    end = money_table(sheet, bars_top + 1, ["Schedule", "Variance", "RAG"], rows, money_from=2,
                      total_columns=[2])
    bar = BarChart()
    bar.type = "bar"
    bar.title = "Forecast variance by schedule"
    bar.legend = None
    bar.x_axis.numFmt = GBP_AXIS_FORMAT
    bar.add_data(Reference(sheet, min_col=2, min_row=bars_top + 1, max_row=end - 2), titles_from_data=True)
    bar.set_categories(Reference(sheet, min_col=1, min_row=bars_top + 2, max_row=end - 2))
    bar.width, bar.height = 18, 9
    sheet.add_chart(bar, f"F{bars_top + 1}")
    widths(sheet, 40, 16, 16, 16)


def contributions_sheet(sheet: Worksheet, data: dict, paper: dict) -> None:
    top = sheet_title(sheet, "Partner contributions", paper)
    sheet.cell(top, 1, f"Planned contributions for {paper['quarter']['year_label']}, by schedule").font = BOLD
    partners = data["partners"]
    headers = ["No.", "Schedule", "Funding", *partners, "Total"]
    total_column = len(headers)
    first = top + 2
    rows = []
    for index, schedule in enumerate(data["schedules"]):
        row_number = first + index
        span = f"{get_column_letter(4)}{row_number}:{get_column_letter(total_column - 1)}{row_number}"
        rows.append([schedule["number"], schedule["title"], schedule["funding_type"], *schedule["amounts"],
                     Formula(f"=SUM({span})")])
    after = money_table(sheet, top + 1, headers, rows, money_from=4)
    for row in sheet.iter_rows(min_row=first, max_row=after - 2, min_col=total_column, max_col=total_column):
        row[0].number_format = GBP_FORMAT

    payments_top = after + 1
    sheet.cell(payments_top, 1, f"Payments to {paper['quarter']['ends_on_text']}").font = BOLD
    payments = [["", payment["partner"], "", payment["planned"], payment["due"], payment["received"],
                 payment["outstanding"]] for payment in data["payments"]]
    money_table(sheet, payments_top + 1, ["", "Partner", "", "Planned for the year", "Instalments due to date",
                                          "Received to date", "Due, not yet received"],
                payments, money_from=4)
    widths(sheet, 6, 40, 12, *([20] * max(len(partners) + 1, 4)))


def risk_share_sheet(sheet: Worksheet, data: dict, paper: dict) -> None:
    top = sheet_title(sheet, "Risk-share projection", paper)
    rows = [[partner["partner"], partner["contributions"], partner["share_of_variance"], partner["share_of_spend"]]
            for partner in data["partners"]]
    after = money_table(sheet, top, ["Partner", "Contributions", "Share of forecast variance",
                                     "Projected share of spend"], rows, money_from=2)
    notes = [("Overspends", data["overspend_rule"]), ("Underspends", data["underspend_rule"]),
             ("Offset first", "Yes" if data["offset_first"] else "No")]
    for offset, (label, text) in enumerate(notes, start=1):
        sheet.cell(after + offset, 1, label).font = BOLD
        put(sheet.cell(after + offset, 2), text)
    _label_value(sheet, after + len(notes) + 1, "Contingency reserve", pounds(data["contingency_reserve"]))
    sheet.cell(after + len(notes) + 1, 1).font = BOLD
    widths(sheet, 48, 20, 20, 20)


def consent_sheet(sheet: Worksheet, data: dict, paper: dict) -> None:
    top = sheet_title(sheet, "Prior agreement and recovery plans", paper)
    rows = [[partner["partner"], "Yes" if partner["bound"] else "No", partner["state"] or "not bound",
             partner["excess"], partner["consent_up_to"], partner["planned_savings"], partner["still_to_find"]]
            for partner in data["partners"]]
    after = money_table(sheet, top, ["Partner", "Prior agreement needed", "State",
                                     "Projected share of spend above contributions, (below)", "Consent given up to",
                                     "Recovery plan savings", "Still to find"], rows, money_from=4,
                        total_label=None)
    actions = [[partner["partner"], action["description"], action["saving"], action["owner"],
                date.fromisoformat(action["due_on"]), action["status"]]
               for partner in data["partners"] for action in partner["actions"]]
    sheet.cell(after + 1, 1, "Recovery plan actions").font = BOLD
    money_table(sheet, after + 2, ["Partner", "Action", "Saving", "Owner", "Due by", "Status"], actions,
                money_from=3, total_columns=[3])
    for row in sheet.iter_rows(min_row=after + 3, min_col=5, max_col=5):
        row[0].number_format = DATE_FORMAT
    widths(sheet, 44, 44, 24, 22, 20, 20, 20)


def commentary_sheet(sheet: Worksheet, data: dict, paper: dict) -> None:
    row = sheet_title(sheet, "Commentary", paper)
    sheet.cell(row, 1, f"The pooled fund manager's commentary{' on ' + data['period'] if data['period'] else ''}")
    sheet.cell(row, 1).font = BOLD
    put(sheet.cell(row + 1, 1), data["text"] or "No commentary was recorded for the quarter.").alignment = WRAP
    row += 3
    for schedule in data["schedules"]:
        put(sheet.cell(row, 1), f"{schedule['number']}. {schedule['title']}").font = BOLD
        put(sheet.cell(row + 1, 1), schedule["text"]).alignment = WRAP
        row += 3
    widths(sheet, 110)


def memorandum_sheet(sheet: Worksheet, data: dict, paper: dict) -> None:
    top = sheet_title(sheet, "Memorandum income and expenditure account", paper)
    sheet.cell(top, 1, f"For the year ended {paper['quarter']['ends_on_text']}").font = BOLD
    income_rows = [["", line["partner"], line["amount"]] for line in data["income"]]
    after_income = money_table(sheet, top + 1, ["Income", "Partner contributions", "£"], income_rows, money_from=3,
                               total_label="Total income")
    spend_rows = [[line["number"], line["title"], line["amount"]] for line in data["expenditure"]]
    after_spend = money_table(sheet, after_income + 1, ["Expenditure", "Pooled schedule", "£"], spend_rows,
                              money_from=3, total_label="Total expenditure")
    result = sheet.cell(after_spend + 1, 1, "Surplus, (deficit) for the year")
    result.font = BOLD
    cell = put(sheet.cell(after_spend + 1, 3), Formula(f"=C{after_income - 1}-C{after_spend - 1}"))
    cell.number_format, cell.font, cell.border = GBP_FORMAT, BOLD, TOTAL_BORDER
    sheet.cell(after_spend + 3, 1, "Contributions received in cash in the year")
    sheet.cell(after_spend + 3, 3, pounds(data["received"])).number_format = GBP_FORMAT
    if data["outside_pool"]:
        rows = [[line["number"], f"{line['title']} ({line['funding_type'].lower()})", line["amount"]]
                for line in data["outside_pool"]]
        money_table(sheet, after_spend + 5, ["Outside the pool", "Schedule", "Spend"], rows, money_from=3,
                    total_label=None)
    widths(sheet, 18, 48, 18)


SETTLEMENT_SOURCES = {
    "final": "the final settlement run, version {version}, approved by every partner",
    "draft": "draft settlement run version {version}, not yet approved by every partner",
    "preview": "a preview from the ledger: no settlement run has been computed for the year",
}


def settlement_sheet(sheet: Worksheet, data: dict, paper: dict) -> None:
    top = sheet_title(sheet, "Year-end settlement statement", paper)
    if data["source"] == "unavailable":
        sheet.cell(top, 1, f"No settlement: {data['reason']}")
        widths(sheet, 100)
        return
    sheet.cell(top, 1, "From " + SETTLEMENT_SOURCES[data["source"]].format(version=data.get("version")))
    results = data["results"]
    rows = [[partner["name"], partner["contributions"], partner["received"], partner["overspend_share"],
             partner["underspend_share"], partner["carried_forward"], partner["final_share_of_spend"],
             partner["net_payment"], capfirst(payment_words(partner))] for partner in results["partners"]]
    after = money_table(sheet, top + 2, ["Partner", "Contributions", "Received", "Share of overspends",
                                         "Share of underspends", "Carried forward", "Final share of spend",
                                         "Net payment (in brackets: paid to the host)", "Payment"], rows,
                        money_from=2, total_columns=range(2, 9))
    for offset, (label, pence) in enumerate((("Contingency reserve used", results["reserve_used"]),
                                             ("Unfunded overspend", results["unfunded_overspend"])), start=1):
        _label_value(sheet, after + offset, label, pounds(pence))
    payments = [[payment["payer_name"], payment["payee_name"], payment["amount"]] for payment in results["payments"]]
    money_table(sheet, after + 4, ["Payer", "Payee", "Amount"], payments, money_from=3, total_label=None)
    host_row = after + 5 + len(payments)
    for partner in results["partners"]:
        if partner["is_host"]:
            put(sheet.cell(host_row, 1), f"{capfirst(host_position_words(partner))}.")
    widths(sheet, 44, 18, 18, 18, 18, 18, 18, 18, 36)
