"""The monitoring dashboard's charts, drawn on the server as inline SVG (with ``s75.core.charts``), so they need
no JavaScript.

Each chart is an image to assistive technology (``role="img"``, named by its ``<title>`` and described by its
``<desc>``), and the page shows the same figures in a table. Lines and bars differ by shape and pattern as well as
colour. Positions are worked out exactly from pence (fractions, written to a tenth of a pixel): no float touches
money here either.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from s75.core.charts import GRID, SECONDARY_TEXT, TEXT, Scale, px, svg_open
from s75.core.fiscal import MONTH_NAMES
from s75.core.money import format_finance, format_short

from .selectors import MonthPoint

BUDGET = "#505a5f"
ACTUAL = "#1d70b8"
FORECAST = "#d4351c"
# Amber is darker than GOV.UK's orange tag, whose #f47738 has less than 3:1 contrast with the page.
RAG_FILL = {"green": "#00703c", "amber": "#c4510a", "red": "#d4351c"}
LABEL_CHARACTERS = 38


# Cumulative budget, actual and forecast by month -------------------------------------------------------------------

LINE_WIDTH, LINE_HEIGHT = 900, 380
LINE_LEFT, LINE_RIGHT, LINE_TOP, LINE_BOTTOM = 84, 24, 56, 48


def cumulative_chart(*, chart_id: str, points: Sequence[MonthPoint], title: str, description: str) -> SafeString:
    """Lines of the cumulative budget (dashed grey), actual (solid blue, round markers) and forecast (dotted red,
    square markers) at each month's end."""
    values = [value for point in points for value in (point.budget, point.actual, point.forecast) if value is not None]
    y = Scale.nice(values or [0], LINE_HEIGHT - LINE_BOTTOM, LINE_TOP)
    plot_width = LINE_WIDTH - LINE_LEFT - LINE_RIGHT

    def x(month: int) -> Fraction:
        return LINE_LEFT + Fraction((month - 1) * plot_width, 11)

    grid = format_html_join(
        "", '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="{}"/>'
            '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" fill="{}">{}</text>',
        ((LINE_LEFT, LINE_WIDTH - LINE_RIGHT, px(y.at(tick)), px(y.at(tick)), TEXT if tick == 0 else GRID,
          2 if tick == 0 else 1, LINE_LEFT - 8, px(y.at(tick)), SECONDARY_TEXT, format_short(tick))
         for tick in y.ticks),
    )
    months = format_html_join(
        "", '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}<tspan x="{}" dy="16" font-size="12">M{}</tspan>'
            '</text>',
        ((px(x(point.month)), LINE_HEIGHT - LINE_BOTTOM + 20, SECONDARY_TEXT, MONTH_NAMES[point.month - 1],
          px(x(point.month)), f"{point.month:02d}") for point in points),
    )

    def series(attribute: str, colour: str, dash: str, marker: str) -> SafeString:
        placed = [(x(point.month), y.at(getattr(point, attribute))) for point in points
                  if getattr(point, attribute) is not None]
        if not placed:
            return mark_safe("")
        path = " ".join(f"{'M' if index == 0 else 'L'}{px(left)} {px(top)}" for index, (left, top) in enumerate(placed))
        line = format_html('<path d="{}" fill="none" stroke="{}" stroke-width="3" stroke-dasharray="{}" '
                           'stroke-linejoin="round"/>', path, colour, dash)
        return line + _markers(placed, colour, marker)

    legend = _legend([("Budget to date", BUDGET, "8 5", ""), ("Actual to date", ACTUAL, "none", "circle"),
                      ("Forecast", FORECAST, "3 4", "square")])
    return (
        svg_open(chart_id, LINE_WIDTH, LINE_HEIGHT, title, description) + legend + grid + months
        + series("budget", BUDGET, "8 5", "") + series("actual", ACTUAL, "none", "circle")
        + series("forecast", FORECAST, "3 4", "square") + mark_safe("</svg>")
    )


def _markers(placed: list[tuple[Fraction, Fraction]], colour: str, marker: str) -> SafeString:
    if marker == "circle":
        return format_html_join("", '<circle cx="{}" cy="{}" r="4.5" fill="{}"/>',
                                ((px(left), px(top), colour) for left, top in placed))
    if marker == "square":
        return format_html_join("", '<rect x="{}" y="{}" width="9" height="9" fill="#fff" stroke="{}" '
                                    'stroke-width="2.5"/>',
                                ((px(left - Fraction(9, 2)), px(top - Fraction(9, 2)), colour) for left, top in placed))
    return mark_safe("")


def _legend(items: list[tuple[str, str, str, str]]) -> SafeString:
    parts, left = [], LINE_LEFT
    for label, colour, dash, marker in items:
        parts.append(format_html('<line x1="{}" x2="{}" y1="20" y2="20" stroke="{}" stroke-width="3" '
                                 'stroke-dasharray="{}"/>', left, left + 36, colour, dash))
        parts.append(_markers([(Fraction(left + 18), Fraction(20))], colour, marker))
        parts.append(format_html('<text x="{}" y="20" dominant-baseline="middle">{}</text>', left + 44, label))
        left += 44 + 9 * len(label) + 28
    return mark_safe("".join(parts))


# Variance by schedule ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VarianceBar:
    label: str
    variance: int
    rag: str


BAR_WIDTH = 900
BAR_LABELS, BAR_VALUES, BAR_TOP, BAR_BOTTOM, BAR_ROW = 330, 120, 44, 36, 38


def variance_chart(*, chart_id: str, bars: Sequence[VarianceBar], title: str, description: str) -> SafeString:
    """A horizontal bar per schedule from zero: overspends to the right, underspends to the left, each coloured by
    its RAG status and its amount written at the end of the row, ``(1,234)`` for an underspend."""
    height = BAR_TOP + BAR_ROW * max(len(bars), 1) + BAR_BOTTOM
    x = Scale.nice([bar.variance for bar in bars] or [0], BAR_LABELS, BAR_WIDTH - BAR_VALUES)
    zero = px(x.at(0))
    axis_bottom = height - BAR_BOTTOM
    grid = format_html_join(
        "", '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
            '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
        ((px(x.at(tick)), px(x.at(tick)), BAR_TOP - 6, axis_bottom, GRID, px(x.at(tick)), axis_bottom + 22,
          SECONDARY_TEXT, format_short(tick)) for tick in x.ticks),
    )
    rows = []
    for index, bar in enumerate(bars):
        top = BAR_TOP + index * BAR_ROW
        middle = top + BAR_ROW // 2
        left, right = sorted((x.at(0), x.at(bar.variance)))
        label = bar.label if len(bar.label) <= LABEL_CHARACTERS else bar.label[:LABEL_CHARACTERS - 1] + "…"
        rows.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="22" fill="{}"/>'
            '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" font-weight="bold">{}</text>',
            BAR_LABELS - 10, middle, label,
            px(left), middle - 11, px(max(right - left, Fraction(1, 2)) if bar.variance else 0),
            RAG_FILL.get(bar.rag, GRID),
            BAR_WIDTH - 4, middle, format_finance(bar.variance),
        ))
    key = format_html(
        '<text x="{}" y="18" text-anchor="end" fill="{}">← Underspend</text>'
        '<text x="{}" y="18" fill="{}">Overspend →</text>'
        '<text x="{}" y="18" text-anchor="end" fill="{}">£</text>',
        px(x.at(0) - 8), SECONDARY_TEXT, px(x.at(0) + 8), SECONDARY_TEXT, BAR_WIDTH - 4, SECONDARY_TEXT,
    )
    axis = format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2"/>',
                       zero, zero, BAR_TOP - 6, axis_bottom, TEXT)
    return (svg_open(chart_id, BAR_WIDTH, height, title, description) + key + grid + mark_safe("".join(rows))
            + axis + mark_safe("</svg>"))
