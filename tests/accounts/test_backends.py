"""The user of a session is read with their organisation, the organisations it succeeded and their permissions (their
own and their roles') in one statement, and another user's permissions in one query, the same as Django's ORM and
ModelBackend would answer."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.utils import timezone

from s75.accounts.backends import UserBackend
from s75.organisations.models import Organisation
from s75.organisations.selectors import organisation_get_by_code, organisation_lineage_ids, user_lineage_ids
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_user_of_a_session_comes_with_their_organisation(django_assert_num_queries):
    user = UserFactory(role="Pooled fund manager")
    with django_assert_num_queries(1):
        loaded = UserBackend().get_user(user.pk)
        assert loaded.organisation == user.organisation


def test_the_user_read_in_one_statement_is_the_orms_field_for_field(django_assert_num_queries):
    """Every field converted as the ORM converts it: times aware in UTC on SQLite too, flags as booleans."""
    with_organisation = UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.org",
                                    job_title="Head of finance", last_login=timezone.now())
    without = UserFactory(organisation=None)
    for user in (with_organisation, without):
        expected = get_user_model().objects.select_related("organisation").get(pk=user.pk)
        with django_assert_num_queries(1):
            loaded = UserBackend().get_user(user.pk)
            assert loaded.organisation == expected.organisation
            if expected.organisation is not None:
                assert [getattr(loaded.organisation, field.attname) for field in Organisation._meta.concrete_fields] \
                    == [getattr(expected.organisation, field.attname) for field in Organisation._meta.concrete_fields]
        for field in get_user_model()._meta.concrete_fields:
            value = getattr(loaded, field.attname)
            assert (value, type(value)) == (getattr(expected, field.attname), type(getattr(expected, field.attname)))
        assert loaded.date_joined.tzinfo is not None and loaded._state.adding is False


def test_the_user_of_a_session_comes_with_their_lineage_and_permissions(django_assert_num_queries):
    icb = organisation_get_by_code(code="QHG")  # NHS Bedfordshire, Luton and Milton Keynes ICB, after three CCGs
    user = UserFactory(role="Partner finance lead", organisation=icb)
    user.user_permissions.add(Permission.objects.get(codename="post_ledger"))
    expected = ModelBackend().get_all_permissions(get_user_model().objects.get(pk=user.pk))
    lineage = organisation_lineage_ids(organisation=icb)
    assert len(lineage) == 4
    with django_assert_num_queries(1):
        loaded = UserBackend().get_user(user.pk)
        assert user_lineage_ids(user=loaded) == lineage
        assert loaded.get_all_permissions() == expected
        assert loaded.has_perm("ledger.post_ledger") and loaded.has_perm("monitoring.record_consent")
    alone = UserBackend().get_user(UserFactory(organisation=None).pk)
    assert user_lineage_ids(user=alone) == set() and alone.get_all_permissions() == set()
    admin = UserBackend().get_user(UserFactory(is_superuser=True).pk)
    assert admin.get_all_permissions() == ModelBackend().get_all_permissions(admin) != set()


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
