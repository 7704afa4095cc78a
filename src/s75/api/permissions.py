"""Who may use the API: a user signed in through a live token; a write needs a read-and-write token. What the user
may see and do beyond that is decided as on the pages, by the selectors and services each view calls."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import ApiToken


class TokenAllows(BasePermission):
    message = "This token is read only: make a read-and-write token to change anything"

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, ApiToken):
            return False
        return request.method in SAFE_METHODS or request.auth.writes
