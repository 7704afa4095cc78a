"""The settlement page's chart: for each partner, its contributions, its final share of spend and what it paid in,
on one scale, and what it pays or is paid at settlement; drawn by ``s75.core.charts`` from
``selectors.settlement_results``, whose figures the page's table of partners shows."""

from django.utils.safestring import SafeString
from django.utils.text import capfirst

from s75.core.charts import BarRow, Segment, bar_chart
from s75.core.money import format_gbp

from .statements import payment_words

CONTRIBUTIONS = "#1d70b8"
SHARE_OF_SPEND = "#003078"
RECEIVED = "#00703c"


def _bar(name: str, label: str, pence: int, colour: str, *, outline: bool = False, heading: str = "") -> BarRow:
    figure = format_gbp(pence, show_pence=True)
    return BarRow(label, figure, (Segment(pence, colour, f"{name}, {label.lower()}: {figure}", outline=outline),),
                  heading=heading)


def partners_chart_rows(results: dict) -> list[BarRow]:
    """For each partner, under its name: its contributions, final share of spend and receipts as bars, and its
    payment in words."""
    rows = []
    for partner in results["partners"]:
        name = partner["name"]
        rows += [
            _bar(name, "Contributions", partner["contributions"], CONTRIBUTIONS, outline=True,
                 heading=f"{name}{' (host)' if partner['is_host'] else ''}"),
            _bar(name, "Final share of spend", partner["final_share_of_spend"], SHARE_OF_SPEND),
            _bar(name, "Received", partner["received"], RECEIVED),
            BarRow("Settlement", capfirst(payment_words(partner))),
        ]
    return rows


def partners_chart(*, results: dict, year_label: str) -> SafeString:
    payments = "; ".join(f"{partner['name']}: {payment_words(partner)}" for partner in results["partners"])
    return bar_chart(
        chart_id="settlement-chart", rows=partners_chart_rows(results),
        title=f"Each partner's contributions, share of spend and payment, {year_label}",
        description=(
            "For each partner, bars on one scale of its contributions (an outline), its final share of spend and "
            f"what it paid in, and then what it pays or is paid at settlement. {payments}. The table of partners "
            "has every figure."
        ),
    )
