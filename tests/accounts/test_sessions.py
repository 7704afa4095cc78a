"""Sessions are Django's database sessions, read with one plain statement: a session is found until it expires,
and signing out ends it for every server at once."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from s75.accounts.sessions import SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_session_of_a_signed_in_user_is_read_in_one_query(django_assert_num_queries):
    assert settings.SESSION_ENGINE == "s75.accounts.sessions"
    user = UserFactory()
    browser = Client()
    assert browser.login(username=user.username, password="correct horse battery")
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    with django_assert_num_queries(1):
        assert SessionStore(key).load()["_auth_user_id"] == str(user.pk)


def test_an_expired_or_unknown_session_is_empty_and_its_key_forgotten():
    store = SessionStore()
    store["reader"] = "Ada"
    store.save()
    assert SessionStore(store.session_key).load() == {"reader": "Ada"}
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


def test_signing_out_ends_the_session_everywhere():
    user = UserFactory()
    browser, other_server = Client(), Client()
    assert browser.login(username=user.username, password="correct horse battery")
    other_server.cookies = browser.cookies
    assert other_server.get(reverse("agreements:list")).status_code == 200
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert browser.post(reverse("logout")).status_code == 302
    assert SessionStore(key).load() == {}
    response = other_server.get(reverse("agreements:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
