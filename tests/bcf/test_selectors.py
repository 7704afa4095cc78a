"""Who sees which plans, and each scheme's actual spend from the ledger of the plan's pooled fund."""

import dataclasses
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s75.bcf.models import Plan
from s75.bcf.selectors import line_actuals, plan_get, plans_visible_to, schedule_spend, sees_every_plan
from s75.bcf.services import plan_contents_replace, plan_create
from s75.ledger.models import AccountRole
from s75.ledger.services import LineSpec, entry_post, fund_open
from s75.organisations.models import OrganisationKind
from tests.bcf.conftest import bcf_area
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_plan(db):
    """A second area's plan, which the first area's users do not see."""
    other = bcf_area(reference="bcf-elsewhere")
    return plan_create(actor=other.manager, hwb=other.council.organisation, year=other.year,
                       agreement=other.agreement)


def nhs_england_user(**fields):
    return UserFactory(organisation=OrganisationFactory(kind=OrganisationKind.NHS_ENGLAND), **fields)


def test_a_user_sees_the_plans_of_agreements_their_organisation_is_party_to(area, plan, other_plan):
    icb_user = UserFactory(organisation=area.icb.organisation, role="Partner finance lead")
    for user in (area.manager, icb_user):
        assert list(plans_visible_to(user=user)) == [plan]
        assert plan_get(user=user, pk=plan.pk) == plan
        with pytest.raises(Plan.DoesNotExist):
            plan_get(user=user, pk=other_plan.pk)
    assert not plans_visible_to(user=UserFactory(role="Pooled fund manager")).exists()


def test_nhs_england_sees_every_plan(plan, other_plan):
    assessor = nhs_england_user(role="NHS England")
    assert sees_every_plan(user=assessor)
    assert set(plans_visible_to(user=assessor)) == {plan, other_plan}


def test_the_role_alone_or_the_organisation_alone_does_not_show_every_plan(plan, other_plan):
    assert not sees_every_plan(user=UserFactory(role="NHS England"))
    assert not sees_every_plan(user=nhs_england_user(role="Auditor"))
    assert not plans_visible_to(user=nhs_england_user(role="Auditor")).exists()


def spend(area, schedule, pence: int, month: int) -> None:
    """Post ``pence`` of expenditure on ``schedule`` to month ``month`` (1 = April) of 2025-26."""
    fund = fund_open(actor=None, agreement=area.agreement)
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE, schedule=schedule)
    entry_post(actor=None, fund=fund, period=fund.periods.get(financial_year=2025, number=month),
               description="Invoices", lines=[LineSpec(expenditure, pence, posting_date=date(2025, 5, 20)),
                                              LineSpec(creditors, -pence)])


def actuals(plan, quarter: int = 4) -> list[tuple[str, int]]:
    return [(row.line.scheme_id, row.actual_pence) for row in line_actuals(plan=plan, quarter=quarter)]


def test_year_end_actuals_are_the_ledgers_spend_shared_by_planned_proportions(area, plan):
    spend(area, area.home_care, 60_000_000, month=2)
    spend(area, area.home_care, 40_000_001, month=11)
    spend(area, area.equipment, 12_345_678, month=3)
    assert schedule_spend(plan=plan) == {area.home_care.pk: 100_000_001, area.equipment.pk: 12_345_678}
    # Home care's £1,000,000.01 between lines planned at £4.5m, £5.5m and £3m: 34,615,384.96, 42,307,692.73 and
    # 23,076,923.30 pence, the two pennies left over going to the largest remainders.
    assert actuals(plan) == [("1", 34_615_385), ("2", 42_307_693), ("3", 23_076_923), ("4", 12_345_678)]
    assert sum(pence for _, pence in actuals(plan)) == 100_000_001 + 12_345_678


def test_actuals_to_a_quarters_end_count_only_its_months(area, plan):
    spend(area, area.home_care, 1_300, month=3)
    spend(area, area.home_care, 2_600, month=4)
    assert actuals(plan, quarter=1) == [("1", 450), ("2", 550), ("3", 300), ("4", 0)]
    assert actuals(plan, quarter=2) == [("1", 1_350), ("2", 1_650), ("3", 900), ("4", 0)]


def test_lines_planned_at_nothing_share_their_schedules_spend_equally(area, plan):
    lines = [dataclasses.replace(line, planned_pence=0) for line in area.contents().lines]
    plan = plan_contents_replace(actor=area.manager, plan=plan, contents=area.contents(lines=lines))
    spend(area, area.home_care, 100, month=1)
    assert actuals(plan) == [("1", 34), ("2", 33), ("3", 33), ("4", 0)]


@pytest.fixture
def posted_plan(area, plan):
    fund_open(actor=None, agreement=area.agreement)
    return plan


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(planned=st.lists(st.integers(min_value=0, max_value=10**11), min_size=1, max_size=6),
       pence=st.integers(min_value=-10**10, max_value=10**11), month=st.integers(min_value=1, max_value=12))
def test_the_shares_of_a_schedule_add_up_to_its_spend_to_the_penny(area, posted_plan, planned, pence, month):
    template = area.contents().lines[0]
    lines = [dataclasses.replace(template, scheme_id=str(number), planned_pence=amount)
             for number, amount in enumerate(planned, start=1)]
    with transaction.atomic():
        plan = plan_contents_replace(actor=area.manager, plan=posted_plan, contents=area.contents(lines=lines))
        if pence:
            spend(area, area.home_care, pence, month)
        shares = [row.actual_pence for row in line_actuals(plan=plan)]
        assert sum(shares) == pence
        if any(planned):
            # No line gets a penny more than its exact proportion rounded up.
            assert all(abs(share * sum(planned) - pence * amount) < sum(planned)
                       for share, amount in zip(shares, planned, strict=True))
        transaction.set_rollback(True)
