"""A session ends after S75_IDLE_MINUTES without a request, and at a fixed time after signing in however busy; the
sign-in page then says why."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from s75.accounts.middleware import LAST_SEEN
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # noqa: S105 - the factories' password


def signed_in() -> Client:
    browser = Client()
    assert browser.post(reverse("login"), {"username": UserFactory().username, "password": PASSWORD}).status_code == 302
    return browser


def idle_for(browser: Client, seconds: int) -> None:
    session = browser.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_thirty_idle_minutes_sign_the_reader_out_and_the_page_says_why():
    browser = signed_in()
    idle_for(browser, 31 * 60)
    response = browser.get(reverse("agreements:list"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('agreements:list')}&idle=1"
    page = browser.get(response.url).content.decode()
    assert "You were signed out because you did nothing for" in page and "30 minutes" in page
    assert browser.get(reverse("account")).status_code == 302


def test_a_request_within_the_idle_time_keeps_the_session():
    browser = signed_in()
    idle_for(browser, 29 * 60)
    assert browser.get(reverse("agreements:list")).status_code == 200
    assert abs(browser.session[LAST_SEEN] - time.time()) < 5
    idle_for(browser, 29 * 60)
    assert browser.get(reverse("account")).status_code == 200


def test_the_idle_time_is_configured(settings):
    settings.S75_IDLE_MINUTES = 5
    browser = signed_in()
    idle_for(browser, 6 * 60)
    assert browser.get(reverse("agreements:list")).status_code == 302


def test_a_busy_session_still_ends_at_its_fixed_time():
    browser = signed_in()
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    expiry = Session.objects.get(session_key=key).expire_date
    assert abs(expiry - (timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))) < timedelta(minutes=1)
    idle_for(browser, 2 * 60)  # old enough that the next request writes the session again
    browser.get(reverse("agreements:list"))
    assert Session.objects.get(session_key=key).expire_date == expiry
