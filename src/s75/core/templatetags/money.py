"""Template filters that show pence as money, through ``s75.core.money`` (the one place money is formatted).

A missing amount (``None``) shows as an em dash, as finance tables print a blank cell.
"""

from django import template

from s75.core.money import format_gbp

register = template.Library()

BLANK = "—"


@register.filter
def gbp(pence: int | None) -> str:
    """``£1,234,567``, rounded to the pound."""
    return BLANK if pence is None else format_gbp(pence)


@register.filter
def gbp_pence(pence: int | None) -> str:
    """``£1,234,567.89``."""
    return BLANK if pence is None else format_gbp(pence, show_pence=True)
