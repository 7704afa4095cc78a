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


@register.simple_tag
def table_has_pence(rows) -> bool:
    """Whether any amount in a finance table's rows (each with ``amounts``) is not whole pounds. Such a table
    shows pence throughout, so that what is on screen adds up; totals of whole pounds are whole pounds, so the
    rows alone decide."""
    return any(amount % 100 for row in rows for amount in row.amounts if amount is not None)


@register.filter
def gbp_or_pence(pence: int | None, show_pence: bool) -> str:
    """``£1,234,567``, or ``£1,234,567.89`` when ``show_pence``: one table's amounts all shown alike."""
    return gbp_pence(pence) if show_pence else gbp(pence)
