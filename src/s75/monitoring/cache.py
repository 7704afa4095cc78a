"""The fund dashboard's body kept in Django's cache (settings ``CACHES``), so that readers of a fund of a million
ledger lines do not each redraw its report, trend and charts.

A body is kept under the version of everything it is drawn from (``selectors.monitoring_inputs_version``) with
the month and what the reader may do there, so the page after a posting, a forecast, a consent decision or any
other change is drawn afresh: a kept body is never stale, and one of an older version is simply never asked for
again (the cache drops it when full or after a day).
"""

from collections.abc import Callable
from hashlib import blake2b

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from s75.agreements.models import Agreement

from .selectors import monitoring_inputs_version

KEEP_SECONDS = 24 * 60 * 60


def dashboard_body(*, agreement: Agreement, variant: tuple, render: Callable[[], str]) -> SafeString:
    """The agreement's dashboard body for ``variant`` (the month, the fund's years and the reader's rights), from
    the cache or else drawn by ``render`` and kept. ``render`` must not use the request: the body is shared."""
    version = monitoring_inputs_version(agreement=agreement)  # read first: see its docstring
    key = blake2b(repr((agreement.pk, variant, version)).encode(), digest_size=16).hexdigest()
    body = cache.get(f"monitoring:dashboard:{key}")
    if body is None:
        body = render()
        cache.set(f"monitoring:dashboard:{key}", body, KEEP_SECONDS)
    return mark_safe(body)  # drawn by our own template, which escaped it
