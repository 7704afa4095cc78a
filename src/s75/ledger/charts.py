"""The fund ledger page's chart: each month's expenditure as a bar, divided by schedule, drawn by
``s75.core.charts`` from ``selectors.expenditure_by_month``. The page's table of expenditure by schedule and month
holds the same figures."""

from collections.abc import Sequence

from django.utils.safestring import SafeString

from s75.agreements.models import Schedule
from s75.core.charts import BarRow, KeyItem, Segment, bar_chart, series_colour
from s75.core.fiscal import MONTH_NAMES, FinancialYear, month_label
from s75.core.money import format_gbp

SpendBySchedule = Sequence[tuple[Schedule, Sequence[int]]]  # a schedule with its spend in each month, in pence


def expenditure_chart_rows(spend: SpendBySchedule) -> list[BarRow]:
    """A row per month, its figure the month's total, its segments each schedule's spend in schedule order."""
    show_pence = any(amount % 100 for _, amounts in spend for amount in amounts)
    rows = []
    for month, name in enumerate(MONTH_NAMES):
        segments = tuple(
            Segment(amounts[month], series_colour(index),
                    f"{_schedule_label(schedule)}, {name}: {format_gbp(amounts[month], show_pence=show_pence)}")
            for index, (schedule, amounts) in enumerate(spend)
        )
        total = sum(segment.pence for segment in segments)
        rows.append(BarRow(f"{name} ({month_label(month + 1)})", format_gbp(total, show_pence=show_pence), segments))
    return rows


def expenditure_chart_key(spend: SpendBySchedule) -> list[KeyItem]:
    """Each schedule's colour in the chart, with its spend in the year."""
    return [KeyItem(_schedule_label(schedule), series_colour(index), sum(amounts))
            for index, (schedule, amounts) in enumerate(spend)]


def expenditure_chart(*, year: FinancialYear, spend: SpendBySchedule) -> SafeString:
    rows = expenditure_chart_rows(spend)
    show_pence = any(amount % 100 for _, amounts in spend for amount in amounts)
    highest = max(rows, key=lambda row: row.total_pence)
    lowest = min(rows, key=lambda row: row.total_pence)
    return bar_chart(
        chart_id="expenditure-chart", rows=rows,
        title=f"Expenditure by month and schedule, {year.label}",
        description=(
            f"A bar for each month of {year.label}, its length the month's expenditure, divided by schedule in the "
            f"colours of the key. The year's expenditure is "
            f"{format_gbp(sum(row.total_pence for row in rows), show_pence=show_pence)}; the highest month is "
            f"{highest.label}, {highest.figure}, and the lowest {lowest.label}, {lowest.figure}. The table of "
            f"expenditure by schedule and month has every figure."
        ),
    )


def _schedule_label(schedule: Schedule) -> str:
    return f"{schedule.number}. {schedule.title}"
