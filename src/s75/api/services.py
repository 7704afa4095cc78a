"""Writes of API tokens: make one (its secret shown once) and revoke one. Both are audited."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from s75.audit.services import audit_record
from s75.core.errors import Problem, ServiceError
from s75.core.files import NOT_TEXT

from .models import ApiToken, TokenScope
from .tokens import SECRET_START, secret_sha256

# How long a token may live, in days: the choices offered. A token that leaks stops working by itself.
LIFETIMES_DAYS = (7, 30, 90, 365)


class ApiTokenError(ServiceError):
    """A token that cannot be made or revoked, and why."""


@dataclass(frozen=True)
class MadeToken:
    token: ApiToken
    secret: str  # shown once, to its owner, and kept nowhere


def api_token_create(*, actor, name: str, scope: str, days: int) -> MadeToken:
    """Make a token for ``actor`` (a signed-in user), named ``name``, of ``scope`` (read or write), living ``days``."""
    name = name.strip()
    problems = []
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise ApiTokenError("only a signed-in user makes an API token")
    if not name:
        problems.append(Problem("give the token a name that says what it is for", "name"))
    elif len(name) > 100 or NOT_TEXT.search(name):
        problems.append(Problem("the name must be at most 100 characters of text", "name"))
    if scope not in TokenScope.values:
        problems.append(Problem("choose read only or read and write", "scope"))
    if days not in LIFETIMES_DAYS:
        problems.append(Problem(f"choose how long it lasts: {', '.join(map(str, LIFETIMES_DAYS))} days", "days"))
    name_problems = [problem for problem in problems if problem.field == "name"]
    if not name_problems and ApiToken.objects.filter(user=actor, name=name).exists():
        problems.append(Problem("you have a token of that name already: give this one another", "name"))
    if problems:
        raise ApiTokenError(problems)
    secret = SECRET_START + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name, scope=scope, prefix=secret[: len(SECRET_START) + 6],
                                        secret_sha256=secret_sha256(secret), expires_at=now + timedelta(days=days))
        audit_record(actor=actor, action="api_token_create", obj=token,
                     after={"name": name, "scope": scope, "expires_at": token.expires_at.isoformat()})
    return MadeToken(token, secret)


def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke one of ``actor``'s own tokens: it opens nothing from now on (revoking twice changes nothing)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.user_id != getattr(actor, "pk", None):
            raise ApiTokenError("only its owner revokes a token")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action="api_token_revoke", obj=token, after={"name": token.name})
    return token
