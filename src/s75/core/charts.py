"""Charts drawn on the server as inline SVG, so that they need no JavaScript: the parts every chart shares (colours,
scales, axis labels, the accessible ``<svg>`` element) and the horizontal bar chart of the fund's pages.

Each chart is an image to assistive technology (``role="img"``, named by its ``<title>`` and described by its
``<desc>``); the page shows the same figures in a table beside it. Every colour has at least 3:1 contrast with the
white page (WCAG 1.4.11), and a bar is named by the text above it, never by its colour alone. Positions are worked
out exactly from pence (fractions, written to a tenth): no float touches money here either.

The bar chart has no ``viewBox``: its bars are drawn in percentages of the chart's width and its text in pixels, so
that on a 390-pixel phone the bars narrow and the text keeps its size, instead of the whole picture shrinking.
"""

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from s75.core.money import format_short, round_half_away

TEXT = "#0b0c0c"
SECONDARY_TEXT = "#505a5f"
GRID = "#b1b4b6"
WHITE = "#ffffff"
# A series' colours in turn, dark and light alternating so that neighbouring segments of a stacked bar stand apart;
# each has at least 3:1 contrast with white.
SERIES_COLOURS = ("#1d70b8", "#b58840", "#4c2c92", "#28a197", "#d53880", "#003078", "#85994b", "#912b88",
                  "#505a5f", "#5694ca")
FONT = "GDS Transport, arial, sans-serif"
STEPS = (1, 2, 5)  # tick steps are 1, 2 or 5 times a power of ten pounds
TARGET_TICKS = 5


def series_colour(index: int) -> str:
    """The colour of the ``index``-th series (a schedule, a partner), cycling through ``SERIES_COLOURS``."""
    return SERIES_COLOURS[index % len(SERIES_COLOURS)]


def px(value: Fraction | int) -> str:
    """A coordinate to a tenth, as SVG text."""
    tenths = round_half_away(Fraction(value).numerator * 10, Fraction(value).denominator)
    whole, tenth = divmod(abs(tenths), 10)
    sign = "-" if tenths < 0 else ""
    return f"{sign}{whole}.{tenth}" if tenth else f"{sign}{whole}"


@dataclass(frozen=True)
class Scale:
    """A linear scale from pence to drawing units over ``low``..``high``, both on a tick."""

    low: int
    high: int
    step: int
    start: int  # the position of ``low``
    end: int  # the position of ``high``

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


def svg_open(chart_id: str, width: int, height: int, title: str, description: str) -> SafeString:
    """The opening of a chart drawn to a fixed ``viewBox`` that scales to its column, with its title and
    description."""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="s75-chart s75-chart--scaled" viewBox="0 0 {} {}" role="img" '
        'focusable="false" aria-labelledby="{}-title {}-desc" width="{}" font-family="{}" font-size="14" fill="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        width, height, chart_id, chart_id, width, FONT, TEXT, chart_id, title, chart_id, description,
    )


# Horizontal bars --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Segment:
    """A part of a bar: its amount, its colour, and whether it is drawn as an outline (a plan, a budget) rather
    than filled (money that has moved). ``name`` is shown when the pointer rests on it."""

    pence: int
    colour: str
    name: str = ""
    outline: bool = False


@dataclass(frozen=True)
class BarRow:
    """A row of the chart: an optional ``heading`` above it (a partner's name, starting a group of rows), its label
    and figure on a line, and its bar below, stacked from zero (positive segments to the right, negative to the
    left). A row without segments is a line of text only."""

    label: str
    figure: str
    segments: tuple[Segment, ...] = ()
    heading: str = ""

    @property
    def total_pence(self) -> int:
        return sum(segment.pence for segment in self.segments)


@dataclass(frozen=True)
class KeyItem:
    """A line of a chart's key, shown beside it as a table: what a colour stands for and its figure."""

    label: str
    colour: str
    pence: int


HEADING_CHARACTERS = 40  # a heading wraps at this length, to fit a 390-pixel phone in 14-pixel bold type
LINE, BAR, GAP, HEADING_GAP, AXIS = 20, 16, 12, 16, 24
INSET = 6  # labels start clear of the zero line
# A white edge round a label, so that a gridline behind it does not cross its letters.
HALO = mark_safe('stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"')


def bar_chart(*, chart_id: str, rows: Sequence[BarRow], title: str, description: str,
              tick_label: Callable[[int], str] = format_short) -> SafeString:
    """Rows of horizontal bars on one scale, each under its label and figure, with the scale's gridlines and its
    amounts under the last row (``tick_label`` writes them: money by default; a chart of other figures, drawn in
    hundredths, says how)."""
    ends = [end for row in rows for end in _stack_ends(row.segments)]
    x = Scale.nice(ends or [0], 0, 100)
    parts, y = [], 4
    for index, row in enumerate(rows):
        if row.heading:
            y += HEADING_GAP if index else 0
            for line in textwrap.wrap(row.heading, HEADING_CHARACTERS):
                parts.append(format_html('<text x="0" dx="{}" y="{}" font-weight="bold" {}>{}</text>',
                                         INSET, y + 15, HALO, line))
                y += LINE
        parts.append(format_html(
            '<text x="0" dx="{}" y="{}" {}>{}</text>'
            '<text x="100%" y="{}" text-anchor="end" font-weight="bold" {}>{}</text>',
            INSET, y + 15, HALO, row.label, y + 15, HALO, row.figure,
        ))
        y += LINE + 2
        if row.segments:
            parts.append(_bar(row.segments, x, y))
            y += BAR + GAP
    bottom = y
    grid = format_html_join(
        "", '<line x1="{}%" x2="{}%" y1="0" y2="{}" stroke="{}" stroke-width="{}"/>'
            '<text x="{}%" y="{}" text-anchor="{}" fill="{}">{}</text>',
        ((px(x.at(tick)), px(x.at(tick)), bottom, TEXT if tick == 0 else GRID, 2 if tick == 0 else 1,
          px(x.at(tick)), bottom + 17, "start" if tick == x.low else "end" if tick == x.high else "middle",
          SECONDARY_TEXT, tick_label(tick)) for tick in x.ticks),
    )
    return (
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="s75-chart s75-chart--bars" width="100%" height="{}" '
            # visible: the half of an outline's stroke that lies beyond 0% or 100% is not cut off
            'overflow="visible" role="img" focusable="false" aria-labelledby="{}-title {}-desc" font-family="{}" '
            'font-size="14" fill="{}"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
            bottom + AXIS, chart_id, chart_id, FONT, TEXT, chart_id, title, chart_id, description,
        )
        + grid + mark_safe("".join(parts)) + mark_safe("</svg>")
    )


def _stack_ends(segments: Sequence[Segment]) -> list[int]:
    """Where a stacked bar reaches on either side of zero."""
    return [sum(s.pence for s in segments if s.pence > 0), sum(s.pence for s in segments if s.pence < 0)]


def _bar(segments: Sequence[Segment], x: Scale, top: int) -> SafeString:
    rects, ahead, behind = [], 0, 0
    for segment in segments:
        if segment.pence >= 0:
            start, ahead = ahead, ahead + segment.pence
            left, right = x.at(start), x.at(ahead)
        else:
            start, behind = behind, behind + segment.pence
            left, right = x.at(behind), x.at(start)
        if right == left:
            continue
        outline = format_html(' stroke="{}" stroke-width="2"', segment.colour) if segment.outline else format_html(
            ' stroke="{}" stroke-width="1"', WHITE) if len(segments) > 1 else ""
        rects.append(format_html(
            '<rect x="{}%" y="{}" width="{}%" height="{}" fill="{}"{}>{}</rect>',
            px(left), top + (1 if segment.outline else 0), px(right - left), BAR - (2 if segment.outline else 0),
            WHITE if segment.outline else segment.colour, outline,
            format_html("<title>{}</title>", segment.name) if segment.name else "",
        ))
    return mark_safe("".join(rects))
