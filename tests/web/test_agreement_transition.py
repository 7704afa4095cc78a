"""Moving an agreement through its lifecycle from its page."""

import pytest
from django.urls import reverse

from s75.agreements.models import AgreementStatus

from .luton import luton_approve

pytestmark = pytest.mark.django_db


def test_a_refused_move_shows_its_reasons_and_changes_nothing(manager_client, luton):
    response = manager_client.post(reverse("agreements:transition", args=[luton.pk]),
                                   {"move": "approved", "reason": "Approved by the Executive"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "<li>Luton Borough Council has not recorded its approval</li>" in page
    assert "<li>NHS Luton Clinical Commissioning Group has not recorded its approval</li>" in page
    luton.refresh_from_db()
    assert luton.status == AgreementStatus.DRAFT
    assert not luton.transitions.exists()


def test_a_move_without_a_reason_is_refused(manager_client, luton, luton_manager):
    luton_approve(actor=luton_manager, agreement=luton)
    page = manager_client.post(reverse("agreements:transition", args=[luton.pk]), {"move": "approved"}).content
    assert b'<a href="#id_reason">Say why: the reason is recorded in the agreement&#x27;s history</a>' in page
    luton.refresh_from_db()
    assert luton.status == AgreementStatus.DRAFT


def test_a_permitted_move_changes_the_status_and_records_who_and_why(manager_client, luton, luton_manager):
    luton_approve(actor=luton_manager, agreement=luton)
    response = manager_client.post(reverse("agreements:transition", args=[luton.pk]),
                                   {"move": "approved", "reason": "Approved by the Executive on 25 March"})
    assert response.status_code == 302
    luton.refresh_from_db()
    assert luton.status == AgreementStatus.APPROVED
    transition = luton.transitions.get()
    assert (transition.by, transition.reason) == (luton_manager, "Approved by the Executive on 25 March")
    page = manager_client.get(response.url).content.decode()
    assert "govuk-notification-banner--success" in page
    assert "The agreement is now approved" in page


def test_choosing_no_move_links_the_error_to_the_options(manager_client, luton):
    page = manager_client.post(reverse("agreements:transition", args=[luton.pk]), {"reason": "x"}).content.decode()
    assert '<a href="#id_move_0">Select where to move the agreement</a>' in page


def test_a_board_member_may_not_move_the_agreement(board_client, luton):
    response = board_client.post(reverse("agreements:transition", args=[luton.pk]),
                                 {"move": "consultation", "reason": "Out to consultation"})
    assert response.status_code == 403
    luton.refresh_from_db()
    assert luton.status == AgreementStatus.DRAFT


def test_another_organisation_cannot_find_it(outsider_client, luton):
    response = outsider_client.post(reverse("agreements:transition", args=[luton.pk]),
                                    {"move": "consultation", "reason": "Out to consultation"})
    assert response.status_code == 404


def test_the_move_is_a_post(manager_client, luton):
    assert manager_client.get(reverse("agreements:transition", args=[luton.pk])).status_code == 405
