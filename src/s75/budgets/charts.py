"""The instalments page's chart: for each partner, what it is to pay in a year's instalments against what has been
received, drawn by ``s75.core.charts`` from ``selectors.instalments_by_year``; the table beside it has the same
figures."""

from django.utils.safestring import SafeString

from s75.core.charts import BarRow, Segment, bar_chart
from s75.core.money import format_gbp

from .selectors import InstalmentYear

PLANNED = "#505a5f"
RECEIVED = "#00703c"


def instalments_chart_rows(year: InstalmentYear) -> list[BarRow]:
    """Under each partner's name, a bar of its planned contributions (an outline) and one of what it has paid."""
    rows = []
    for schedule in year.schedules:
        name = str(schedule.party)
        planned = format_gbp(schedule.amount_pence, show_pence=True)
        received = format_gbp(schedule.received_pence, show_pence=True)
        rows += [
            BarRow("Planned", planned, (Segment(schedule.amount_pence, PLANNED, f"{name}, planned: {planned}",
                                                outline=True),), heading=name),
            BarRow("Received", received, (Segment(schedule.received_pence, RECEIVED,
                                                  f"{name}, received: {received}"),)),
        ]
    return rows


def instalments_chart(year: InstalmentYear) -> SafeString:
    received = "; ".join(
        f"{schedule.party} {format_gbp(schedule.received_pence, show_pence=True)} of "
        f"{format_gbp(schedule.amount_pence, show_pence=True)}" for schedule in year.schedules
    )
    return bar_chart(
        chart_id=f"instalments-chart-{year.year.label}", rows=instalments_chart_rows(year),
        title=f"Contributions planned and received by partner, {year.year.label}",
        description=(
            f"For each partner, a bar of its {year.year.label} instalments (an outline) and one of what it has paid "
            f"against them, on one scale. Received: {received}. The table beside the chart has the figures."
        ),
    )
