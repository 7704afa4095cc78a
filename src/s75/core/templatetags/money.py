"""Template filters that show pence as money, through ``s75.core.money`` (the one place money is formatted):
negatives in brackets, never a minus sign; in a sentence, words.

A missing amount (``None``) shows as an em dash, as finance tables print a blank cell.
"""

from django import template

from s75.core.money import describe_variance, format_finance, format_gbp

register = template.Library()

BLANK = "—"


@register.filter
def gbp(pence: int | None) -> str:
    """``£1,234,567``, rounded to the pound; ``(£1,234)`` when negative."""
    return BLANK if pence is None else format_gbp(pence)


@register.filter
def gbp_pence(pence: int | None) -> str:
    """``£1,234,567.89``; ``(£1,234.56)`` when negative."""
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


@register.filter
def finance(pence: int | None, show_pence: bool = False) -> str:
    """A finance table's cell, with no pound sign: ``1,234,567`` or, with ``show_pence``, ``1,234,567.89``;
    ``(1,234)`` when negative."""
    return BLANK if pence is None else format_finance(pence, show_pence=bool(show_pence))


@register.filter
def variance_words(pence: int | None, show_pence: bool = False) -> str:
    """A variance in a sentence: ``an overspend of £5,667``, ``an underspend of £5,667`` or ``on budget``."""
    return BLANK if pence is None else describe_variance(pence, show_pence=bool(show_pence))


@register.filter
def size(pence: int) -> int:
    """An amount without its sign, where the words say which way it goes: an underspend of £126,560."""
    return abs(pence)
