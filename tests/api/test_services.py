"""Making and revoking tokens: the secret is shown once and kept only as its SHA-256; both acts are audited."""

import hashlib

import pytest

from s75.api.models import ApiToken, TokenScope
from s75.api.services import ApiTokenError, api_token_create, api_token_revoke
from s75.api.tokens import token_for_secret
from s75.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_keeps_only_the_hash_of_its_secret():
    user = UserFactory()
    made = api_token_create(actor=user, name="Nightly upload", scope=TokenScope.READ, days=30)
    token = ApiToken.objects.get()
    assert made.secret.startswith("s75_") and len(made.secret) > 40
    assert token.secret_sha256 == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in {getattr(token, field.attname) for field in ApiToken._meta.concrete_fields}
    assert token_for_secret(made.secret) == token
    assert token_for_secret(made.secret + "x") is None
    assert AuditEvent.objects.get(action="api_token_create").actor == user


@pytest.mark.parametrize(("name", "scope", "days", "field"), [
    ("", TokenScope.READ, 30, "name"), ("x" * 101, TokenScope.READ, 30, "name"), ("ok", "admin", 30, "scope"),
    ("ok", TokenScope.READ, 3650, "days"), ("bad\x00name", TokenScope.READ, 30, "name"),
])
def test_a_token_is_refused_with_the_field_at_fault(name, scope, days, field):
    with pytest.raises(ApiTokenError) as refused:
        api_token_create(actor=UserFactory(), name=name, scope=scope, days=days)
    assert [problem.field for problem in refused.value.problems] == [field]
    assert not ApiToken.objects.exists()


def test_names_are_unique_per_user():
    user = UserFactory()
    api_token_create(actor=user, name="Upload", scope=TokenScope.READ, days=7)
    api_token_create(actor=UserFactory(), name="Upload", scope=TokenScope.READ, days=7)
    with pytest.raises(ApiTokenError, match="token of that name"):
        api_token_create(actor=user, name="Upload", scope=TokenScope.WRITE, days=7)


def test_only_its_owner_revokes_a_token_and_then_it_opens_nothing():
    owner = UserFactory()
    made = api_token_create(actor=owner, name="Upload", scope=TokenScope.WRITE, days=7)
    with pytest.raises(ApiTokenError):
        api_token_revoke(actor=UserFactory(), token=made.token)
    assert token_for_secret(made.secret) is not None
    api_token_revoke(actor=owner, token=made.token)
    api_token_revoke(actor=owner, token=made.token)
    assert token_for_secret(made.secret) is None
    assert AuditEvent.objects.filter(action="api_token_revoke").count() == 1
