"""The agreement pages: the register, an agreement and its schedules, the agreement as at a date, its moves through
the lifecycle and the acts offered, renewal, and the audit trail; what each shows, and who may see it."""

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from s75.agreements.models import Agreement, AgreementStatus
from s75.agreements.renewal import agreement_renew
from s75.agreements.services import (
    AgreementError,
    VariationDetails,
    agreement_transition,
    agreement_update,
    approval_record,
    schedule_update,
)
from s75.budgets.models import FundingStream
from s75.budgets.services import contribution_set
from s75.riskshare.services import risk_share_terms_set
from tests.factories import UserFactory, complete_agreement

from .luton import AGREEMENT, luton_approve, luton_bring_into_force

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


def test_a_succeeded_partner_is_named_by_its_successor_and_what_it_was(manager_client, luton):
    page = manager_client.get(reverse("agreements:detail", args=[luton.pk])).content.decode()
    assert ("NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board (formerly NHS Luton CCG)"
            in page.replace("&#x27;", "'"))
    council, ccg = luton.parties.order_by("position")
    assert council.display_name == str(council) == council.name_in_agreement
    assert ccg.display_name == (
        "NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board (formerly NHS Luton CCG)"
    )
    assert str(ccg) == ccg.name_in_agreement  # messages and files keep the agreement's name


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


# The register of agreements a user's organisation is party to.

def test_lists_the_agreement_with_its_status_partners_term_and_next_key_date(manager_client, luton):
    page = manager_client.get(reverse("agreements:list")).content.decode()
    assert "Luton Section 75 and 76 Agreement" in page
    assert "luton-s75-s76-2013" in page
    assert '<strong class="govuk-tag govuk-tag--grey">Draft</strong>' in page
    assert "Luton Borough Council" in page and "NHS Luton Clinical Commissioning Group" in page
    assert "1 Apr 2013 to 31 Mar 2016" in page
    assert "Starts: 1 Apr 2013" in page
    assert "Create an agreement" in page


def test_an_agreement_in_force_past_its_renewal_alert_shows_renewal_due(manager_client, luton_in_force):
    page = manager_client.get(reverse("agreements:list")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">In force</strong>' in page
    assert "Renewal due" in page
    assert "Ends: 31 Mar 2016" in page


def test_filters_by_status(manager_client, luton):
    assert "Luton Section 75" in manager_client.get(reverse("agreements:list"), {"status": "draft"}).content.decode()
    page = manager_client.get(reverse("agreements:list"), {"status": "in_force"}).content.decode()
    assert "Luton Section 75" not in page
    assert "No agreements match this search" in page and "Status: In force" in page


@pytest.fixture
def equipment(luton):
    """A second agreement of Luton's council, with an NHS partner of its own, from 2024-25."""
    return complete_agreement(host=luton.host.organisation, title="Joint equipment partnership",
                              reference="luton-equipment-2024")


def listed(response) -> list[str]:
    return [row.agreement.reference for row in response.context["rows"]]


def test_the_register_is_searched_and_filtered_with_a_count_and_a_way_back(manager_client, luton, equipment):
    url = reverse("agreements:list")
    response = manager_client.get(url)
    assert listed(response) == ["luton-equipment-2024", "luton-s75-s76-2013"]  # by title
    assert "Clear filters" not in response.content.decode()
    response = manager_client.get(url, {"search": "clinical commissioning"})
    assert listed(response) == ["luton-s75-s76-2013"]
    page = response.content.decode()
    assert "1 agreement\n" in page and "Search: clinical commissioning" in page
    assert 'value="clinical commissioning"' in page  # the form keeps what was typed
    assert f'<a class="govuk-link" href="{url}">Clear filters</a>' in page
    assert listed(manager_client.get(url, {"search": "06P"})) == ["luton-s75-s76-2013"]
    assert listed(manager_client.get(url, {"search": "luton-equip"})) == ["luton-equipment-2024"]
    nhs = equipment.parties.get(is_host=False).organisation
    assert listed(manager_client.get(url, {"partner": nhs.pk})) == ["luton-equipment-2024"]
    assert listed(manager_client.get(url, {"year": "2014-15"})) == ["luton-s75-s76-2013"]
    assert listed(manager_client.get(url, {"year": "2015-16", "search": "equipment"})) == []
    response = manager_client.get(url, {"search": "hospice"})
    assert listed(response) == [] and "No agreements match this search" in response.content.decode()


def test_a_search_never_finds_another_organisations_agreement(outsider_client, luton):
    for query in ({"search": "Luton"}, {"search": "06P"}, {"search": "luton-s75"}):
        response = outsider_client.get(reverse("agreements:list"), query)
        assert response.status_code == 200 and listed(response) == []
        assert "Luton Section 75" not in response.content.decode()
    # Nor may its partner be chosen: the choices are the partners of the user's own agreements.
    council = luton.host.organisation
    response = outsider_client.get(reverse("agreements:list"), {"partner": council.pk})
    assert "Choose a partner from the list" in response.content.decode() and "rows" not in response.context
    response = outsider_client.get(reverse("agreements:list_xlsx"), {"search": "Luton"})
    assert list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))[1:] == []


@pytest.mark.parametrize(("query", "message"), [
    ({"status": "signed"}, "Choose a status from the list"),
    ({"partner": "abc"}, "Choose a partner from the list"),
    ({"year": "2099-00"}, "Choose a financial year from the list"),
    ({"search": "x" * 201}, "Search for at most 200 characters"),
])
def test_filters_that_cannot_be_read_are_refused_with_a_message(manager_client, luton, query, message):
    response = manager_client.get(reverse("agreements:list"), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert manager_client.get(reverse("agreements:list_xlsx"), query).status_code == 404


def test_the_register_comes_in_numbered_pages_keeping_the_filters(manager_client, luton, equipment, monkeypatch):
    from s75.agreements import views

    monkeypatch.setattr(views, "AGREEMENTS_PER_PAGE", 1)
    url = reverse("agreements:list")
    response = manager_client.get(url, {"search": "luton"})
    assert listed(response) == ["luton-equipment-2024"]
    page = response.content.decode()
    assert "2 agreements, page 1 of 2" in page
    assert 'href="?search=luton&amp;page=2" aria-label="Page 2"' in page
    assert 'href="?search=luton&amp;page=2" rel="next"' in page
    # A page past the end is the last page, and one that is not a number the first: never an error.
    assert listed(manager_client.get(url, {"search": "luton", "page": "999999999"})) == ["luton-s75-s76-2013"]
    assert listed(manager_client.get(url, {"search": "luton", "page": "abc"})) == ["luton-equipment-2024"]


def test_another_organisation_does_not_see_the_agreement(outsider_client, luton):
    page = outsider_client.get(reverse("agreements:list")).content.decode()
    assert "Luton" not in page
    assert "not a party to any agreement" in page


def test_a_board_member_sees_the_agreement_but_may_not_create_one(board_client, luton):
    page = board_client.get(reverse("agreements:list")).content.decode()
    assert "Luton Section 75 and 76 Agreement" in page
    assert "Create an agreement" not in page


def test_the_list_downloads_as_a_workbook(manager_client, luton):
    response = manager_client.get(reverse("agreements:list_xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="agreements.xlsx"'
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Title", "Reference", "Status", "Partners")
    assert rows[1][:4] == ("Luton Section 75 and 76 Agreement", "luton-s75-s76-2013", "Draft",
                           "Luton Borough Council; NHS Luton Clinical Commissioning Group")
    assert rows[1][4].date().isoformat() == "2013-04-01"
    assert sheet.freeze_panes == "A2"


def test_the_workbook_holds_the_filtered_list_the_page_links_to(manager_client, luton, equipment):
    page = manager_client.get(reverse("agreements:list"), {"search": "equipment", "year": "2024-25"}).content.decode()
    link = f'{reverse("agreements:list_xlsx")}?search=equipment&amp;year=2024-25'
    assert link in page and "Download the 1 agreement found as a spreadsheet" in page
    response = manager_client.get(link.replace("&amp;", "&"))
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["luton-equipment-2024"]
    every = list(load_workbook(BytesIO(manager_client.get(reverse("agreements:list_xlsx")).content)).active.iter_rows(
        values_only=True))
    assert [row[1] for row in every[1:]] == ["luton-equipment-2024", "luton-s75-s76-2013"]


# What an agreement said on a given date.

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


def test_another_organisation_cannot_find_it_as_at_a_date(outsider_client, luton_in_force):
    url = reverse("agreements:as_at", args=[luton_in_force.pk])
    assert outsider_client.get(url, {"date": "2014-06-30"}).status_code == 404


# Moving an agreement through its lifecycle from its page.

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


def test_another_organisation_cannot_move_it(outsider_client, luton):
    response = outsider_client.post(reverse("agreements:transition", args=[luton.pk]),
                                    {"move": "consultation", "reason": "Out to consultation"})
    assert response.status_code == 404


def test_the_move_is_a_post(manager_client, luton):
    assert manager_client.get(reverse("agreements:transition", args=[luton.pk])).status_code == 405


# The agreement page offers an act only where the lifecycle's rules let the service make it: each act offered
# succeeds, and each the service would refuse is not offered (a move that is not ready is listed with what it needs).

STAGES = ["draft", "approvable", "approved", "in_force"]


def _at_stage(stage, agreement, actor):
    if stage == "in_force":
        return luton_bring_into_force(actor=actor, agreement=agreement)
    if stage in {"approvable", "approved"}:
        luton_approve(actor=actor, agreement=agreement)
    if stage == "approved":
        agreement_transition(actor=actor, agreement=agreement, to_status=AgreementStatus.APPROVED, reason="Approved")
    return agreement


def _succeeds(act) -> bool:
    """Whether the service makes the act, which is then undone so that the next can be tried on the same state."""
    try:
        with transaction.atomic():
            act()
            transaction.set_rollback(True)
    except AgreementError:
        return False
    return True


@pytest.mark.parametrize("stage", STAGES)
def test_each_move_offered_succeeds_and_no_move_that_would_be_refused_is_offered(
    stage, manager_client, luton, luton_manager,
):
    agreement = _at_stage(stage, luton, luton_manager)
    page = manager_client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    offered = set(re.findall(r'name="move" type="radio" value="([^"]+)"', page))
    moves = {"draft": ["consultation", "approved"], "approvable": ["consultation", "approved"],
             "approved": ["draft", "in_force"], "in_force": ["ended:expired", "ended:terminated", "ended:superseded"]}
    for move in moves[stage]:
        to_status, _, end_reason = move.partition(":")
        works = _succeeds(lambda to_status=to_status, end_reason=end_reason: agreement_transition(
            actor=luton_manager, agreement=agreement, to_status=to_status, end_reason=end_reason, reason="Because"))
        assert (move in offered) == works, move  # both judged as at today
    assert offered, "every stage of Luton's agreement has a move that is ready"


@pytest.mark.parametrize("stage", STAGES)
def test_change_approval_and_renewal_are_offered_exactly_when_the_service_allows_them(
    stage, manager_client, luton, luton_manager,
):
    agreement = _at_stage(stage, luton, luton_manager)
    page = manager_client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    variation = VariationDetails(effective_from=date(2014, 4, 1), description="New title") if stage == "in_force" \
        else None
    may_change = _succeeds(lambda: agreement_update(actor=luton_manager, agreement=agreement, title="New",
                                                        variation=variation))
    assert (reverse("agreements:edit", args=[agreement.pk]) in page) == may_change
    party = agreement.parties.first()
    may_approve = _succeeds(lambda: approval_record(actor=luton_manager, agreement=agreement, party=party,
                                                    decided_on=date(2013, 3, 25), decision_maker="Executive"))
    assert (reverse("agreements:approval_record", args=[agreement.pk]) in page) == may_approve
    may_renew = _succeeds(lambda: agreement_renew(actor=luton_manager, agreement=agreement, reference="luton-renewed",
                                                  start_date=date(2016, 4, 1), end_date=date(2019, 3, 31)))
    assert (reverse("agreements:renew", args=[agreement.pk]) in page) == may_renew


def test_a_move_not_ready_is_listed_with_what_it_needs(manager_client, luton):
    page = manager_client.get(reverse("agreements:detail", args=[luton.pk])).content.decode()
    assert 'value="consultation"' in page and 'value="approved"' not in page
    unready = page[page.index("Not yet possible"):]
    assert "Luton Borough Council has not recorded its approval" in unready


def test_an_approved_agreement_cannot_be_edited_until_it_is_reopened(manager_client, luton, luton_manager):
    _at_stage("approved", luton, luton_manager)
    assert manager_client.get(reverse("agreements:edit", args=[luton.pk])).status_code == 403


# Renewing an agreement from its page: a draft successor with each partner's successor organisation.

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
    assert '<a href="#id_reference">The reference &#x27;luton-s75-s76-2013&#x27; is already used' in page
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


def test_another_organisation_cannot_find_its_renewal(outsider_client, luton_in_force):
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


# The audit trail of an agreement: newest first, for those whose role lets them read it.

def test_lists_the_agreements_changes_newest_first_in_words(manager_client, luton_in_force):
    response = manager_client.get(reverse("agreements:audit", args=[luton_in_force.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Signed by both partners") < page.index("Approved by both partners")
    assert "Maud O&#x27;Leary moved the agreement from Approved to In force" in page
    body = page[page.index('<tbody class="govuk-table__body">'):]
    assert "in_force" not in body and "agreement_transition" not in body and "agreements.Agreement" not in body
    assert re.search(r"<th[^>]*>Status</th>\s*<td[^>]*>Approved</td>\s*<td[^>]*>In force</td>", body)


def test_the_trail_is_narrowed_by_words_person_kind_and_date(manager_client, luton_in_force, luton_manager):
    url = reverse("agreements:audit", args=[luton_in_force.pk])
    page = manager_client.get(url, {"words": "in force", "person": luton_manager.pk,
                                    "action": "agreement_transition"}).content.decode()
    assert "1 change found" in page and "moved the agreement from Approved to In force" in page
    assert '<option value="agreement_transition" selected>Status changed</option>' in page
    today = date.today()
    page = manager_client.get(url, {"since-day": today.day, "since-month": today.month, "since-year": today.year - 1,
                                    "until-day": 1, "until-month": 1, "until-year": today.year - 1}).content.decode()
    assert "The date to must be the same as or after the date from" in page
    page = manager_client.get(url, {"until": f"{today.year - 1}-01-01"}).content.decode()
    assert "No change matches" in page


def test_the_trail_pages_are_numbered_and_keep_the_filter(manager_client, luton_in_force, monkeypatch):
    monkeypatch.setattr("s75.agreements.views.AUDIT_EVENTS_PER_PAGE", 1)
    page = manager_client.get(reverse("agreements:audit", args=[luton_in_force.pk]), {"action": "agreement_transition"})
    html = page.content.decode()
    assert 'aria-label="Page 2"' in html and "?action=agreement_transition&amp;page=2" in html


def test_the_audit_trail_downloads_as_a_workbook_in_words(manager_client, luton_in_force):
    response = manager_client.get(reverse("agreements:audit_xlsx", args=[luton_in_force.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("When", "Who", "Kind of change", "What happened", "Changes", "Reason")
    assert rows[1][1:] == (
        "Maud O'Leary", "Status changed", "Maud O'Leary moved the agreement from Approved to In force",
        "Status: Approved → In force", "Signed by both partners",
    )
    assert rows[-1][2] == "Agreement created"


def test_the_workbook_holds_the_changes_the_page_was_narrowed_to(manager_client, luton_in_force):
    response = manager_client.get(reverse("agreements:audit_xlsx", args=[luton_in_force.pk]),
                                  {"action": "agreement_transition"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
    assert rows and {row[2] for row in rows} == {"Status changed"}
    assert len(rows) == luton_in_force.transitions.count()


def test_an_auditor_reads_the_trail_of_their_organisations_agreements_only(client, luton_in_force):
    auditor = UserFactory(role="Auditor", organisation=luton_in_force.host.organisation)
    client.force_login(auditor)
    assert client.get(reverse("agreements:audit", args=[luton_in_force.pk])).status_code == 200
    elsewhere = UserFactory(role="Auditor")
    client.force_login(elsewhere)
    assert client.get(reverse("agreements:audit", args=[luton_in_force.pk])).status_code == 404
    assert client.get(reverse("agreements:audit_xlsx", args=[luton_in_force.pk])).status_code == 404


def test_needs_the_audit_permission(board_client, luton):
    assert board_client.get(reverse("agreements:audit", args=[luton.pk])).status_code == 403
    assert board_client.get(reverse("agreements:audit_xlsx", args=[luton.pk])).status_code == 403


def test_another_organisation_cannot_find_its_audit_trail(outsider_client, luton):
    assert outsider_client.get(reverse("agreements:audit", args=[luton.pk])).status_code == 404
    assert outsider_client.get(reverse("agreements:audit_xlsx", args=[luton.pk])).status_code == 404


# Who may open the forms that change an agreement, and who may not find them.

def test_create_needs_the_manage_permission(board_client):
    response = board_client.get(reverse("agreements:create"))
    assert response.status_code == 403
    assert b"You do not have permission to do this" in response.content
    assert board_client.post(reverse("agreements:create"), AGREEMENT).status_code == 403
    assert not Agreement.objects.exists()


def test_edit_is_forbidden_without_the_permission_and_hidden_from_other_organisations(
    board_client, luton, client, manager
):
    assert board_client.get(reverse("agreements:edit", args=[luton.pk])).status_code == 403
    client.force_login(manager)
    assert client.get(reverse("agreements:edit", args=[luton.pk])).status_code == 404


def test_an_approval_needs_the_manage_permission(board_client, luton):
    assert board_client.get(reverse("agreements:approval_record", args=[luton.pk])).status_code == 403


def test_varying_an_agreement_in_force_needs_the_vary_permission(client, luton_in_force):
    finance_lead = UserFactory(role="Partner finance lead", organisation=luton_in_force.host.organisation)
    client.force_login(finance_lead)
    assert client.get(reverse("agreements:schedule_create", args=[luton_in_force.pk])).status_code == 403
