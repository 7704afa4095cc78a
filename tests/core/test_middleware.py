"""Every page carries the Content-Security-Policy (no inline script or style) and the Permissions-Policy; a signed-in
reader's pages and downloads are never stored (``Cache-Control: no-store``), a public page may be."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_hardened(response) -> None:
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"] and directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"] and directives["form-action"] == ["'self'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_and_downloads_are_hardened_and_never_stored(manager_client, luton):
    for url in [reverse("home:index"), reverse("agreements:list"), reverse("agreements:detail", args=[luton.pk]),
                reverse("account")]:
        response = manager_client.get(url)
        assert response.status_code == 200, url
        assert_hardened(response)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url


def test_a_download_is_never_stored(manager_client, luton):
    response = manager_client.get(reverse("agreements:list_xlsx"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_public_pages_carry_the_policies_but_may_be_stored(client):
    for url in [reverse("login"), reverse("consult:hub")]:
        assert_hardened(client.get(url))
    assert "no-store" not in client.get(reverse("consult:hub")).get("Cache-Control", "")

