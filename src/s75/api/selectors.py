"""Reads of API tokens: a user sees only their own."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import ApiToken


def api_tokens_of(*, user) -> QuerySet[ApiToken]:
    """The user's tokens, newest first, revoked and expired ones included (their page says which)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get(*, user, pk: int) -> ApiToken:
    """One of the user's own tokens; ``ApiToken.DoesNotExist`` for anyone else's."""
    return api_tokens_of(user=user).get(pk=pk)


def api_token_live(token: ApiToken) -> bool:
    return token.revoked_at is None and token.expires_at > timezone.now()
