"""Signing in and out, and that every page needs it; the signed-in user's own page: who they are and their
organisation."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
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


# Signing in and out, and that every page needs it.

def test_sign_in_page_is_a_govuk_form(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'<label class="govuk-label govuk-label--s" for="id_username">' in response.content
    assert b"s75 partnership agreements" in response.content


def test_signing_in_goes_to_the_home_page(client, luton_manager):
    response = client.post(reverse("login"), {"username": luton_manager.username, "password": "correct horse battery"})
    assert response.status_code == 302
    assert response.url == reverse("home:index")


def test_a_wrong_password_shows_the_error_summary(client, luton_manager):
    response = client.post(reverse("login"), {"username": luton_manager.username, "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert "<title>Error: Sign in" in response.content.decode()


def test_pages_need_signing_in(client, luton):
    for url in [reverse("agreements:list"), reverse("agreements:detail", args=[luton.pk]),
                reverse("budgets:financial_schedule", args=[luton.pk, "2013-14"])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_signing_out_is_a_post_from_the_header(manager_client):
    page = manager_client.get(reverse("agreements:list")).content.decode()
    assert f'action="{reverse("logout")}"' in page
    manager_client.post(reverse("logout"))
    assert manager_client.get(reverse("agreements:list")).status_code == 302


def test_the_js_enabled_class_is_set_before_the_page_is_painted(client):
    """By a script file (the Content-Security-Policy refuses inline scripts) loaded, not deferred, before the body's
    first element."""
    page = client.get(reverse("login")).content.decode()
    body = page[page.index('<body class="govuk-template__body">'):]
    tag = f'<script src="{static("s75/js-enabled.js")}"></script>'
    assert body.index(tag) < body.index("govuk-skip-link")
    source = Path(finders.find("s75/js-enabled.js")).read_text()
    assert "document.body.className += ' js-enabled'" in source
    assert "'noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported'" in source


# Changing one's own password.

def test_the_account_page_links_to_changing_the_password(manager_client):
    assert reverse("password_change") in manager_client.get(reverse("account")).content.decode()


def test_changing_the_password_keeps_this_session_and_ends_the_others(luton_manager):
    browser, elsewhere = Client(), Client()
    for each in (browser, elsewhere):
        each.post(reverse("login"), {"username": luton_manager.username, "password": "correct horse battery"})
    response = browser.post(reverse("password_change"), {
        "old_password": "correct horse battery", "new_password1": "Purple otter 47 lighthouse",
        "new_password2": "Purple otter 47 lighthouse",
    })
    assert response.status_code == 302 and response.url == reverse("account")
    assert "Your password has been changed" in browser.get(response.url).content.decode()
    assert elsewhere.get(reverse("account")).status_code == 302
    luton_manager.refresh_from_db()
    assert luton_manager.check_password("Purple otter 47 lighthouse")


@pytest.mark.parametrize(("new", "message"), [
    ("short one", "This password is too short"),
    ("river 123456 stone", "a run along the keyboard or the alphabet"),
    ("Sunnnnny harbour", "repeats “n” 5 times in a row"),
])
def test_a_weak_new_password_is_refused_with_what_to_change(manager_client, luton_manager, new, message):
    response = manager_client.post(reverse("password_change"), {
        "old_password": "correct horse battery", "new_password1": new, "new_password2": new,
    })
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and message in page
    luton_manager.refresh_from_db()
    assert luton_manager.check_password("correct horse battery")


def test_a_wrong_current_password_is_refused(manager_client):
    response = manager_client.post(reverse("password_change"), {
        "old_password": "wrong", "new_password1": "Purple otter 47 lighthouse",
        "new_password2": "Purple otter 47 lighthouse",
    })
    assert "Your current password is not right" in response.content.decode()
