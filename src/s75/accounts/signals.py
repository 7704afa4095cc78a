"""On signing in, the session is marked for the idle timeout, its fixed end, and whether a second factor must follow
(``accounts.middleware``)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import session_started
from .selectors import second_factor_device


@receiver(user_logged_in)
def _session_started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_started(request.session, has_second_factor=second_factor_device(user, confirmed=True) is not None)
