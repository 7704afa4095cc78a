"""What an agreement said on a given date."""

from datetime import date

import pytest
from django.urls import reverse

from s75.agreements.services import VariationDetails
from s75.budgets.models import FundingStream
from s75.budgets.services import contribution_set

pytestmark = pytest.mark.django_db


def test_shows_the_agreement_in_force_on_the_date_with_its_contribution_totals(manager_client, luton_in_force):
    response = manager_client.get(reverse("agreements:as_at", args=[luton_in_force.pk]), {"date": "2014-06-30"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "As at 30 June 2014" in page
    assert "1 April 2013 to 31 March 2016" in page
    assert "Joint Equipment Store" in page
    assert "Contributions 2013-14" in page
    assert "£3,102,500" in page and "£6,596,000" in page


def test_a_later_variation_is_not_in_what_an_earlier_date_shows(manager_client, luton_in_force, luton_manager):
    contribution_set(
        actor=luton_manager, schedule=luton_in_force.schedules.get(number=2), party=luton_in_force.host,
        financial_year=2014, funding_stream=FundingStream.objects.get(code="core"), amount_pence=60_000_000,
        variation=VariationDetails(effective_from=date(2014, 4, 1), description="Equipment store budget 2014-15"),
    )
    url = reverse("agreements:as_at", args=[luton_in_force.pk])
    assert "Contributions 2014-15" not in manager_client.get(url, {"date": "2014-03-31"}).content.decode()
    assert "£600,000" in manager_client.get(url, {"date": "2014-04-01"}).content.decode()


def test_says_when_the_agreement_was_not_in_force(manager_client, luton_in_force):
    page = manager_client.get(reverse("agreements:as_at", args=[luton_in_force.pk]),
                              {"date-day": "1", "date-month": "1", "date-year": "2013"}).content.decode()
    assert "The agreement was not in force on 1 January 2013." in page


def test_a_date_that_is_not_real_is_explained(manager_client, luton_in_force):
    page = manager_client.get(reverse("agreements:as_at", args=[luton_in_force.pk]), {"date": "2014-02-30"})
    assert '<a href="#id_date">Enter a real date, for example 31 3 2016</a>' in page.content.decode()


def test_another_organisation_cannot_find_it(outsider_client, luton_in_force):
    url = reverse("agreements:as_at", args=[luton_in_force.pk])
    assert outsider_client.get(url, {"date": "2014-06-30"}).status_code == 404
