"""The forms that change an agreement: each saves through its service, shows every refusal in the error summary,
and saves nothing when refused. Once the agreement is in force each change is recorded as a variation."""

import pytest
from django.urls import reverse

from s75.agreements.models import Agreement, AgreementStatus, Approval, Party, Schedule
from tests.agreements.luton import AGREEMENT

pytestmark = pytest.mark.django_db



def test_create_makes_a_draft_with_the_users_organisation_as_host(manager_client, luton_manager):
    response = manager_client.post(reverse("agreements:create"), AGREEMENT)
    agreement = Agreement.objects.get(reference="luton-bcf-2015")
    assert response.status_code == 302 and response.url == reverse("agreements:detail", args=[agreement.pk])
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.is_better_care_fund and agreement.pooled_fund and not agreement.basis_s76
    assert str(agreement.start_date) == "2015-04-01"
    assert agreement.host.organisation == luton_manager.organisation
    assert manager_client.get(response.url).status_code == 200


def test_create_refuses_a_section_75_agreement_without_a_flexibility(manager_client):
    page = manager_client.post(reverse("agreements:create"), {**AGREEMENT, "flexibilities": []}).content.decode()
    assert '<a href="#id_flexibilities_0">Select the flexibilities a section 75 agreement uses' in page
    assert not Agreement.objects.filter(reference="luton-bcf-2015").exists()


def test_create_shows_the_services_problems(manager_client, luton):
    data = {**AGREEMENT, "reference": luton.reference, "end_date-year": "2014"}
    page = manager_client.post(reverse("agreements:create"), data).content.decode()
    assert ('<a href="#id_reference">The reference &#x27;luton-s75-s76-2013&#x27; is already used in '
            'Luton&#x27;s register: choose another') in page
    assert '<a href="#id_end_date">The end date must be after the start date</a>' in page
    assert Agreement.objects.count() == 1


def test_create_explains_a_date_that_is_not_real(manager_client):
    page = manager_client.post(reverse("agreements:create"), {**AGREEMENT, "start_date-month": "13"}).content.decode()
    assert '<a href="#id_start_date">Enter a real date, for example 31 3 2016</a>' in page
    assert not Agreement.objects.exists()


def test_edit_changes_the_agreement(manager_client, luton):
    form = manager_client.get(reverse("agreements:edit", args=[luton.pk])).content.decode()
    assert 'value="Luton Section 75 and 76 Agreement"' in form
    assert 'name="start_date-year" type="text" inputmode="numeric" value="2013"' in form
    data = {
        "title": "Luton Section 75 and 76 Agreement 2013", "legal_basis": ["basis_s75", "basis_s76"],
        "flexibilities": ["pooled_fund", "lead_commissioning"],
        "start_date-day": "1", "start_date-month": "4", "start_date-year": "2013",
        "end_date-day": "31", "end_date-month": "3", "end_date-year": "2016",
        "extension_months_available": "12", "renewal_notice_months": "6",
        "pooled_fund_manager_name": luton.pooled_fund_manager_name,
        "pooled_fund_manager_title": luton.pooled_fund_manager_title,
        "consultation_closed_on-day": "11", "consultation_closed_on-month": "3", "consultation_closed_on-year": "2013",
        **{name: getattr(luton, name) for name in [
            "contribution_variation_terms", "review_terms", "variation_terms", "termination_terms",
            "fund_management_terms", "prior_agreement_clause"]},
    }
    response = manager_client.post(reverse("agreements:edit", args=[luton.pk]), data)
    assert response.status_code == 302
    luton.refresh_from_db()
    assert (luton.title, luton.extension_months_available) == ("Luton Section 75 and 76 Agreement 2013", 12)
    event = luton.audit_events.filter(action="agreement_update").get()
    assert set(event.after) == {"title", "extension_months_available"}


def test_add_party_finds_the_organisation_by_its_code(manager_client, luton):
    data = {"organisation": "QHG", "requires_prior_agreement": "yes"}
    response = manager_client.post(reverse("agreements:party_add", args=[luton.pk]), data)
    assert response.status_code == 302
    party = luton.parties.get(organisation__ods_code="QHG")
    assert party.requires_prior_agreement and not party.is_host
    assert party.name_in_agreement == party.organisation.name


def test_add_party_with_an_unknown_code_says_so(manager_client, luton):
    data = {"organisation": "XXX", "requires_prior_agreement": "yes"}
    page = manager_client.post(reverse("agreements:party_add", args=[luton.pk]), data).content.decode()
    assert '<a href="#id_organisation">No organisation has the code XXX' in page
    assert luton.parties.count() == 2


def test_add_party_refused_by_the_service_shows_why(manager_client, luton):
    data = {"organisation": "06P", "requires_prior_agreement": "yes"}
    page = manager_client.post(reverse("agreements:party_add", args=[luton.pk]), data).content.decode()
    assert '<a href="#id_organisation">NHS Luton CCG is already a party to this agreement</a>' in page


def test_a_problem_with_a_single_checkbox_is_shown_at_it_and_described_by_it(manager_client, luton):
    data = {"organisation": "QHG", "requires_prior_agreement": "no", "is_host": "on"}
    page = manager_client.post(reverse("agreements:party_add", args=[luton.pk]), data).content.decode()
    assert '<a href="#id_is_host">Luton Borough Council is already the host; an agreement has one host</a>' in page
    assert '<p id="id_is_host-error" class="govuk-error-message">' in page
    checkbox = page[page.index('<input class="govuk-checkboxes__input" id="id_is_host"'):]
    assert 'aria-describedby="id_is_host-error"' in checkbox[:checkbox.index(">")]
    assert luton.parties.count() == 2


def test_add_and_change_a_schedule(manager_client, luton):
    data = {"title": "Carers' support", "funding_type": "pooled", "lead_commissioner": "",
            "nhs_functions": "Carers' breaks\nCarers' assessments"}
    response = manager_client.post(reverse("agreements:schedule_create", args=[luton.pk]), data)
    schedule = luton.schedules.get(title="Carers' support")
    assert schedule.number == 6
    assert response.url == reverse("agreements:schedule_detail", args=[luton.pk, 6])
    assert schedule.nhs_functions.splitlines() == ["Carers' breaks", "Carers' assessments"]

    council = luton.parties.get(is_host=True)
    form = manager_client.get(reverse("agreements:schedule_edit", args=[luton.pk, 6])).content.decode()
    assert 'value="Carers&#x27; support"' in form
    data = {**data, "number": "7", "funding_type": "aligned", "lead_commissioner": str(council.pk)}
    response = manager_client.post(reverse("agreements:schedule_edit", args=[luton.pk, 6]), data)
    assert response.url == reverse("agreements:schedule_detail", args=[luton.pk, 7])
    schedule.refresh_from_db()
    assert (schedule.number, schedule.funding_type, schedule.lead_commissioner) == (7, "aligned", council)


def test_a_schedule_number_already_used_is_refused(manager_client, luton):
    data = {"title": "Carers' support", "number": "2", "funding_type": "pooled"}
    page = manager_client.post(reverse("agreements:schedule_create", args=[luton.pk]), data).content.decode()
    assert '<li><a href="#id_number">Schedule number 2 is already used</a></li>' in page
    assert '<span class="govuk-visually-hidden">Error:</span> Schedule number 2 is already used' in page
    assert luton.schedules.count() == 5


def test_record_an_approval(manager_client, luton):
    data = {"party": str(luton.parties.get(is_host=True).pk), "decided_on-day": "25", "decided_on-month": "3",
            "decided_on-year": "2013", "decision_maker": "Executive", "reference": "Item 10"}
    response = manager_client.post(reverse("agreements:approval_record", args=[luton.pk]), data)
    assert response.status_code == 302
    approval = Approval.objects.get(agreement=luton)
    assert (str(approval.decided_on), approval.decision_maker) == ("2013-03-25", "Executive")


def test_changes_to_an_agreement_in_force_ask_for_the_variation(manager_client, luton_in_force):
    url = reverse("agreements:schedule_edit", args=[luton_in_force.pk, 2])
    form = manager_client.get(url).content.decode()
    assert "Date the variation takes effect" in form
    data = {"number": "2", "title": "Community Equipment Store", "funding_type": "pooled",
            **{name: getattr(luton_in_force.schedules.get(number=2), name) for name in [
                "aims_and_outcomes", "nhs_functions", "eligible_people", "services", "resources"]}}
    page = manager_client.post(url, data).content.decode()
    assert '<a href="#id_variation_effective_from">Enter the date the variation takes effect</a>' in page
    assert not Schedule.objects.filter(title="Community Equipment Store").exists()

    variation = {"variation_effective_from-day": "1", "variation_effective_from-month": "10",
                 "variation_effective_from-year": "2014", "variation_description": "Renames the equipment store",
                 "variation_approval_reference": "Executive, 15 September 2014"}
    response = manager_client.post(url, {**data, **variation})
    assert response.status_code == 302
    recorded = luton_in_force.variations.get(number=1)
    assert (str(recorded.effective_from), recorded.description) == ("2014-10-01", "Renames the equipment store")
    assert [s["title"] for s in recorded.document_after["schedules"]][1] == "Community Equipment Store"


def test_a_variation_outside_the_term_is_refused(manager_client, luton_in_force):
    data = {"organisation": "QHG", "requires_prior_agreement": "yes", "variation_effective_from-day": "1",
            "variation_effective_from-month": "4", "variation_effective_from-year": "2020",
            "variation_description": "Adds the ICB"}
    page = manager_client.post(reverse("agreements:party_add", args=[luton_in_force.pk]), data).content.decode()
    assert "A variation must take effect within the term (01 April 2013 to 31 March 2016)" in page
    assert not Party.objects.filter(agreement=luton_in_force, organisation__ods_code="QHG").exists()


