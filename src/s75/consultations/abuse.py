"""Limits on online responses: how many one address, and how many everyone, may send to a consultation in a window.

Counted in Django's cache (Redis in production, shared by every app server), so a limit holds across processes.
The windows are fixed: a count starts with the first response and lapses with its window.
"""

from django.conf import settings
from django.core.cache import cache


def _spend(key: str, limit: int, window: int) -> bool:
    """Count one more against ``key``; False when the count is already at ``limit`` in this window."""
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window lapsed between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit


def response_rate_refusal(*, consultation_id: int, address: str) -> str:
    """Why a response from ``address`` must wait, or "" when it may be sent (and is counted)."""
    per_address, address_window = settings.S75_CONSULTATION_RATE_PER_ADDRESS
    per_consultation, consultation_window = settings.S75_CONSULTATION_RATE_PER_CONSULTATION
    if not _spend(f"consultation-rate:{consultation_id}:{address}", per_address, address_window):
        return (f"You have sent {per_address} responses in a short time. Wait {address_window // 60} minutes and "
                "send it again: your answers are kept.")
    if not _spend(f"consultation-rate:{consultation_id}", per_consultation, consultation_window):
        return "Too many responses are arriving at once. Wait a minute and send it again: your answers are kept."
    return ""
