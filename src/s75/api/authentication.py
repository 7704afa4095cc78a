"""How a request to the API says who it is: ``Authorization: Bearer s75_…``, a personal token (``models.ApiToken``).
A revoked or expired token, or one whose user is no longer active, is refused with 401 and says why in words."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import ApiToken
from .tokens import token_for_secret

# A token's last use is written at most this often, so that reading the API is not a write per request.
LAST_USED_EVERY = timedelta(minutes=1)


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the token as ‘Authorization: Bearer s75_…’, with no spaces")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("The token is not one s75 made") from exc
        token = token_for_secret(secret)
        if token is None or not token.user.is_active:
            # Unknown, revoked and expired alike, so that a guess learns nothing.
            raise exceptions.AuthenticationFailed("The token is not valid: it was revoked, it expired, or it is not "
                                                  "one s75 made. Make a new one on your account page")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="s75"'
