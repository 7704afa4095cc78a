"""The admin shows the domain to staff but changes nothing: every change goes through the services."""

import pytest

from tests.factories import complete_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_agreement(admin_client):
    return admin_client, complete_agreement()


def test_staff_can_read_an_agreement(admin_client_with_agreement):
    client, agreement = admin_client_with_agreement
    response = client.get(f"/admin/agreements/agreement/{agreement.pk}/change/")
    assert response.status_code == 200
    assert agreement.title in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/agreements/agreement/add/",
        "/admin/agreements/transition/add/",
        "/admin/agreements/variation/add/",
        "/admin/budgets/contribution/add/",
        "/admin/organisations/organisation/add/",
        "/admin/audit/auditevent/add/",
    ],
)
def test_nothing_can_be_added_through_the_admin(admin_client, url):
    assert admin_client.get(url).status_code == 403


def test_an_agreement_cannot_be_changed_or_deleted_through_the_admin(admin_client_with_agreement):
    client, agreement = admin_client_with_agreement
    client.post(f"/admin/agreements/agreement/{agreement.pk}/change/", {"title": "Hijacked"})
    assert client.post(f"/admin/agreements/agreement/{agreement.pk}/delete/", {"post": "yes"}).status_code == 403
    agreement.refresh_from_db()
    assert agreement.title != "Hijacked"
