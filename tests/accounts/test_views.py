"""The signed-in user's own page: who they are and their organisation; signing in first."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_account_page_says_who_the_reader_is():
    user = UserFactory(first_name="Ada", last_name="Lovelace", job_title="Head of finance")
    browser = Client()
    browser.force_login(user)
    page = browser.get(reverse("account")).content.decode()
    assert "Ada Lovelace" in page and "Head of finance" in page and user.organisation.name in page


def test_the_account_page_asks_a_stranger_to_sign_in():
    response = Client().get(reverse("account"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
