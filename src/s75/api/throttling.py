"""The rate limit of each token: ``S75_API_RATE`` requests (for example ``600/min``), counted in Django's cache
(shared by every process of the site), per token, so that one busy client does not slow another's."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_rate(self) -> str:
        return settings.S75_API_RATE

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None  # refused before it does anything
        return f"s75:api:rate:{request.auth.pk}"
