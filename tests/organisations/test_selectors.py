"""Successor look-up and lineage, on the real reference data loaded for the session."""

from datetime import date

import pytest

from s75.organisations.models import Organisation
from s75.organisations.selectors import (
    organisation_display_name,
    organisation_get_by_code,
    organisation_lineage_ids,
    organisation_successors_as_at,
    user_lineage_ids,
)
from s75.organisations.services import organisation_upsert, succession_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_luton_ccg_is_succeeded_by_the_blmk_icb_from_1_july_2022():
    ccg = organisation_get_by_code(code="06P")
    assert ccg.name == "NHS Luton CCG"
    assert organisation_successors_as_at(organisation=ccg, as_at=date(2022, 6, 30)) == [ccg]
    [icb] = organisation_successors_as_at(organisation=ccg, as_at=date(2022, 7, 1))
    assert (icb.ods_code, icb.name) == ("QHG", "NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board")


def test_a_pct_is_followed_through_its_ccg_to_the_icb():
    pct = organisation_upsert(actor=None, kind="pct", name="NHS Luton", ods_code="5GW")
    ccg = organisation_get_by_code(code="06P")
    succession_record(actor=None, predecessor=pct, successor=ccg, effective_on=date(2013, 4, 1))
    assert organisation_successors_as_at(organisation=pct, as_at=date(2013, 3, 31)) == [pct]
    assert organisation_successors_as_at(organisation=pct, as_at=date(2015, 1, 1)) == [ccg]
    assert [o.ods_code for o in organisation_successors_as_at(organisation=pct, as_at=date(2024, 1, 1))] == ["QHG"]


def test_three_ccgs_merge_into_one_icb_and_the_icb_inherits_all_their_lineage():
    icb = organisation_get_by_code(code="QK1")
    ccgs = [organisation_get_by_code(code=code) for code in ("03W", "04C", "04V")]
    assert {o.pk for o in ccgs} | {icb.pk} == organisation_lineage_ids(organisation=icb)
    for ccg in ccgs:
        assert organisation_successors_as_at(organisation=ccg, as_at=date(2023, 1, 1)) == [icb]


def test_a_lineage_is_followed_however_long_and_stops_where_it_has_been():
    pct = organisation_upsert(actor=None, kind="pct", name="NHS Luton", ods_code="5GW")
    ccg, icb = organisation_get_by_code(code="06P"), organisation_get_by_code(code="QHG")
    ccgs = organisation_lineage_ids(organisation=icb) - {icb.pk}  # Luton, Bedfordshire and Milton Keynes CCGs
    assert ccg.pk in ccgs and len(ccgs) == 3
    succession_record(actor=None, predecessor=pct, successor=ccg, effective_on=date(2013, 4, 1))
    assert organisation_lineage_ids(organisation=icb) == {icb.pk, pct.pk} | ccgs
    succession_record(actor=None, predecessor=icb, successor=pct, effective_on=date(2024, 4, 1))  # a loop
    assert organisation_lineage_ids(organisation=pct) == {icb.pk, pct.pk} | ccgs


def test_a_split_gives_every_successor():
    old = organisation_upsert(actor=None, kind="ccg", name="Old CCG", ods_code="X01")
    east = organisation_upsert(actor=None, kind="icb", name="East ICB", ods_code="X02")
    west = organisation_upsert(actor=None, kind="icb", name="West ICB", ods_code="X03")
    for successor in (east, west):
        succession_record(actor=None, predecessor=old, successor=successor, effective_on=date(2022, 7, 1))
    assert set(organisation_successors_as_at(organisation=old, as_at=date(2023, 1, 1))) == {east, west}


def test_unknown_code_says_which():
    with pytest.raises(Organisation.DoesNotExist, match="ZZZ"):
        organisation_get_by_code(code="ZZZ")


def test_councils_are_found_by_ons_code_with_their_kind():
    assert organisation_get_by_code(code="E06000032").kind == "unitary_authority"
    assert organisation_get_by_code(code="E10000018").kind == "county_council"
    assert organisation_get_by_code(code="E09000004").kind == "london_borough"
    district = organisation_get_by_code(code="E07000129")  # Blaby, in Leicestershire
    assert (district.kind, district.parent.ons_code) == ("district_council", "E10000018")


def test_a_users_lineage_holds_for_the_user_object_until_their_organisation_changes():
    icb = organisation_get_by_code(code="QK1")
    user = UserFactory(organisation=icb)
    lineage = user_lineage_ids(user=user)
    assert lineage == organisation_lineage_ids(organisation=icb)
    pct = organisation_upsert(actor=None, kind="pct", name="NHS Leicester City", ods_code="5PC")
    succession_record(actor=None, predecessor=pct, successor=icb, effective_on=date(2013, 4, 1))
    assert user_lineage_ids(user=user) == lineage  # a succession recorded during the request shows from the next
    assert user_lineage_ids(user=type(user).objects.get(pk=user.pk)) == lineage | {pct.pk}
    user.organisation = organisation_get_by_code(code="QHG")
    assert user_lineage_ids(user=user) == organisation_lineage_ids(organisation=user.organisation) != lineage
    assert user_lineage_ids(user=UserFactory(organisation=None)) == set()


# How pages name an organisation that others have succeeded.

def test_a_succeeded_organisation_is_named_by_its_successor_and_what_it_was():
    ccg = organisation_get_by_code(code="06P")
    assert organisation_display_name(organisation=ccg) == (
        "NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board (formerly NHS Luton CCG)"
    )
    assert organisation_display_name(organisation=ccg, on=date(2022, 6, 30)) == "NHS Luton CCG"
    icb = organisation_get_by_code(code="QHG")
    assert organisation_display_name(organisation=icb) == icb.name


def test_an_organisation_split_between_two_names_both():
    old = organisation_upsert(actor=None, kind="pct", name="NHS Old Town", ods_code="9X1")
    east = organisation_upsert(actor=None, kind="ccg", name="NHS East CCG", ods_code="9X2")
    west = organisation_upsert(actor=None, kind="ccg", name="NHS West CCG", ods_code="9X3")
    for successor in (east, west):
        succession_record(actor=None, predecessor=old, successor=successor, effective_on=date(2013, 4, 1))
    assert organisation_display_name(organisation=old) in (
        "NHS East CCG and NHS West CCG (formerly NHS Old Town)", "NHS West CCG and NHS East CCG (formerly NHS Old Town)"
    )
