"""The API tokens section of the account page: make a token (its secret shown once), see one's own, revoke one's
own; another user's token is a 404. And the API's documentation and description, served with no CDN."""

import pytest
from django.test import Client

from s75.api.models import ApiToken, TokenScope
from s75.api.services import api_token_create
from s75.api.tokens import token_for_secret
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_account_page_links_to_the_tokens():
    page = signed_in(UserFactory()).get("/account/")
    assert b'href="/account/api-tokens/"' in page.content


def test_a_token_is_made_and_its_secret_shown_only_on_the_answer():
    user = UserFactory()
    client = signed_in(user)
    made = client.post("/account/api-tokens/", {"name": "Finance system", "scope": "write", "days": "30"})
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    secret = made.context["made"].secret
    assert secret.encode() in made.content
    token = token_for_secret(secret)
    assert (token.user, token.name, token.scope) == (user, "Finance system", TokenScope.WRITE)
    again = client.get("/account/api-tokens/")
    assert secret.encode() not in again.content
    assert token.prefix.encode() in again.content and b"Finance system" in again.content


def test_a_bad_token_form_shows_its_problems_and_makes_nothing():
    page = signed_in(UserFactory()).post("/account/api-tokens/", {"name": "", "scope": "admin", "days": "3650"})
    assert page.status_code == 200
    assert set(page.context["form"].errors) == {"name", "scope", "days"}
    assert not ApiToken.objects.exists()


def test_only_its_owner_sees_and_revokes_a_token():
    owner, other = UserFactory(), UserFactory()
    made = api_token_create(actor=owner, name="Upload", scope=TokenScope.READ, days=7)
    assert b"Upload" not in signed_in(other).get("/account/api-tokens/").content
    assert signed_in(other).post(f"/account/api-tokens/{made.token.pk}/revoke/").status_code == 404
    assert token_for_secret(made.secret) is not None
    response = signed_in(owner).post(f"/account/api-tokens/{made.token.pk}/revoke/")
    assert response.status_code == 302
    assert token_for_secret(made.secret) is None
    assert b"Revoked" in signed_in(owner).get("/account/api-tokens/").content


def test_the_pages_need_a_signed_in_user():
    assert Client().get("/account/api-tokens/").status_code == 302


def test_the_description_is_openapi_3_1_and_the_documentation_needs_no_cdn():
    client = Client()
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["openapi"] == "3.1.0"
    assert "/api/v1/funds/{id}/lines/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    docs = client.get("/api/v1/docs/console/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "http" not in docs.replace('lang="en-GB"', "")
    assert "<style" not in docs and "<script>" not in docs


def test_the_documentation_page_shows_every_operation_its_parameters_answers_and_shapes():
    """The site's own page of the description (Swagger UI's fails WCAG 2.2 AA; the link walk checks this one with
    axe): every path and method of the schema, a query parameter with its limits, an answer and a shape."""
    client = Client()
    schema = client.get("/api/v1/schema/?format=json").json()
    page = client.get("/api/v1/docs/").content.decode()
    operations = [(method.upper(), path) for path, item in schema["paths"].items() for method in item
                  if method in ("get", "post", "put", "patch", "delete")]
    assert len(operations) > 20
    for method, path in operations:
        assert f"<code>{method} {path}</code>" in page
    assert "<code>page_size</code>" in page and "integer, from 1, to 1,000" in page
    assert "A financial year, e.g. 2024-25." in page
    assert 'href="/api/v1/docs/console/"' in page and 'href="/api/v1/schema/"' in page
    assert '<caption class="govuk-table__caption govuk-table__caption--m">LedgerLine</caption>' in page
