"""Writes to the audit trail. Every other service calls :func:`audit_record` inside its own transaction."""

from collections.abc import Callable
from typing import Any

from django.db import models, transaction

from .models import AuditEvent


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    agreement: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Record one change; must run inside the caller's transaction so the change and its record stand together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the transaction that makes the change")
    event = AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        agreement=agreement,
        before=before,
        after=after,
        reason=reason,
    )
    for follower in _followers:
        follower(event)
    return event


# What an app above this one adds to each event, in the same transaction: the API links an event done through a
# personal token to that token (``s75.api.tokens``). Registered once, when Django loads the app.
_followers: list[Callable[[AuditEvent], None]] = []


def audit_follower_register(follower: Callable[[AuditEvent], None]) -> None:
    if follower not in _followers:
        _followers.append(follower)


def snapshot(obj: models.Model, *fields: str) -> dict:
    """The named fields of ``obj`` as JSON-ready values, for the before and after of an audit record."""
    values = {}
    for name in fields or [f.attname for f in obj._meta.concrete_fields]:
        value = getattr(obj, name)
        values[name] = value if isinstance(value, bool | int | str | type(None)) else str(value)
    return values
