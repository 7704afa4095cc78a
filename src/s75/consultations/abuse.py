"""Limits on online responses: how many one address, and how many everyone, may send to a consultation in a window.

Counted in Django's cache (Redis in production, shared by every app server), so a limit holds across processes.
The windows are fixed: a count starts with the first response and lapses with its window.
"""

from ipaddress import IPv6Address, ip_address

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The respondent's address: behind ``S75_PROXY_HOPS`` trusted proxies (production's reverse proxy), the one the
    nearest of them saw, from ``X-Forwarded-For``; else the connection's own. An IPv6 address counts by its /64
    network, which one household or device is given."""
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.S75_PROXY_HOPS
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if hops and len(forwarded) >= hops:
        address = forwarded[-hops]
    try:
        parsed = ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, IPv6Address):
        return f"{IPv6Address(int(parsed) >> 64 << 64)}/64"
    return str(parsed)


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
