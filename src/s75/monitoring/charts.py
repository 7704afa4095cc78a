"""The monitoring dashboard's charts, drawn on the server as inline SVG, so they need no JavaScript.

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

from s75.core.fiscal import MONTH_NAMES
from s75.core.money import format_finance, format_short, round_half_away

from .selectors import MonthPoint

TEXT = "#0b0c0c"
SECONDARY_TEXT = "#505a5f"
GRID = "#b1b4b6"
BUDGET = "#505a5f"
ACTUAL = "#1d70b8"
FORECAST = "#d4351c"
RAG_FILL = {"green": "#00703c", "amber": "#f47738", "red": "#d4351c"}
STEPS = (1, 2, 5)  # tick steps are 1, 2 or 5 times a power of ten pounds
TARGET_TICKS = 5
LABEL_CHARACTERS = 38


def _px(value: Fraction | int) -> str:
    """A coordinate to a tenth of a pixel, as SVG text."""
    tenths = round_half_away(Fraction(value).numerator * 10, Fraction(value).denominator)
    whole, tenth = divmod(abs(tenths), 10)
    sign = "-" if tenths < 0 else ""
    return f"{sign}{whole}.{tenth}" if tenth else f"{sign}{whole}"


@dataclass(frozen=True)
class Scale:
    """A linear scale from pence to pixels over ``low``..``high``, both on a tick."""

    low: int
    high: int
    step: int
    start: int  # the pixel of ``low``
    end: int  # the pixel of ``high``

    @classmethod
    def nice(cls, values: Sequence[int], start: int, end: int) -> "Scale":
        low, high = min(0, *values), max(0, *values)
        step = _nice_step(max(high - low, 1))
        low, high = (low // step) * step, -(-high // step) * step
        if high == low:
            high = low + step
        return cls(low, high, step, start, end)

    def at(self, pence: int) -> Fraction:
        return self.start + Fraction((pence - self.low) * (self.end - self.start), self.high - self.low)

    @property
    def ticks(self) -> list[int]:
        return list(range(self.low, self.high + 1, self.step))


def _nice_step(span: int) -> int:
    power = 100  # £1
    while True:
        for multiple in STEPS:
            if span <= multiple * power * TARGET_TICKS:
                return multiple * power
        power *= 10


def _svg_open(chart_id: str, width: int, height: int, title: str, description: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="s75-chart" viewBox="0 0 {} {}" role="img" focusable="false" '
        'aria-labelledby="{}-title {}-desc" style="width: 100%; height: auto; max-width: {}px; display: block" '
        'font-family="GDS Transport, arial, sans-serif" font-size="14" fill="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        width, height, chart_id, chart_id, width, TEXT, chart_id, title, chart_id, description,
    )


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
        ((LINE_LEFT, LINE_WIDTH - LINE_RIGHT, _px(y.at(tick)), _px(y.at(tick)), TEXT if tick == 0 else GRID,
          2 if tick == 0 else 1, LINE_LEFT - 8, _px(y.at(tick)), SECONDARY_TEXT, format_short(tick))
         for tick in y.ticks),
    )
    months = format_html_join(
        "", '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}<tspan x="{}" dy="16" font-size="12">M{}</tspan>'
            '</text>',
        ((_px(x(point.month)), LINE_HEIGHT - LINE_BOTTOM + 20, SECONDARY_TEXT, MONTH_NAMES[point.month - 1],
          _px(x(point.month)), f"{point.month:02d}") for point in points),
    )

    def series(attribute: str, colour: str, dash: str, marker: str) -> SafeString:
        placed = [(x(point.month), y.at(getattr(point, attribute))) for point in points
                  if getattr(point, attribute) is not None]
        if not placed:
            return mark_safe("")
        path = " ".join(f"{'M' if index == 0 else 'L'}{_px(px)} {_px(py)}" for index, (px, py) in enumerate(placed))
        line = format_html('<path d="{}" fill="none" stroke="{}" stroke-width="3" stroke-dasharray="{}" '
                           'stroke-linejoin="round"/>', path, colour, dash)
        return line + _markers(placed, colour, marker)

    legend = _legend([("Budget to date", BUDGET, "8 5", ""), ("Actual to date", ACTUAL, "none", "circle"),
                      ("Forecast", FORECAST, "3 4", "square")])
    return (
        _svg_open(chart_id, LINE_WIDTH, LINE_HEIGHT, title, description) + legend + grid + months
        + series("budget", BUDGET, "8 5", "") + series("actual", ACTUAL, "none", "circle")
        + series("forecast", FORECAST, "3 4", "square") + mark_safe("</svg>")
    )


def _markers(placed: list[tuple[Fraction, Fraction]], colour: str, marker: str) -> SafeString:
    if marker == "circle":
        return format_html_join("", '<circle cx="{}" cy="{}" r="4.5" fill="{}"/>',
                                ((_px(px), _px(py), colour) for px, py in placed))
    if marker == "square":
        return format_html_join("", '<rect x="{}" y="{}" width="9" height="9" fill="#fff" stroke="{}" '
                                    'stroke-width="2.5"/>',
                                ((_px(px - Fraction(9, 2)), _px(py - Fraction(9, 2)), colour) for px, py in placed))
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
    zero = _px(x.at(0))
    axis_bottom = height - BAR_BOTTOM
    grid = format_html_join(
        "", '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
            '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
        ((_px(x.at(tick)), _px(x.at(tick)), BAR_TOP - 6, axis_bottom, GRID, _px(x.at(tick)), axis_bottom + 22,
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
            _px(left), middle - 11, _px(max(right - left, Fraction(1, 2)) if bar.variance else 0),
            RAG_FILL.get(bar.rag, GRID),
            BAR_WIDTH - 4, middle, format_finance(bar.variance),
        ))
    key = format_html(
        '<text x="{}" y="18" text-anchor="end" fill="{}">← Underspend</text>'
        '<text x="{}" y="18" fill="{}">Overspend →</text>'
        '<text x="{}" y="18" text-anchor="end" fill="{}">£</text>',
        _px(x.at(0) - 8), SECONDARY_TEXT, _px(x.at(0) + 8), SECONDARY_TEXT, BAR_WIDTH - 4, SECONDARY_TEXT,
    )
    axis = format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2"/>',
                       zero, zero, BAR_TOP - 6, axis_bottom, TEXT)
    return (_svg_open(chart_id, BAR_WIDTH, height, title, description) + key + grid + mark_safe("".join(rows))
            + axis + mark_safe("</svg>"))
