"""Scoping, key dates and renewal alerts."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from s75.agreements.selectors import (
    agreement_get,
    agreement_next_key_date,
    agreement_transition_options,
    agreement_visible,
    agreement_visible_given_parties,
    agreements_due_for_renewal,
    agreements_visible_to,
    renewal_alert_date,
    user_may_change,
)
from s75.agreements.services import agreement_transition
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


def test_a_page_asks_once_whether_the_user_sees_the_agreement(django_assert_num_queries):
    mine, theirs = complete_agreement(), complete_agreement()
    user = UserFactory(organisation=mine.host.organisation, role="Pooled fund manager")
    assert agreement_get(user=user, pk=mine.pk) == mine
    # The permissions, ModelBackend's two queries (the user's own and their roles'): the lineage and what the user
    # sees are kept on the user.
    with django_assert_num_queries(2):
        assert user_may_change(user=user, agreement=mine)
        assert user_may_change(user=user, agreement=mine, permission="agreements.vary_agreement")
    with django_assert_num_queries(1):
        assert not user_may_change(user=user, agreement=theirs)
        assert not user_may_change(user=user, agreement=theirs)


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


def test_the_rule_applied_to_partners_a_page_holds_agrees_with_the_register(django_user_model,
                                                                        django_assert_num_queries):
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
    with django_assert_num_queries(0):  # the answer is noted for the rest of the request
        assert agreement_visible(user=readers["the host's officer"], agreement=agreement)
        assert not agreement_visible(user=readers["another ICB's officer"], agreement=agreement)


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
