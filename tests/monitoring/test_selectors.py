"""The monitoring selectors: each partner's recovery position, which the dashboard and the quarterly report both
show."""

from datetime import date

import pytest

from s75.core.fiscal import FinancialYear
from s75.monitoring.models import ManualForecast
from s75.monitoring.selectors import ConsentState, monitoring_report, recovery_positions
from s75.monitoring.services import recovery_action_add, recovery_action_status_set

pytestmark = pytest.mark.django_db


def positions(fund):
    report = monitoring_report(agreement=fund.agreement, year=FinancialYear(2024), month=6)
    return {position.line.party.is_host: position for position in recovery_positions(report=report)}


def action(nhs, pounds: int):
    return recovery_action_add(actor=None, party=nhs, financial_year=2024, description=f"Save £{pounds}",
                               saving_pence=pounds * 100, owner="Store manager", due_date=date(2025, 1, 31))


@pytest.fixture
def overspent(schedule):
    """The forecast is £100,000 over: the NHS partner's £50,000 share needs its prior agreement."""
    ManualForecast.objects.create(schedule=schedule, financial_year=2024, month=6, amount_pence=1_170_000_00)


def test_a_bound_partner_overspent_without_a_plan_is_missing_one(fund, overspent):
    nhs = positions(fund)[False]
    assert (nhs.bound, nhs.line.consent_state, nhs.gap, nhs.within) == (True, ConsentState.REQUIRED, 50_000_00, 0)
    assert nhs.plan_expected and nhs.plan_missing
    assert (nhs.planned_savings, nhs.still_to_find, nhs.plan_covers_excess) == (0, 50_000_00, False)


def test_the_plans_savings_leave_out_dropped_actions_until_they_cover_the_excess(fund, nhs, overspent):
    action(nhs, 30_000)
    recovery_action_status_set(actor=None, action=action(nhs, 40_000), status="dropped")
    position = positions(fund)[False]
    assert [a.saving_pence for a in position.actions] == [30_000_00, 40_000_00]
    assert (position.planned_savings, position.still_to_find, position.plan_missing) == (30_000_00, 20_000_00, False)
    action(nhs, 25_000)
    position = positions(fund)[False]
    assert (position.still_to_find, position.plan_covers_excess) == (0, True)


def test_a_partner_within_its_contributions_needs_no_plan(fund):
    nhs = positions(fund)[False]
    assert nhs.gap == 0 and nhs.within > 0
    assert not nhs.plan_expected and not nhs.plan_missing and nhs.plan_covers_excess
