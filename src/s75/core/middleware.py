"""Headers every response carries: a Permissions-Policy turning off the browser features no page uses, and, for a
signed-in reader, ``Cache-Control: no-store``, so that no page or download of theirs is kept by the browser or a proxy
(where the next person at a shared computer could read it with the Back button)."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.S75_PERMISSIONS_POLICY)
        # The API's views leave no user on a request without a token (REST_FRAMEWORK's UNAUTHENTICATED_USER).
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
