"""Signing in is Django's ``ModelBackend``, the user read with their organisation: what they see follows from their
organisation and every organisation it took over from, what they may do from their roles; a session ends when they
sign out, everywhere, or when it expires."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from s75.accounts.backends import UserBackend
from s75.organisations.models import Succession
from s75.organisations.selectors import organisation_get_by_code
from tests.factories import OrganisationFactory, UserFactory, complete_agreement

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # noqa: S105 - the factories' password


def signed_in(user) -> Client:
    browser = Client()
    response = browser.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return browser


def signed_out(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_users_organisation_lineage_gives_them_the_agreements_of_those_it_succeeded():
    icb = organisation_get_by_code(code="QHG")  # NHS Bedfordshire, Luton and Milton Keynes ICB
    ccg = Succession.objects.filter(successor=icb).select_related("predecessor").first().predecessor
    agreement = complete_agreement(title="Luton pooled budget")
    agreement.parties.filter(is_host=False).update(organisation=ccg)
    finance_lead = signed_in(UserFactory(role="Partner finance lead", organisation=icb))
    stranger = signed_in(UserFactory(role="Partner finance lead", organisation=OrganisationFactory()))
    assert "Luton pooled budget" in finance_lead.get(reverse("agreements:list")).content.decode()
    assert "Luton pooled budget" not in stranger.get(reverse("agreements:list")).content.decode()
    assert finance_lead.get(reverse("agreements:detail", args=[agreement.pk])).status_code == 200


def test_signing_out_ends_the_session_for_another_client():
    browser = signed_in(UserFactory())
    other_server = Client()
    other_server.cookies = browser.cookies
    assert other_server.get(reverse("agreements:list")).status_code == 200
    assert browser.post(reverse("logout")).status_code == 302
    assert signed_out(other_server.get(reverse("agreements:list")))


def test_an_expired_session_is_signed_out():
    browser = signed_in(UserFactory())
    assert browser.get(reverse("agreements:list")).status_code == 200
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert signed_out(browser.get(reverse("agreements:list")))


def test_the_user_of_a_session_comes_with_their_organisation_and_their_roles_rights():
    user = UserFactory(role="Partner finance lead")
    loaded = UserBackend().get_user(user.pk)
    assert loaded == user and loaded.organisation == user.organisation
    assert loaded.has_perm("monitoring.record_consent") and not loaded.has_perm("ledger.close_period")
    assert UserBackend().get_user(UserFactory(organisation=None).pk).organisation is None


def test_no_user_for_an_unknown_or_inactive_account():
    assert UserBackend().get_user(0) is None
    assert UserBackend().get_user(UserFactory(is_active=False).pk) is None
