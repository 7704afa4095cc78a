"""Renewing an agreement from its page: a draft successor with each partner's successor organisation."""

import pytest
from django.urls import reverse

from s75.agreements.models import Agreement, AgreementStatus

from .luton import luton_bring_into_force

pytestmark = pytest.mark.django_db

RENEWAL = {
    "reference": "luton-s75-s76-2023", "title": "Luton Section 75 and 76 Agreement 2023",
    "start_date-day": "1", "start_date-month": "4", "start_date-year": "2023",
    "end_date-day": "31", "end_date-month": "3", "end_date-year": "2026",
}


def test_the_form_suggests_the_title_and_the_day_after_the_end_date(manager_client, luton_in_force):
    response = manager_client.get(reverse("agreements:renew", args=[luton_in_force.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Renew the agreement" in page
    assert 'value="Luton Section 75 and 76 Agreement"' in page
    assert 'name="start_date-day" type="text" inputmode="numeric" value="1"' in page
    assert 'name="start_date-month" type="text" inputmode="numeric" value="4"' in page
    assert 'name="start_date-year" type="text" inputmode="numeric" value="2016"' in page


def test_a_renewal_is_a_draft_with_the_partners_successor(manager_client, luton_in_force):
    response = manager_client.post(reverse("agreements:renew", args=[luton_in_force.pk]), RENEWAL)
    renewal = Agreement.objects.get(reference="luton-s75-s76-2023")
    assert response.status_code == 302 and response.url == reverse("agreements:detail", args=[renewal.pk])
    assert renewal.status == AgreementStatus.DRAFT and renewal.predecessor == luton_in_force
    assert (renewal.title, str(renewal.start_date), str(renewal.end_date)) == (
        "Luton Section 75 and 76 Agreement 2023", "2023-04-01", "2026-03-31")
    # NHS Luton CCG (06P) was succeeded by the Bedfordshire, Luton and Milton Keynes ICB (QHG) in July 2022.
    assert [party.organisation.code for party in renewal.parties.order_by("position")] == ["E06000032", "QHG"]
    assert renewal.schedules.count() == 5

    page = manager_client.get(response.url).content.decode()
    assert "The renewal luton-s75-s76-2023 was drafted" in page
    assert f'<a class="govuk-link" href="{reverse("agreements:detail", args=[luton_in_force.pk])}">' in page
    original = manager_client.get(reverse("agreements:detail", args=[luton_in_force.pk])).content.decode()
    assert "Renewed by" in original
    assert f'href="{reverse("agreements:detail", args=[renewal.pk])}">Luton Section 75 and 76 Agreement 2023</a>' in (
        original
    )


def test_a_refused_renewal_shows_the_services_problems_and_drafts_nothing(manager_client, luton):
    page = manager_client.post(reverse("agreements:renew", args=[luton.pk]), RENEWAL).content.decode()
    assert "There is a problem" in page
    assert "<li>Only an approved agreement or one in force can be renewed</li>" in page
    assert not Agreement.objects.filter(reference="luton-s75-s76-2023").exists()


def test_problems_link_to_the_field_they_concern(manager_client, luton_in_force):
    url = reverse("agreements:renew", args=[luton_in_force.pk])
    page = manager_client.post(url, {**RENEWAL, "reference": luton_in_force.reference}).content.decode()
    assert '<a href="#id_reference">An agreement with the reference &#x27;luton-s75-s76-2013&#x27; is' in page
    page = manager_client.post(url, {**RENEWAL, "start_date-year": "2012"}).content.decode()
    assert '<a href="#id_start_date">A renewal starts after the agreement it renews</a>' in page
    page = manager_client.post(url, {**RENEWAL, "end_date-year": "2022"}).content.decode()
    assert '<a href="#id_end_date">The end (31 March 2022) must be after the start (1 April 2023)</a>' in page
    assert 'class="govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error"' in page
    assert Agreement.objects.count() == 1


def test_a_board_member_may_not_renew(board_client, luton_in_force):
    assert board_client.get(reverse("agreements:renew", args=[luton_in_force.pk])).status_code == 403
    assert board_client.post(reverse("agreements:renew", args=[luton_in_force.pk]), RENEWAL).status_code == 403
    assert Agreement.objects.count() == 1


def test_another_organisation_cannot_find_it(outsider_client, luton_in_force):
    assert outsider_client.get(reverse("agreements:renew", args=[luton_in_force.pk])).status_code == 404
    assert outsider_client.post(reverse("agreements:renew", args=[luton_in_force.pk]), RENEWAL).status_code == 404


def test_the_agreement_page_links_to_renewal_only_when_it_can_be_renewed_by_the_user(
    manager_client, luton, luton_manager, board_member, client
):
    url = reverse("agreements:renew", args=[luton.pk])
    assert url not in manager_client.get(reverse("agreements:detail", args=[luton.pk])).content.decode()
    luton_bring_into_force(actor=luton_manager, agreement=luton)
    assert url in manager_client.get(reverse("agreements:detail", args=[luton.pk])).content.decode()
    client.force_login(board_member)
    assert url not in client.get(reverse("agreements:detail", args=[luton.pk])).content.decode()
