"""A metric's chart on the plan page: its planned figure and the actual reported, quarter by quarter, as the fund's
pages draw bars (``s75.core.charts``). Metrics are not money: their figures are drawn in hundredths, exactly."""

from decimal import Decimal

from django.utils.safestring import SafeString

from s75.core.charts import BarRow, Segment, bar_chart, series_colour

PLANNED, ACTUAL = series_colour(0), series_colour(1)


def metric_figure(value: Decimal | None) -> str:
    """``412.5``, ``1,204``: as few places as the figure needs; a dash when nothing is entered."""
    if value is None:
        return "—"
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _hundredths(value: Decimal) -> int:
    return int(value * 100)


def _tick(hundredths: int) -> str:
    return metric_figure(Decimal(hundredths) / 100)


def metric_chart(*, metric, values: list) -> SafeString:
    """Per quarter, the planned figure (an outline) and the actual (filled), with the metric's direction in the
    description."""
    rows = []
    for quarter, value in enumerate(values, start=1):
        planned, actual = (value.planned, value.actual) if value else (None, None)
        rows.append(BarRow("Planned", metric_figure(planned), heading=f"Quarter {quarter}", segments=(
            (Segment(_hundredths(planned), PLANNED, "Planned", outline=True),) if planned is not None else ())))
        state = "" if value is None or value.on_track is None else (
            ", on track" if value.on_track else ", not on track")
        rows.append(BarRow("Actual", metric_figure(actual) + state, segments=(
            (Segment(_hundredths(actual), ACTUAL, "Actual"),) if actual is not None else ())))
    direction = "lower is better" if metric.lower_is_better else "higher is better"
    return bar_chart(
        chart_id=f"metric-{metric.pk}", rows=rows, tick_label=_tick,
        title=f"{metric.name}: planned and actual by quarter",
        description=f"Bars of the planned figure (outlined) and the actual (filled) for each quarter; {direction}. "
                    "The table beside the chart gives the same figures.",
    )
