"""A settlement's net payments in words on the pages and in the PDF, from ``s75.settlement.statements`` (where the
workbook takes them too): "pays the host £64,981.55", "is paid £… by the host", "host: no payment"."""

from django import template

from s75.settlement.statements import host_position_words, payment_words

register = template.Library()


@register.filter
def payment(partner: dict) -> str:
    """``pays the host £64,981.55``, ``is paid £1,234.56 by the host``, ``no payment`` or ``host: no payment``."""
    return payment_words(partner)


@register.filter
def host_position(partner: dict) -> str:
    """What the host, which holds the pool and pays nothing to itself, bears or keeps itself."""
    return host_position_words(partner)
