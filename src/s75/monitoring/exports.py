"""The monitoring dashboard's tables as Excel workbooks: the figures of the
monitoring report as exact pounds (``core.exports``), with the words the dashboard uses for methods and RAG."""

from openpyxl import Workbook

from s75.core.exports import pounds, table_workbook
from s75.core.fiscal import MONTH_NAMES

from .models import ForecastMethod
from .selectors import MonitoringReport, monitoring_trend, recovery_positions

METHOD_LABELS = {
    ForecastMethod.MANUAL: "Manager's figure",
    ForecastMethod.RUN_RATE: "Run rate",
    ForecastMethod.PROFILE: "Profile",
    ForecastMethod.COMMITMENTS: "Commitments",
}
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}
SCHEDULE_AMOUNTS = ("annual_budget", "budget_to_date", "actual_to_date", "forecast")


def method_label(method: str) -> str:
    return METHOD_LABELS.get(method, method)


def schedules_workbook(*, report: MonitoringReport) -> Workbook:
    """A row per schedule as at the report's month, and their totals."""
    headers = ["No.", "Schedule", "Funding", "Annual budget", "Budget to date", "Actual to date", "Forecast outturn",
               "Method", "Variance", "RAG", "Commentary"]
    rows = [[line.number, line.title, line.funding_type, *[pounds(getattr(line, name)) for name in SCHEDULE_AMOUNTS],
             method_label(line.method), pounds(line.variance), RAG_LABELS[line.rag], line.commentary]
            for line in report.schedules]
    totals = ["", "Total", "", *[pounds(report.total(name)) for name in SCHEDULE_AMOUNTS],
              "", pounds(report.total("variance")), "", ""]
    return table_workbook(title=f"Schedules {report.year.label} M{report.month:02d}", headers=headers, rows=rows,
                          money_columns=(4, 5, 6, 7, 9), totals=totals)


def partners_workbook(*, report: MonitoringReport) -> Workbook:
    """A row per partner: its contributions, its projected share of spend and excess, its consent, and the care the
    lead commissioners bought on its behalf to date and are committed to after the month to the year end."""
    headers = ["Partner", "Contributions", "Projected share of spend", "Projected excess", "Consent state",
               "Consent given up to", "Bought on its behalf to date", "Committed to the year end"]
    rows = [[line.party.name_in_agreement, pounds(line.contributions), pounds(line.projected_share_of_spend),
             pounds(line.projected_excess), line.consent_state or "not bound by a prior-agreement clause",
             None if line.consent_up_to is None else pounds(line.consent_up_to), pounds(line.bought_to_date),
             pounds(line.committed)] for line in report.partners]
    return table_workbook(title=f"Partners {report.year.label} M{report.month:02d}", headers=headers, rows=rows,
                          money_columns=(2, 3, 4, 6, 7, 8))


def purchases_workbook(*, report: MonitoringReport) -> Workbook:
    """A row per partner: the care the lead commissioners bought on its behalf in the year to the month, what they
    are committed to after it, and the two together; with their totals."""
    headers = ["Partner", "Bought on its behalf to date", "Committed to the year end", "The year in all"]
    rows = [[line.party.name_in_agreement, pounds(line.bought_to_date), pounds(line.committed),
             pounds(line.year_total)] for line in report.purchases]
    totals = ["Total", *[pounds(sum(getattr(line, name) for line in report.purchases))
                         for name in ("bought_to_date", "committed", "year_total")]]
    return table_workbook(title=f"Bought for partners {report.year.label} M{report.month:02d}", headers=headers,
                          rows=rows, money_columns=(2, 3, 4), totals=totals)


def months_workbook(*, report: MonitoringReport) -> Workbook:
    """The cumulative budget, actual and forecast by month; months after the report's have no actual."""
    headers = ["Month", "Budget to date", "Actual to date", "Forecast"]
    rows = [[f"M{point.month:02d} ({MONTH_NAMES[point.month - 1]})", pounds(point.budget),
             None if point.actual is None else pounds(point.actual),
             None if point.forecast is None else pounds(point.forecast)]
            for point in monitoring_trend(report=report)]
    return table_workbook(title=f"By month {report.year.label}", headers=headers, rows=rows, money_columns=(2, 3, 4))


def recovery_workbook(*, report: MonitoringReport) -> Workbook:
    """Every partner's recovery plan actions for the report's year."""
    headers = ["Partner", "Action", "Saving", "Owner", "Due by", "Status"]
    rows = [[str(position.line.party), action.description, pounds(action.saving_pence), action.owner,
             action.due_date, action.get_status_display()]
            for position in recovery_positions(report=report) for action in position.actions]
    return table_workbook(title=f"Recovery plans {report.year.label}", headers=headers, rows=rows,
                          money_columns=(3,))


WORKBOOKS = {
    "schedules": schedules_workbook,
    "partners": partners_workbook,
    "purchases": purchases_workbook,
    "months": months_workbook,
    "recovery": recovery_workbook,
}
