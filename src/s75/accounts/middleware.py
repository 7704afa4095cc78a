"""What a signed-in session must pass before a page: it has not been idle too long, and its user has given their
second factor if they have one (or must have one)."""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .selectors import second_factor_required

# When the session last made a request, in seconds since the epoch, written at most once a minute so that a reader
# clicking through pages does not rewrite their session on every one.
LAST_SEEN = "s75_last_seen"
LAST_SEEN_RESOLUTION = 60
# Set at sign-in when the user has a confirmed second factor, which the session must then give before any page.
SECOND_FACTOR_SET_UP = "s75_second_factor"
# The pages a session may reach before its second factor: signing in and out, and giving or setting up the factor.
BEFORE_SECOND_FACTOR = {"login", "logout", "two_factor_verify", "two_factor_setup"}


def session_started(session, *, has_second_factor: bool) -> None:
    """Mark a session just signed in: seen now, ending SESSION_COOKIE_AGE from now however busy it is."""
    session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
    session[LAST_SEEN] = int(time.time())
    session[SECOND_FACTOR_SET_UP] = has_second_factor


class IdleTimeoutMiddleware:
    """Signs out a session that made no request for ``S75_IDLE_MINUTES``; the sign-in page then says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN, now)
            if now - last_seen > settings.S75_IDLE_MINUTES * 60:
                logout(request)
                response = redirect_to_login(request.get_full_path())
                response["Location"] += "&idle=1"
                return response
            if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Sends a signed-in user who has a second factor, and has not given it in this session, to give it; and one who
    must have one (``S75_REQUIRE_2FA``) and has none, to set it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.url_name in BEFORE_SECOND_FACTOR:
            return None
        if request.session.get(SECOND_FACTOR_SET_UP):
            return redirect_to_login(request.get_full_path(), reverse("two_factor_verify"))
        if second_factor_required(user):
            return redirect("two_factor_setup")
        return None
