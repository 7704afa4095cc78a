"""The five national checks of a plan, each passing and failing, with the reasons and figures it gives."""

import dataclasses

import pytest

from s75.bcf import checks
from s75.bcf.models import Allocation, ListName
from s75.bcf.services import ConditionRow, allocation_set, plan_contents_replace, plan_create
from s75.budgets.models import Contribution
from s75.organisations.selectors import organisation_get_by_code
from tests.bcf.conftest import bcf_area

pytestmark = pytest.mark.django_db

LEICESTERSHIRE = "E10000018"


def replaced(area, plan, **changes):
    return plan_contents_replace(actor=area.manager, plan=plan, contents=area.contents(**changes))


def with_line(area, number: int, **changes):
    """The passing contents with line ``number`` (1-based) changed."""
    lines = area.contents().lines
    lines[number - 1] = dataclasses.replace(lines[number - 1], **changes)
    return lines


def test_every_check_passes_on_the_shared_plan(plan):
    results = checks.plan_checks(plan)
    assert [result.code for result in results] == list(checks.CHECKS)
    assert all(result.passed for result in results)
    assert checks.unexplained_failures(plan) == []


def test_income_planned_passes_source_by_source(plan):
    result = checks.income_planned(plan)
    assert result.passed
    assert result.reasons == (
        "NHS minimum contribution: income £10,000,000.00, all planned",
        "Local Authority Better Care Grant: income £3,000,000.00, all planned",
        "Disabled Facilities Grant: income £2,000,000.00, all planned",
    )


def test_income_planned_fails_with_the_gap_either_way(area, plan):
    lines = with_line(area, 1, planned_pence=449_999_999)
    lines[3] = dataclasses.replace(lines[3], planned_pence=200_000_050)
    result = checks.income_planned(replaced(area, plan, lines=lines))
    assert not result.passed
    assert result.reasons[0] == ("NHS minimum contribution: income £10,000,000.00 but planned expenditure "
                                 "£9,999,999.99, £0.01 not yet planned")
    assert result.reasons[2] == ("Disabled Facilities Grant: income £2,000,000.00 but planned expenditure "
                                 "£2,000,000.50, £0.50 more planned than there is income")


def test_income_planned_on_an_empty_plan_says_so(area):
    plan = plan_create(actor=area.manager, hwb=area.council.organisation, year=area.year, agreement=area.agreement)
    assert checks.income_planned(plan).reasons == ("the plan has no income and no expenditure yet",)


def test_nhs_minimum_to_social_care_passes_at_the_required_minimum(area, plan):
    assert checks.nhs_minimum_social_care(plan).reasons == (
        "£4,500,000.00 of the NHS minimum contribution goes to adult social care, at least the required "
        "£4,000,000.00",)
    allocation_set(actor=None, hwb=area.council.organisation, year=area.year, nhs_minimum_pence=1_000_000_000,
                   asc_minimum_pence=450_000_000)
    assert checks.nhs_minimum_social_care(plan).passed


def test_nhs_minimum_to_social_care_fails_short_of_the_minimum(area, plan):
    allocation_set(actor=None, hwb=area.council.organisation, year=area.year, nhs_minimum_pence=1_000_000_000,
                   asc_minimum_pence=450_000_001)
    result = checks.nhs_minimum_social_care(plan)
    assert not result.passed
    assert result.reasons == ("£4,500,000.00 of the NHS minimum contribution goes to adult social care, £0.01 short "
                              "of the required £4,500,000.01",)


def test_nhs_minimum_to_social_care_counts_only_the_nhs_minimum_on_social_care(area, plan):
    community = area.item(ListName.AREA_OF_SPEND, "community-health")
    result = checks.nhs_minimum_social_care(replaced(area, plan, lines=with_line(area, 1, area_of_spend=community)))
    assert not result.passed
    assert result.reasons == ("£0.00 of the NHS minimum contribution goes to adult social care, £4,000,000.00 short "
                              "of the required £4,000,000.00",)


def test_nhs_minimum_to_social_care_fails_without_an_allocation(area, plan):
    Allocation.objects.filter(hwb=area.council.organisation).delete()
    result = checks.nhs_minimum_social_care(plan)
    assert not result.passed
    assert result.reasons == (f"no required minimum is entered for {area.council.organisation} in 2025-26: enter the "
                              "national allocation; the plan puts £4,500,000.00 of the NHS minimum into adult "
                              "social care",)


def test_dfg_kept_by_a_unitary_area(area, plan):
    result = checks.dfg_to_districts(plan)
    assert result.passed
    assert result.reasons == (f"{area.council.organisation} is a single-tier area: it keeps its Disabled Facilities "
                              "Grant (£2,000,000.00 planned)",)


@pytest.fixture
def county():
    """Leicestershire, a county whose seven districts the ONS lookup lists, as a BCF area."""
    return bcf_area(council=organisation_get_by_code(code=LEICESTERSHIRE), reference="bcf-county-2025")


def test_the_ons_lookup_gives_a_countys_districts(county):
    assert [district.name for district in checks.districts_of(county.council.organisation)] == [
        "Blaby", "Charnwood", "Harborough", "Hinckley and Bosworth", "Melton", "North West Leicestershire",
        "Oadby and Wigston"]


def test_dfg_in_a_two_tier_area_fails_when_the_county_keeps_it(county):
    plan = plan_create(actor=county.manager, hwb=county.council.organisation, year=county.year,
                       agreement=county.agreement)
    plan = replaced(county, plan)
    result = checks.dfg_to_districts(plan)
    assert not result.passed
    assert result.reasons == (
        "£0.00 of £2,000,000.00 planned from the Disabled Facilities Grant is passed to the districts of "
        "Leicestershire",
        "line 4 (Adaptations, £2,000,000.00) is not passed to one of Blaby, Charnwood, Harborough, Hinckley and "
        "Bosworth, Melton, North West Leicestershire, Oadby and Wigston",
    )


def test_dfg_in_a_two_tier_area_passes_when_every_line_goes_to_a_district(county):
    blaby, charnwood = checks.districts_of(county.council.organisation)[:2]
    plan = plan_create(actor=county.manager, hwb=county.council.organisation, year=county.year,
                       agreement=county.agreement)
    lines = county.contents().lines
    lines[3:] = [dataclasses.replace(lines[3], planned_pence=120_000_000, passed_to=blaby),
                 dataclasses.replace(lines[3], scheme_id="5", planned_pence=80_000_000, passed_to=charnwood)]
    result = checks.dfg_to_districts(replaced(county, plan, lines=lines))
    assert result.passed
    assert result.reasons == ("£2,000,000.00 of £2,000,000.00 planned from the Disabled Facilities Grant is passed "
                              "to the districts of Leicestershire",)


def test_conditions_confirmed_passes_with_all_four(plan):
    assert checks.conditions_confirmed(plan).reasons == ("all 4 national conditions are confirmed",)


def test_conditions_confirmed_names_each_unconfirmed(area, plan):
    conditions = list(area.year.items.filter(list=ListName.NATIONAL_CONDITION).order_by("position"))
    rows = [ConditionRow(condition=condition, confirmed=condition.code not in {"nc2", "nc4"}, comment="")
            for condition in conditions]
    result = checks.conditions_confirmed(replaced(area, plan, conditions=rows))
    assert not result.passed
    assert result.reasons == ("NC2 (Implementing the objectives of the BCF) is not confirmed",
                              "NC4 (Complying with oversight and support processes) is not confirmed")


def test_income_matches_fund_passes_stream_by_stream(area, plan):
    assert checks.income_matches_fund(plan).reasons == (
        "the plan's income and the contributions of bcf-test-2025 for 2025-26 are both £15,000,000.00, stream by "
        "stream and partner by partner",)


def test_income_matches_fund_names_the_stream_and_partner_that_differ(area, plan):
    Contribution.objects.filter(schedule=area.equipment).update(amount_pence=199_000_000)
    result = checks.income_matches_fund(plan)
    assert not result.passed
    assert result.reasons == (
        "the plan's income is £15,000,000.00 and the contributions of bcf-test-2025 for 2025-26 are £14,990,000.00",
        f"Disabled Facilities Grant from {area.council.organisation}: the plan has £2,000,000.00 but the fund's "
        "contributions are £1,990,000.00",
    )
