"""What the paper's templates need beyond the money filters: its two charts, drawn from the snapshot by the
monitoring dashboard's chart functions, and the forecast bases of the schedule table's footnote."""

from datetime import date

from django import template
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString

from s75.core.money import describe_variance, format_gbp
from s75.monitoring.charts import VarianceBar, cumulative_chart, variance_chart
from s75.monitoring.selectors import MonthPoint

register = template.Library()


@register.simple_tag
def cumulative_svg(data: dict, paper: dict) -> SafeString:
    points = [MonthPoint(point["month"], point["budget"], point["actual"], point["forecast"])
              for point in data["months"]]
    at_month, final = points[paper["quarter"]["month"] - 1], points[-1]
    return cumulative_chart(
        chart_id="report-cumulative", points=points,
        title=f"Cumulative spend against budget by month, {paper['quarter']['year_label']}",
        description=(f"At the end of {paper['quarter']['period']} the budget to date is {format_gbp(at_month.budget)} "
                     f"and the actual to date {format_gbp(at_month.actual or 0)}; the annual budget is "
                     f"{format_gbp(final.budget)} and the forecast outturn {format_gbp(final.forecast or 0)}."),
    )


@register.simple_tag
def variance_svg(data: dict, paper: dict) -> SafeString:
    bars = [VarianceBar(bar["label"], bar["variance"], bar["rag"]) for bar in data["bars"]]
    total = sum(bar.variance for bar in bars)
    return variance_chart(
        chart_id="report-variance", bars=bars, title=f"Forecast variance by schedule, {paper['quarter']['period']}",
        description=(f"A bar for each of the {len(bars)} schedules, to the right for a forecast overspend and to the "
                     f"left for an underspend; in all, {describe_variance(total)}."),
    )


@register.filter
def forecast_bases(lines: list[dict]) -> list[tuple[str, list[int]]]:
    """Each forecast method used, with the numbers of the schedules forecast by it, in the order first used."""
    bases: dict[str, list[int]] = {}
    for line in lines:
        bases.setdefault(line["method"], []).append(line["number"])
    return list(bases.items())


@register.filter
def iso_date(text: str) -> str:
    """A snapshot's ISO date as a paper writes it: ``31 January 2014``."""
    return date_format(date.fromisoformat(text), "j F Y")
