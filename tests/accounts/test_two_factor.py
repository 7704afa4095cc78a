"""The second factor (TOTP, django-otp): staff and pooled fund managers may set up an authenticator app, shown its
key as text and confirmed with a code from it; from then on signing in asks for a code; with S75_REQUIRE_2FA
everyone must set one up before any other page. Codes are made here as an authenticator app makes them."""

import re
import time
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from s75.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # noqa: S105 - the factories' password


def sign_in(user) -> Client:
    browser = Client()
    response = browser.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for ``device``'s key now (or ``steps_ahead`` 30-second steps later)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step):06d}"


def set_up(browser: Client, user) -> TOTPDevice:
    page = browser.get(reverse("two_factor_setup")).content.decode()
    shown = re.search(r'id="secret">([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert b32decode(shown.replace(" ", "")) == device.bin_key
    response = browser.post(reverse("two_factor_setup"), {"code": code_for(device)})
    assert response.status_code == 302 and response.url == reverse("account")
    device.refresh_from_db()
    return device


def test_a_pooled_fund_manager_sets_up_an_app_and_then_signing_in_asks_for_a_code():
    user = UserFactory(role="Pooled fund manager")
    browser = sign_in(user)
    account = browser.get(reverse("account")).content.decode()
    assert "Set up" in account and reverse("two_factor_setup") in account
    device = set_up(browser, user)
    assert device.confirmed
    assert AuditEvent.objects.filter(action="second_factor_set_up", object_id=str(user.pk)).exists()
    assert "You give a code from your authenticator app" in browser.get(reverse("account")).content.decode()

    again = sign_in(user)
    response = again.get(reverse("agreements:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_verify"))
    wrong = again.post(reverse("two_factor_verify"), {"code": "000000", "next": reverse("agreements:list")})
    assert wrong.status_code == 200
    assert "That code is not right: enter the code your authenticator app shows now, after waiting 1 second" in (
        wrong.content.decode())
    assert again.get(reverse("agreements:list")).status_code == 302
    # A wrong code makes the next wait (django-otp's throttle): the right code at once is refused too.
    right = {"code": code_for(device, steps_ahead=1), "next": reverse("agreements:list")}
    assert again.post(reverse("two_factor_verify"), right).status_code == 200
    time.sleep(1.1)
    right = again.post(reverse("two_factor_verify"), right)
    assert right.status_code == 302 and right.url == reverse("agreements:list")
    assert again.get(reverse("agreements:list")).status_code == 200


def test_a_wrong_code_does_not_confirm_the_app():
    user = UserFactory(is_staff=True)
    browser = sign_in(user)
    browser.get(reverse("two_factor_setup"))
    response = browser.post(reverse("two_factor_setup"), {"code": "12345x"})
    assert "Enter the code as 6 digits" in response.content.decode()
    response = browser.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert sign_in(user).get(reverse("agreements:list")).status_code == 200


def test_a_password_alone_cannot_replace_the_app():
    user = UserFactory(role="Pooled fund manager")
    device = set_up(sign_in(user), user)
    thief = sign_in(user)
    response = thief.get(reverse("two_factor_setup"))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_verify"))
    assert thief.post(reverse("two_factor_remove")).status_code == 302
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()


def test_removing_the_app_returns_to_the_password_alone():
    user = UserFactory(role="Pooled fund manager")
    browser = sign_in(user)
    set_up(browser, user)
    assert browser.post(reverse("two_factor_remove")).url == reverse("account")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert sign_in(user).get(reverse("agreements:list")).status_code == 200


def test_other_roles_are_not_offered_it_unless_required():
    user = UserFactory(role="Board member")
    browser = sign_in(user)
    assert reverse("two_factor_setup") not in browser.get(reverse("account")).content.decode()
    assert browser.get(reverse("two_factor_setup")).status_code == 403


def test_required_for_everyone_sends_each_to_set_it_up_first(settings):
    settings.S75_REQUIRE_2FA = True
    user = UserFactory(role="Board member")
    browser = sign_in(user)
    response = browser.get(reverse("agreements:list"))
    assert response.status_code == 302 and response.url == reverse("two_factor_setup")
    assert "Everyone signing in to s75 gives a code" in browser.get(reverse("two_factor_setup")).content.decode()
    set_up(browser, user)
    assert browser.get(reverse("agreements:list")).status_code == 200
    assert browser.post(reverse("two_factor_remove")).status_code == 403
    assert reverse("two_factor_remove") not in browser.get(reverse("account")).content.decode()


def test_the_next_page_after_the_code_stays_on_the_site():
    user = UserFactory(is_staff=True)
    device = set_up(sign_in(user), user)
    browser = sign_in(user)
    response = browser.post(reverse("two_factor_verify"), {"code": code_for(device, steps_ahead=1),
                                                           "next": "https://elsewhere.example/"})
    assert response.status_code == 302 and response.url == reverse("home:index")
