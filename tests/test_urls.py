"""The site map's own pages: the home page at ``/``, and the product's pages for a page not found and for a server
error, which the demo shows too (its DEBUG is off: tests/settings/test_dev.py)."""

import pytest
from django.test import Client
from django.urls import path, resolve, reverse

from s75.home.views import home_view
from s75.urls import urlpatterns as site


def _broken_view(request):
    raise RuntimeError("a fault in s75")


# This module is the URL conf of the server-error test: the site, and a page that fails.
urlpatterns = [*site, path("broken/", _broken_view)]


def test_the_home_page_is_at_the_root():
    assert reverse("home:index") == "/"
    assert resolve("/").func is home_view


def test_a_page_not_found_is_the_products_own(client, manager):
    client.force_login(manager)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found – s75 partnership agreements</title>" in page
    assert f'href="{reverse("home:index")}">Go to your home page</a>' in page
    assert 'rel="icon" href="/static/s75/favicon.svg"' in page
    assert "Django" not in page and "urlpatterns" not in page


@pytest.mark.urls("tests.test_urls")
def test_a_server_error_is_the_products_own_page_without_the_error(db, manager):
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    response = client.get("/broken/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1 class=\"govuk-heading-l\">Sorry, there is a problem with the service</h1>" in page
    assert "/static/vendor/govuk-frontend/govuk-frontend.min.css" in page
    assert "a fault in s75" not in page and "Traceback" not in page and "RuntimeError" not in page
