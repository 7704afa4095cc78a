"""The risk-share terms page: a 200 and a 403 and a 404, the terms saved with their plain-English summary, and the
service's refusals shown on the form."""

import pytest
from django.urls import reverse

from s75.organisations.models import Organisation
from s75.riskshare.models import RiskShareTerms
from tests.factories import UserFactory, complete_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement():
    return complete_agreement()


def manager_of(agreement):
    host = agreement.parties.get(is_host=True)
    return UserFactory(role="Pooled fund manager", organisation=Organisation.objects.get(pk=host.organisation_id))


def test_a_manager_sets_the_terms_and_reads_them_back_in_plain_english(client, agreement):
    council, nhs = agreement.parties.order_by("position")
    client.force_login(manager_of(agreement))
    url = reverse("riskshare:terms_edit", args=[agreement.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "overspend_rule": "fixed", "underspend_rule": "pool_share", "offset_first": "on",
        "contingency_reserve": "£50,000", "maladministration_borne_by_host": "on",
        f"fixed_{council.pk}": "60", f"fixed_{nhs.pk}": "40", f"cap_{nhs.pk}": "£250,000",
    }, follow=True)
    terms = RiskShareTerms.objects.get(agreement=agreement, financial_year=None, schedule=None)
    assert (terms.overspend_rule, terms.contingency_reserve_pence) == ("fixed", 50_000_00)
    assert terms.party_terms.get(party=nhs).cap_pence == 250_000_00
    page = response.content.decode()
    assert "Overspends are shared in fixed percentages" in page
    assert "capped at £250,000" in page
    again = client.get(url).content.decode()
    assert 'value="£250000.00"' in again and "Overspends are shared in fixed percentages" in again


def test_terms_for_one_year_and_one_schedule(client, agreement):
    client.force_login(manager_of(agreement))
    url = reverse("riskshare:terms_edit", args=[agreement.pk]) + "?year=2024-25&schedule=1"
    assert "Risk-share terms for schedule 1 (Joint Equipment Store) in 2024-25" in client.get(url).content.decode()
    client.post(url, {"overspend_rule": "lead_commissioner", "underspend_rule": "carry_forward",
                      "maladministration_borne_by_host": "on"})
    terms = RiskShareTerms.objects.get(agreement=agreement)
    assert (terms.financial_year, terms.schedule.number, terms.overspend_rule) == (2024, 1, "lead_commissioner")
    assert client.get(reverse("riskshare:terms_edit", args=[agreement.pk]) + "?schedule=9").status_code == 404


def test_a_schedules_terms_may_pool_the_care_recharged_on_it(client, agreement):
    client.force_login(manager_of(agreement))
    url = reverse("riskshare:terms_edit", args=[agreement.pk]) + "?schedule=1"
    assert 'name="recharges_pooled"' in client.get(url).content.decode()
    response = client.post(url, {"overspend_rule": "contribution_share", "underspend_rule": "contribution_share",
                                 "maladministration_borne_by_host": "on", "recharges_pooled": "on"}, follow=True)
    terms = RiskShareTerms.objects.get(agreement=agreement)
    assert (terms.schedule.number, terms.recharges_pooled) == (1, True)
    assert "recharges to it is shared as pooled spend" in response.content.decode()


def test_the_services_refusal_is_on_the_form_and_nothing_is_saved(client, agreement):
    council, nhs = agreement.parties.order_by("position")
    client.force_login(manager_of(agreement))
    response = client.post(reverse("riskshare:terms_edit", args=[agreement.pk]), {
        "overspend_rule": "fixed", "underspend_rule": "contribution_share",
        f"fixed_{council.pk}": "60", f"fixed_{nhs.pk}": "30",
    })
    assert response.status_code == 200
    assert "must add up to exactly 100, not 90" in response.content.decode()
    assert not RiskShareTerms.objects.exists()


def test_others_may_not_change_the_terms(client, agreement):
    url = reverse("riskshare:terms_edit", args=[agreement.pk])
    client.force_login(UserFactory(role="Pooled fund manager"))
    assert client.get(url).status_code == 404  # another organisation's agreement
    host = agreement.parties.get(is_host=True)
    client.force_login(UserFactory(role="Board member", organisation=Organisation.objects.get(pk=host.organisation_id)))
    assert client.get(url).status_code == 403


def test_a_schedules_terms_offer_no_caps_offsetting_or_reserve(client, agreement):
    """Those work across the pool for the year: the form for one schedule leaves them out and says why."""
    council, nhs = agreement.parties.order_by("position")
    client.force_login(manager_of(agreement))
    url = reverse("riskshare:terms_edit", args=[agreement.pk]) + "?schedule=1"
    page = client.get(url).content.decode()
    assert f'name="fixed_{council.pk}"' in page
    assert f'name="cap_{nhs.pk}"' not in page and 'name="offset_first"' not in page
    assert "Caps, offsetting and the contingency reserve are set in the terms for the whole fund" in page
    client.post(url, {"overspend_rule": "host", "underspend_rule": "host_retains", f"cap_{nhs.pk}": "£1,000",
                      "offset_first": "on", "contingency_reserve": "£5,000"})
    terms = RiskShareTerms.objects.get(agreement=agreement)
    assert (terms.overspend_rule, terms.offset_first, terms.contingency_reserve_pence) == ("host", False, 0)
    assert not terms.party_terms.exists()


def test_a_bad_cap_percentage_is_reported_at_the_cap_not_at_the_fixed_percentage(client, agreement):
    council, nhs = agreement.parties.order_by("position")
    client.force_login(manager_of(agreement))
    response = client.post(reverse("riskshare:terms_edit", args=[agreement.pk]), {
        "overspend_rule": "contribution_share", "underspend_rule": "contribution_share",
        f"fixed_{council.pk}": "", f"cap_percent_{nhs.pk}": "ten",
    })
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get(f"cap_percent_{nhs.pk}") and f"fixed_{nhs.pk}" not in form.errors
    assert not RiskShareTerms.objects.exists()


def test_the_services_refusal_of_one_partners_term_is_at_that_partners_field(client, agreement):
    council, nhs = agreement.parties.order_by("position")
    client.force_login(manager_of(agreement))
    response = client.post(reverse("riskshare:terms_edit", args=[agreement.pk]), {
        "overspend_rule": "contribution_share", "underspend_rule": "contribution_share",
        f"cap_{nhs.pk}": "£1,000", f"cap_percent_{nhs.pk}": "10", "contingency_reserve": "",
    })
    form = response.context["form"]
    assert list(form.errors) == [f"cap_percent_{nhs.pk}"]
    assert form.errors[f"cap_percent_{nhs.pk}"] == [
        f"{nhs}: a cap is an amount or a percentage of the partner's contribution, not both"]
    assert not RiskShareTerms.objects.exists()
