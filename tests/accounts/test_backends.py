"""The user of a session is read with their organisation, and their permissions (their own and their roles') in
one query, the same as Django's ModelBackend would answer."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from s75.accounts.backends import UserBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_user_of_a_session_comes_with_their_organisation(django_assert_num_queries):
    user = UserFactory(role="Pooled fund manager")
    with django_assert_num_queries(1):
        loaded = UserBackend().get_user(user.pk)
        assert loaded.organisation == user.organisation


def test_no_user_for_an_unknown_or_inactive_account():
    assert UserBackend().get_user(0) is None
    assert UserBackend().get_user(UserFactory(is_active=False).pk) is None


def test_permissions_of_the_roles_and_the_user_in_one_query(django_assert_num_queries):
    user = UserFactory(role="Partner finance lead")
    user.user_permissions.add(Permission.objects.get(codename="post_ledger"))
    expected = ModelBackend().get_all_permissions(get_user_model().objects.get(pk=user.pk))
    assert "monitoring.record_consent" in expected and "ledger.post_ledger" in expected
    fresh = get_user_model().objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        assert UserBackend().get_all_permissions(fresh) == expected
        assert fresh.has_perm("ledger.post_ledger") and not fresh.has_perm("ledger.close_period")


def test_a_superuser_holds_every_permission_and_an_inactive_user_none():
    admin = UserFactory(is_superuser=True)
    assert UserBackend().get_all_permissions(admin) == ModelBackend().get_all_permissions(admin)
    assert UserBackend().get_all_permissions(UserFactory(role="Pooled fund manager", is_active=False)) == set()
