"""Scoping, key dates and renewal alerts."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from s75.agreements.models import AgreementStatus
from s75.agreements.permissions import VARY_AGREEMENT
from s75.agreements.selectors import (
    agreement_get,
    agreement_list,
    agreement_next_key_date,
    agreement_partners,
    agreement_transition_options,
    agreement_visible,
    agreement_visible_given_parties,
    agreement_years,
    agreements_due_for_renewal,
    agreements_visible_to,
    renewal_alert_date,
    user_may_change,
)
from s75.agreements.services import agreement_transition
from s75.core.fiscal import FinancialYear
from s75.organisations.selectors import organisation_get_by_code
from tests.factories import UserFactory, complete_agreement

pytestmark = pytest.mark.django_db


def test_users_see_only_agreements_their_organisation_is_party_to():
    mine, theirs = complete_agreement(), complete_agreement()
    user = UserFactory(organisation=mine.host.organisation, role="Pooled fund manager")
    assert list(agreements_visible_to(user=user)) == [mine]
    with pytest.raises(type(theirs).DoesNotExist):
        agreement_get(user=user, pk=theirs.pk)
    assert user_may_change(user=user, agreement=mine)
    assert not user_may_change(user=user, agreement=theirs)


def test_what_a_user_may_see_and_change_holds_for_the_rest_of_the_request(django_user_model):
    """A request's user keeps the answers, as Django keeps their permissions: a change to the user's organisation or
    role made while a page is drawn shows from the next request, which reads the user afresh."""
    mine, theirs = complete_agreement(), complete_agreement()
    user = UserFactory(organisation=mine.host.organisation, role="Pooled fund manager")
    assert agreement_get(user=user, pk=mine.pk) == mine
    assert user_may_change(user=user, agreement=mine)
    assert user_may_change(user=user, agreement=mine, permission=VARY_AGREEMENT)
    assert not user_may_change(user=user, agreement=theirs)
    django_user_model.objects.filter(pk=user.pk).update(organisation=theirs.host.organisation)
    user.groups.clear()
    assert user_may_change(user=user, agreement=mine) and not user_may_change(user=user, agreement=theirs)
    next_request = django_user_model.objects.get(pk=user.pk)
    assert not user_may_change(user=next_request, agreement=mine)
    assert agreement_visible(user=next_request, agreement=theirs)


def test_a_successor_sees_its_predecessors_agreements():
    agreement = complete_agreement()
    nhs = agreement.parties.exclude(is_host=True).get()
    nhs.organisation = organisation_get_by_code(code="06P")
    nhs.save()
    icb_user = UserFactory(organisation=organisation_get_by_code(code="QHG"))
    assert list(agreements_visible_to(user=icb_user)) == [agreement]
    other_icb_user = UserFactory(organisation=organisation_get_by_code(code="QK1"))
    assert not agreements_visible_to(user=other_icb_user).exists()


def test_no_organisation_sees_nothing_and_administrators_see_all(django_user_model):
    complete_agreement()
    assert not agreements_visible_to(user=UserFactory(organisation=None)).exists()
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    assert agreements_visible_to(user=admin).count() >= 1


def test_the_rule_applied_to_partners_a_page_holds_agrees_with_the_register(django_user_model):
    agreement = complete_agreement()
    nhs = agreement.parties.exclude(is_host=True).get()
    nhs.organisation = organisation_get_by_code(code="06P")
    nhs.save()
    partners = frozenset(agreement.parties.values_list("organisation_id", flat=True))
    readers = {
        "the host's officer": UserFactory(organisation=agreement.host.organisation),
        "the successor ICB's officer": UserFactory(organisation=organisation_get_by_code(code="QHG")),
        "another ICB's officer": UserFactory(organisation=organisation_get_by_code(code="QK1")),
        "a user of no organisation": UserFactory(organisation=None),
        "an administrator": django_user_model.objects.create_superuser("root", password="x" * 12),
        "someone not signed in": AnonymousUser(),
    }
    seen = {name: agreement_visible_given_parties(user=reader, agreement=agreement, party_organisation_ids=partners)
            for name, reader in readers.items()}
    assert seen == {name: agreements_visible_to(user=reader).filter(pk=agreement.pk).exists()
                    for name, reader in readers.items()}
    assert [name for name, visible in seen.items() if visible] == [
        "the host's officer", "the successor ICB's officer", "an administrator"]
    assert agreement_visible_given_parties(user=None, agreement=agreement, party_organisation_ids=partners)
    # The answer from the partners the page holds is the one the rest of the request is given.
    officer = UserFactory(organisation=agreement.host.organisation)
    assert not agreement_visible_given_parties(user=officer, agreement=agreement, party_organisation_ids=frozenset())
    assert not agreement_visible(user=officer, agreement=agreement)


def test_seeing_is_not_changing_without_the_permission():
    agreement = complete_agreement()
    board_member = UserFactory(organisation=agreement.host.organisation, role="Board member")
    assert agreements_visible_to(user=board_member).filter(pk=agreement.pk).exists()
    assert not user_may_change(user=board_member, agreement=agreement)


def in_force(**overrides):
    agreement = complete_agreement(approve=True, **overrides)
    agreement_transition(actor=None, agreement=agreement, to_status="approved", reason="Approved")
    agreement_transition(actor=None, agreement=agreement, to_status="in_force", reason="Commenced")
    agreement.refresh_from_db()
    return agreement


def test_renewal_alert_six_months_before_the_end_by_default():
    agreement = in_force(end_date=date(2027, 3, 31))
    assert renewal_alert_date(agreement=agreement) == date(2026, 9, 30)
    assert agreement_next_key_date(agreement=agreement, today=date(2026, 9, 29)).label == "Renewal alert"
    assert agreement_next_key_date(agreement=agreement, today=date(2026, 9, 30)).on == date(2027, 3, 31)
    admin = UserFactory(organisation=agreement.host.organisation)
    assert agreements_due_for_renewal(user=admin, today=date(2026, 9, 29)) == []
    assert agreements_due_for_renewal(user=admin, today=date(2026, 9, 30)) == [agreement]


def test_renewal_notice_is_per_agreement_and_month_ends_are_kept():
    agreement = in_force(end_date=date(2026, 8, 31), renewal_notice_months=3)
    assert renewal_alert_date(agreement=agreement) == date(2026, 5, 31)
    agreement.end_date, agreement.renewal_notice_months = date(2026, 5, 31), 3
    assert renewal_alert_date(agreement=agreement) == date(2026, 2, 28)


def test_transition_options_show_what_each_move_still_needs():
    agreement = complete_agreement()
    options = {option.label: option.unmet for option in agreement_transition_options(agreement=agreement,
                                                                                       today=date(2024, 1, 1))}
    host, partner = agreement.parties.all()
    assert options == {
        "In consultation": [],
        "Approved": [f"{host} has not recorded its approval", f"{partner} has not recorded its approval"],
    }


# Finding agreements in the register.

@pytest.fixture
def register():
    """A council's two agreements, and another council's with the same title, which its user must never find."""
    equipment = complete_agreement(reference="equipment-2024", title="Joint equipment partnership")
    council = equipment.host.organisation
    disability = complete_agreement(host=council, reference="ld-pool-2013", title="Learning disability pooled budget",
                           start_date=date(2013, 4, 1), end_date=date(2016, 3, 31))
    elsewhere = complete_agreement(reference="equipment-kent", title="Joint equipment partnership (Kent)")
    return {"user": UserFactory(organisation=council, role="Pooled fund manager"), "equipment": equipment,
            "disability": disability, "elsewhere": elsewhere}


def found(register, **filters):
    return list(agreement_list(user=register["user"], **filters))


def test_the_register_is_searched_by_title_and_reference_within_what_the_user_sees(register):
    equipment, disability = register["equipment"], register["disability"]
    assert found(register) == [equipment, disability]
    assert found(register, search="EQUIPMENT") == [equipment]  # never the other council's of the same name
    assert found(register, search="ld-pool") == [disability]
    assert found(register, search="  pooled  ") == [disability]
    assert found(register, search="kent") == []
    assert found(register, search="nothing like it") == []


def test_the_register_is_searched_by_a_partners_name_or_whole_code(register):
    equipment, disability = register["equipment"], register["disability"]
    nhs = equipment.parties.get(is_host=False).organisation
    assert found(register, search=nhs.name.upper()) == [equipment]
    assert found(register, search=nhs.ods_code.lower()) == [equipment]
    assert found(register, search=nhs.ods_code[:-1]) == []  # a code is typed whole
    council = register["user"].organisation
    assert found(register, search=council.ons_code) == [equipment, disability]
    other_nhs = register["elsewhere"].parties.get(is_host=False).organisation
    assert found(register, search=other_nhs.ods_code) == []


def test_a_partner_is_found_by_the_name_of_the_body_that_succeeded_it(register):
    disability = register["disability"]
    nhs = disability.parties.get(is_host=False)
    nhs.organisation = organisation_get_by_code(code="06P")  # NHS Luton CCG, succeeded by the BLMK ICB (QHG)
    nhs.save()
    icb = organisation_get_by_code(code="QHG")
    assert found(register, search=icb.name) == [disability]
    assert found(register, search="QHG") == [disability]


def test_the_register_filters_by_status_partner_and_year_the_term_overlaps(register):
    equipment, disability = register["equipment"], register["disability"]
    user = register["user"]
    agreement_transition(actor=None, agreement=disability, to_status=AgreementStatus.CONSULTATION,
                         reason="Out to consultation")
    assert found(register, status=AgreementStatus.CONSULTATION) == [disability]
    assert found(register, status=AgreementStatus.IN_FORCE) == []
    nhs = equipment.parties.get(is_host=False).organisation
    assert found(register, partner=nhs) == [equipment]
    assert found(register, partner=user.organisation) == [equipment, disability]
    assert found(register, year=FinancialYear(2015)) == [disability]  # its term's last year
    assert found(register, year=FinancialYear(2024)) == [equipment]
    assert found(register, year=FinancialYear(2020)) == []
    assert found(register, search="partnership", year=FinancialYear(2015)) == []


def test_the_filters_choices_are_the_partners_and_years_the_user_sees(register):
    user = register["user"]
    partners = set(agreement_partners(user=user))
    assert partners == {party.organisation for key in ("equipment", "disability")
                        for party in register[key].parties.all()}
    years = agreement_years(user=user)
    assert (years[0], years[-1], len(years)) == (FinancialYear(2013), FinancialYear(2026), 14)
    assert agreement_years(user=UserFactory(organisation=None)) == []
