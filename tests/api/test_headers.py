"""The site's headers on the API: its public description is served without a token (the API's views leave no user
on such a request), and an answer to a token is never stored."""

import pytest
from django.urls import reverse

from s75.api.models import TokenScope
from s75.api.services import api_token_create

pytestmark = pytest.mark.django_db


def test_the_api_without_a_token_and_with_one(client, manager):
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200 and "no-store" not in docs.get("Cache-Control", "")
    assert "camera=()" in docs["Permissions-Policy"]
    secret = api_token_create(actor=manager, name="Headers", scope=TokenScope.READ, days=7).secret
    answer = client.get(reverse("api:agreements"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
