"""Reading a token's secret, and naming the token on what it does: while an API request acts through a token
(:func:`token_acting`), every audit event recorded is linked to it (:func:`token_event_link`, which the audit app
calls for each event it records)."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

from .models import ApiToken, TokenEvent

SECRET_START = "s75_"

_acting: ContextVar[ApiToken | None] = ContextVar("s75_api_token_acting", default=None)


def secret_sha256(secret: str) -> str:
    """What is kept of a secret: its SHA-256. The secret is 256 random bits, so a plain hash is enough (a slow
    password hash guards guessable passwords, and would cost every request)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def token_for_secret(secret: str) -> ApiToken | None:
    """The live token (not revoked, not expired) whose secret this is, with its user; None otherwise."""
    if not secret.startswith(SECRET_START) or len(secret) > 200:
        return None
    return (ApiToken.objects.select_related("user__organisation")
            .filter(secret_sha256=secret_sha256(secret), revoked_at__isnull=True, expires_at__gt=timezone.now())
            .first())


@contextmanager
def token_acting(token: ApiToken | None) -> Iterator[None]:
    """Within the block, what is audited was done through ``token``."""
    kept = _acting.set(token)
    try:
        yield
    finally:
        _acting.reset(kept)


def token_event_link(event) -> None:
    """Link an audit event just recorded to the token the request acts through, if any (in the same transaction)."""
    token = _acting.get()
    if token is not None:
        TokenEvent.objects.create(event=event, token=token, token_name=token.name)
