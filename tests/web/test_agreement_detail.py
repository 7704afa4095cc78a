"""The agreement page and the schedule pages: what they show, and who may see them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from s75.agreements.services import schedule_update
from s75.riskshare.services import risk_share_terms_set

pytestmark = pytest.mark.django_db


def test_shows_the_agreement_its_partners_and_schedules(manager_client, luton):
    page = manager_client.get(reverse("agreements:detail", args=[luton.pk])).content.decode()
    assert "s75, s76" in page
    assert "Pooled fund, lead commissioning" in page
    assert "1 April 2013 to 31 March 2016" in page
    assert "Maud O&#x27;Leary, Head of Adult Joint Commissioning" in page
    assert "E06000032" in page and "06P" in page
    assert reverse("agreements:schedule_detail", args=[luton.pk, 4]) in page
    assert "LD Pooled Purchasing Budget" in page
    assert reverse("budgets:financial_schedule", args=[luton.pk, "2013-14"]) in page
    assert reverse("agreements:audit", args=[luton.pk]) in page


def test_shows_what_the_content_checklist_misses_and_excluded_functions(manager_client, luton, luton_manager):
    schedule_update(actor=luton_manager, schedule=luton.schedules.get(number=2), nhs_functions="Endoscopy clinic",
                    resources="")
    page = manager_client.get(reverse("agreements:detail", args=[luton.pk])).content.decode()
    assert "(e) Staff, goods, services or accommodation provided" in page
    assert "Schedule 2 (Joint Equipment Store) does not say what staff, goods or accommodation are provided" in page
    assert "names &#x27;Endoscopy clinic&#x27;, which falls under an excluded function" in page


def test_the_lifecycle_panel_lists_each_move_with_what_it_needs(manager_client, luton):
    page = manager_client.get(reverse("agreements:detail", args=[luton.pk])).content.decode()
    assert 'value="consultation"' in page
    assert "Luton Borough Council has not recorded its approval" in page
    assert reverse("agreements:transition", args=[luton.pk]) in page


def test_history_shows_transitions_and_variations(manager_client, luton_in_force):
    page = manager_client.get(reverse("agreements:detail", args=[luton_in_force.pk])).content.decode()
    assert "Approved → In force" in page
    assert "Signed by both partners" in page
    assert "Maud O&#x27;Leary" in page
    assert "As commenced" in page


def test_history_rows_are_headed_by_when_the_move_was_made(manager_client, luton_in_force):
    page = manager_client.get(reverse("agreements:detail", args=[luton_in_force.pk])).content.decode()
    history = page[page.index("Lifecycle moves"):]
    history = history[:history.index("</table>")]
    assert history.count('<th scope="row" class="govuk-table__header govuk-!-font-weight-regular">') == 2
    assert luton_in_force.transitions.count() == 2


def test_shows_each_set_of_risk_share_terms_in_words_with_what_it_covers(manager_client, luton, luton_manager):
    page = manager_client.get(reverse("agreements:detail", args=[luton.pk])).content.decode()
    assert "No risk-share terms are recorded." in page
    council, ccg = luton.parties.order_by("position")
    risk_share_terms_set(actor=luton_manager, agreement=luton, financial_year=None, overspend_rule="host",
                         underspend_rule="contribution_share", party_terms=[])
    risk_share_terms_set(
        actor=luton_manager, agreement=luton, financial_year=2014, schedule=luton.schedules.get(number=4),
        overspend_rule="fixed", underspend_rule="fixed", party_terms=[
            {"party": council, "fixed_percent": Decimal("60")}, {"party": ccg, "fixed_percent": Decimal("40")}],
    )
    page = manager_client.get(reverse("agreements:detail", args=[luton.pk])).content.decode()
    section = page[page.index(">Risk share</h2>"):page.index(">Content checklist</h2>")]
    assert section.index("The whole fund") < section.index("Every year") < section.index("Schedule 4: LD Pooled")
    assert "2014-15 only" in section
    assert ("Overspends are borne by the host partner (Luton Borough Council); underspends are returned in "
            "proportion to each partner&#x27;s contribution to the schedule") in section
    assert ("For schedule 4 (LD Pooled Purchasing Budget) in 2014-15, overspends are shared in fixed percentages "
            "(Luton Borough Council 60%, NHS Luton Clinical Commissioning Group 40%)") in section
    assert reverse("agreements:schedule_detail", args=[luton.pk, 4]) in section


def test_a_board_member_reads_the_page_without_forms_or_change_links(board_client, luton):
    response = board_client.get(reverse("agreements:detail", args=[luton.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("agreements:transition", args=[luton.pk]) not in page
    assert reverse("agreements:edit", args=[luton.pk]) not in page
    assert reverse("agreements:audit", args=[luton.pk]) not in page
    assert "Luton Borough Council has not recorded its approval" in page


def test_another_organisation_gets_not_found(outsider_client, luton):
    response = outsider_client.get(reverse("agreements:detail", args=[luton.pk]))
    assert response.status_code == 404
    assert b"Page not found" in response.content and b"Luton" not in response.content


def test_schedule_page_shows_the_schedule_and_its_contributions(manager_client, luton):
    response = manager_client.get(reverse("agreements:schedule_detail", args=[luton.pk, 4]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Schedule 4: LD Pooled Purchasing Budget" in page
    assert "£2,052,000.00" in page and "£2,130,000.00" in page
    assert "Learning disability services" in page


def test_schedule_page_is_not_found_for_another_organisation_or_a_missing_schedule(
    outsider_client, luton, client, luton_manager
):
    assert outsider_client.get(reverse("agreements:schedule_detail", args=[luton.pk, 1])).status_code == 404
    client.force_login(luton_manager)
    assert client.get(reverse("agreements:schedule_detail", args=[luton.pk, 99])).status_code == 404
