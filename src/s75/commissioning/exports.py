"""A partner's recharge statement and an agreement's packages as Excel workbooks: money as exact pounds and every
text cell written through ``core.exports`` (``table_workbook``), which keeps text that looks like a formula as
text."""

from datetime import date
from decimal import Decimal

from openpyxl import Workbook

from s75.core.exports import pounds, table_workbook
from s75.core.money import format_gbp

from .models import RateUnit
from .selectors import Statement, package_figures

UNIT_WORDS = {RateUnit.HOUR: "hour", RateUnit.WEEK: "week", RateUnit.NIGHT: "night", RateUnit.BAND: "week (band)"}


def _percent(basis_points: int) -> Decimal:
    return Decimal(basis_points) / 100


def statement_workbook(*, statement: Statement) -> Workbook:
    """A line per package version and month, its days, rate and the partner's share; the charged total last."""
    headers = ["Package", "Contract", "Provider", "Month of care", "From", "To", "Days", "Unit", "Rate",
               "Units a week", "Share %", "Amount", "Status"]
    rows = [[line.package.reference, line.package.contract.reference, line.package.contract.provider.name,
             line.cost_month.label, line.first, line.last, line.days, UNIT_WORDS[line.package.unit],
             pounds(line.pence_per_unit), line.units_per_week, _percent(line.share_basis_points),
             pounds(line.amount_pence), line.status or "charged"] for line in statement.lines]
    held_back = format_gbp(statement.disputed_pence, show_pence=True)
    totals = ["Total recharged", "", "", statement.month.label, "", "", "", "", "", "", "",
              pounds(statement.total_pence), f"disputed, held back: {held_back}"]
    return table_workbook(title=f"Recharge {statement.month.year.label} M{statement.month.month:02d}",
                          headers=headers, rows=rows, money_columns=(9, 12), totals=totals)


def packages_workbook(*, packages, as_at: date) -> Workbook:
    """A row per package: its contract, current terms, funding, and its cost to date and to the year's end."""
    headers = ["Package", "Contract", "Provider", "Schedule", "Unit", "Rate", "Units a week", "From", "Ends",
               "End reason", "Funded by", "Cost to date", "Committed to year end"]
    rows = []
    for package in packages:
        versions = list(package.versions.all())
        current = next((version for version in reversed(versions) if version.effective_from <= as_at), versions[0])
        figures = package_figures(package=package, as_at=as_at)
        funded = "; ".join(f"{share.party.name_in_agreement} {_percent(share.share_basis_points)}%"
                           for share in package.funding.all())
        rows.append([package.reference, package.contract.reference, package.contract.provider.name,
                     package.contract.schedule.title, UNIT_WORDS[package.unit], pounds(current.pence_per_unit),
                     current.units_per_week, versions[0].effective_from, package.end_date,
                     package.get_end_reason_display(), funded, pounds(figures.to_date_pence),
                     pounds(figures.to_year_end_pence)])
    return table_workbook(title="Packages", headers=headers, rows=rows, money_columns=(6, 12, 13))
