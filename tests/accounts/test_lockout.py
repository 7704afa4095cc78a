"""Signing in is paused for a username after five wrong passwords (django-axes, counted in the database): the sign-in
page says how long to wait, the right password is refused meanwhile, and signing in works again once the wait is
over; a right password before the limit clears the count."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # noqa: S105 - the factories' password


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_pause_signing_in_and_the_page_says_how_long(client):
    user = UserFactory()
    for _ in range(4):
        response = sign_in(client, user.username, "wrong")
        assert response.status_code == 200 and b"There is a problem" in response.content
    paused = sign_in(client, user.username, "wrong")
    assert paused.status_code == 429
    page = paused.content.decode()
    assert "Signing in is paused" in page and "Wait 15 minutes and try again" in page
    assert "Traceback" not in page
    # The right password is refused too while the wait lasts, and the session is not signed in.
    assert sign_in(client, user.username, PASSWORD).status_code == 429
    assert client.get(reverse("account")).status_code == 302


def test_signing_in_works_again_after_the_wait(client):
    user = UserFactory()
    for _ in range(5):
        sign_in(client, user.username, "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home:index")


def test_the_pause_is_for_the_username_whatever_the_address(client):
    user, colleague = UserFactory(), UserFactory()
    for attempt in range(5):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"},
                    REMOTE_ADDR=f"198.51.100.{attempt}")
    assert sign_in(client, user.username, PASSWORD).status_code == 429
    assert sign_in(client, colleague.username, PASSWORD).status_code == 302


def test_a_right_password_before_the_limit_clears_the_count(client):
    user = UserFactory()
    for _ in range(4):
        sign_in(client, user.username, "wrong")
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert sign_in(client, user.username, "wrong").status_code == 200


def test_the_test_clients_login_is_not_counted(client):
    """A sign-in with no request (the test client's ``login``, a command) has nothing to count and still works."""
    assert client.login(username=UserFactory().username, password=PASSWORD)
