"""Signing in and what a signed-in user may do: Django's ``ModelBackend`` (settings ``AUTHENTICATION_BACKENDS``),
reading the user of a session with their organisation, which every page shows and which decides what they see, after
django-axes' check that the username is not locked out."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        """The user of a session with their organisation, or None if they no longer exist or may not sign in."""
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("organisation").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check that refuses a sign-in while its username is locked out after too many failures (settings
    ``AXES_*``). A sign-in made by code rather than through a request (a command, the test client's ``login``) has no
    failures to count and is left to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
