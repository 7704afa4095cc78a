"""Signing in and what a signed-in user may do: Django's ``ModelBackend`` (settings ``AUTHENTICATION_BACKENDS``),
reading the user of a session with their organisation, which every page shows and which decides what they see."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        """The user of a session with their organisation, or None if they no longer exist or may not sign in."""
        user = get_user_model()._default_manager.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
