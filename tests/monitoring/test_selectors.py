"""The monitoring selectors: each partner's recovery position, which the dashboard and the quarterly report both
show; and the monitoring report's consent state, worked through DESIGN.md §6's Luton example."""

from datetime import date

import pytest

from s75.accounts.models import User
from s75.core.fiscal import FinancialYear
from s75.monitoring.models import ConsentAlert, ManualForecast
from s75.monitoring.selectors import ConsentState, monitoring_report, recovery_positions
from s75.monitoring.services import (
    consent_record,
    recovery_action_add,
    recovery_action_status_set,
    schedule_forecast_set,
)
from tests.monitoring.luton import enter_outturn

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


# DESIGN.md §6's Luton example entered as the M12 forecast: the prior-agreement gate, as issue 4 states it.

YEAR = FinancialYear(2013)




def partners(luton):
    report = monitoring_report(agreement=luton, year=YEAR, month=12)
    return {line.party.is_host: line for line in report.partners}, report


def test_the_ccg_needs_to_consent_to_64981_55_and_the_council_shows_its_excess(luton, mailoutbox,
                                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enter_outturn(luton)
    by_host, report = partners(luton)
    council, ccg = by_host[True], by_host[False]
    assert (ccg.consent_state, ccg.projected_excess) == (ConsentState.REQUIRED, 64_981_55)
    assert ccg.projected_share_of_spend == 3_558_481_55
    assert (council.consent_state, council.projected_excess) == (None, 78_018_45)
    assert [line.rag for line in report.schedules] == ["green", "red", "green", "red", "green"]
    assert report.total("variance") == 143_000_00
    [mail] = mailoutbox
    assert mail.subject.startswith("Consent required: NHS Luton / Luton Clinical Commissioning Group")
    assert "£64,981.55 more than its contributions of £3,493,500.00" in mail.body


def test_consent_up_to_70000_is_consent_given(luton):
    enter_outturn(luton)
    ccg_party = luton.parties.get(is_host=False)
    # The demo's finance lead of the ICB that took on Luton CCG's functions.
    consent_record(actor=User.objects.get(username="blmk.finance"), party=ccg_party, financial_year=2013, month=12,
                   decision="agree", up_to_pence=70_000_00, decided_on=date(2014, 3, 20))
    ccg = partners(luton)[0][False]
    assert (ccg.consent_state, ccg.consent_up_to) == (ConsentState.GIVEN, 70_000_00)


def test_exactly_one_alert_per_partner_per_change_of_state(luton, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enter_outturn(luton)
        enter_outturn(luton)  # the same figures again: no new state, no new alert
    ccg_party = luton.parties.get(is_host=False)
    assert list(ConsentAlert.objects.filter(party=ccg_party).values_list("state", flat=True)) == [
        ConsentState.REQUIRED
    ]
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        big = luton.schedules.get(title="LD Pooled Purchasing Budget")
        schedule_forecast_set(actor=None, schedule=big, financial_year=2013, month=12, method="",
                              amount_pence=4_000_000_00)
    assert list(ConsentAlert.objects.filter(party=ccg_party).values_list("state", flat=True)) == [
        ConsentState.REQUIRED, ConsentState.WITHIN
    ]
    assert len(mailoutbox) == 1  # returning within the contribution is recorded, not alerted
