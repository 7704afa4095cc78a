"""The finance-table form of money for the monitoring pages: ``1,234`` and ``(1,234)`` for negatives, through
``s75.core.money`` (the one place money is formatted)."""

from django import template

from s75.core.money import format_finance

register = template.Library()


@register.filter
def finance(pence: int | None, show_pence: bool = False) -> str:
    """``1,234,567`` or, with ``show_pence``, ``1,234,567.89``; a negative as ``(1,234)``; None as an em dash."""
    return "—" if pence is None else format_finance(pence, show_pence=bool(show_pence))
