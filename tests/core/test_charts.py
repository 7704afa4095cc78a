"""The shared drawing of charts: axis labels, scales and the horizontal bar chart's accessible SVG."""

from xml.etree import ElementTree

from s75.core.charts import BarRow, Scale, Segment, bar_chart, series_colour

SVG = "{http://www.w3.org/2000/svg}"


def _drawn(**kwargs) -> ElementTree.Element:
    return ElementTree.fromstring(str(bar_chart(chart_id="test", title="Spend", description="What it shows", **kwargs)))


def test_a_scale_runs_from_tick_to_tick_and_takes_in_zero():
    scale = Scale.nice([3_102_500_00, 3_558_481_55], 0, 100)
    assert (scale.low, scale.high, scale.step) == (0, 4_000_000_00, 1_000_000_00)
    assert scale.at(2_000_000_00) == 50


def test_the_chart_is_an_image_named_by_its_title_and_described():
    svg = _drawn(rows=[BarRow("April", "£100", (Segment(100_00, series_colour(0)),))])
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "test-title test-desc"
    assert svg.find(f"{SVG}title").get("id") == "test-title" and svg.find(f"{SVG}title").text == "Spend"
    assert svg.find(f"{SVG}desc").get("id") == "test-desc" and svg.find(f"{SVG}desc").text == "What it shows"
    # Drawn in percentages of its width, with no viewBox, so that its text keeps its size on a phone.
    assert svg.get("width") == "100%" and svg.get("viewBox") is None


def test_bars_are_drawn_to_scale_and_labelled_with_their_figures():
    svg = _drawn(rows=[
        BarRow("Planned", "£100", (Segment(100_00, "#505a5f", "planned", outline=True),), heading="A partner"),
        BarRow("Received", "£50", (Segment(50_00, "#00703c", "received"),)),
        BarRow("Settlement", "Pays the host £50"),
    ])
    bars = [(rect.get("x"), rect.get("width"), rect.findtext(f"{SVG}title")) for rect in svg.iter(f"{SVG}rect")]
    assert bars == [("0%", "100%", "planned"), ("0%", "50%", "received")]
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    for words in ("A partner", "Planned", "£100", "Received", "£50", "Settlement", "Pays the host £50"):
        assert words in texts


def test_a_stacked_bar_puts_its_negative_parts_left_of_zero():
    svg = _drawn(rows=[BarRow("March", "£40", (Segment(30_00, "#1d70b8"), Segment(-20_00, "#b58840"),
                                                Segment(30_00, "#4c2c92")))])
    # The scale runs from -£20 to £60: zero at a quarter of the width.
    bars = [(rect.get("x"), rect.get("width")) for rect in svg.iter(f"{SVG}rect")]
    assert bars == [("25%", "37.5%"), ("0%", "25%"), ("62.5%", "37.5%")]
    assert BarRow("March", "£40", (Segment(30_00, ""), Segment(-20_00, ""), Segment(30_00, ""))).total_pence == 40_00


def test_text_is_escaped_and_a_long_heading_wraps():
    name = "NHS Luton / Luton Clinical Commissioning Group <b>"
    svg = _drawn(rows=[BarRow("Planned", "£1", (Segment(100, "#505a5f"),), heading=name)])
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert "NHS Luton / Luton Clinical Commissioning" in texts and "Group <b>" in texts


def test_series_colours_cycle():
    assert series_colour(0) == series_colour(10) != series_colour(1)
