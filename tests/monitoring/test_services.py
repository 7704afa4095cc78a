"""The monitoring services: one per act, each with every rule of that act, each problem on the argument it concerns,
and each act that moves the figures reviewing the consent states."""

from datetime import date

import pytest

from s75.monitoring.models import Consent, ConsentAlert, ManualForecast, RecoveryAction, ScheduleYear
from s75.monitoring.selectors import ConsentState
from s75.monitoring.services import (
    MonitoringError,
    consent_record,
    recovery_action_add,
    schedule_forecast_set,
    schedule_profile_set,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DECLINE = {"financial_year": 2024, "month": 6, "decision": "decline", "decided_on": date(2024, 9, 20)}


def fields(error: MonitoringError) -> list:
    return [problem.field for problem in error.problems]


# Recording consent -----------------------------------------------------------------------------------------------

def test_only_the_partners_finance_lead_may_record_its_decision_whoever_calls(host, nhs):
    refused = [
        None,  # a command or a load: no system operator records a partner's decision
        UserFactory(organisation=nhs.organisation),  # the partner's staff, not its finance lead
        UserFactory(role="Partner finance lead", organisation=host.organisation),  # another partner's finance lead
    ]
    for actor in refused:
        with pytest.raises(MonitoringError, match="only a finance lead of"):
            consent_record(actor=actor, party=nhs, **DECLINE)
    assert not Consent.objects.exists()
    lead = UserFactory(role="Partner finance lead", organisation=nhs.organisation)
    assert consent_record(actor=lead, party=nhs, **DECLINE).created_by == lead


def test_a_decision_names_the_argument_each_problem_concerns(host, nhs):
    lead = UserFactory(role="Partner finance lead", organisation=nhs.organisation)
    with pytest.raises(MonitoringError) as agree_without_amount:
        consent_record(actor=lead, party=nhs, **{**DECLINE, "decision": "agree"})
    assert fields(agree_without_amount.value) == ["up_to_pence"]
    with pytest.raises(MonitoringError) as refusal_with_amount:
        consent_record(actor=lead, party=nhs, up_to_pence=5_00, **DECLINE)
    assert fields(refusal_with_amount.value) == ["up_to_pence"]
    council_lead = UserFactory(role="Partner finance lead", organisation=host.organisation)
    with pytest.raises(MonitoringError, match="not bound by a prior-agreement clause") as unbound:
        consent_record(actor=council_lead, party=host, **DECLINE)
    assert fields(unbound.value) == ["party"]


def test_recording_a_decision_reviews_the_consent_state(fund, schedule, nhs, spent):
    schedule_forecast_set(actor=None, schedule=schedule, financial_year=2024, month=6, method="",
                          amount_pence=1_170_000_00)
    assert ConsentAlert.objects.filter(party=nhs).last().state == ConsentState.REQUIRED
    lead = UserFactory(role="Partner finance lead", organisation=nhs.organisation)
    consent_record(actor=lead, party=nhs, **{**DECLINE, "decision": "agree", "up_to_pence": 100_000_00})
    assert ConsentAlert.objects.filter(party=nhs).last().state == ConsentState.GIVEN


# A schedule's forecast and profile -------------------------------------------------------------------------------

def test_the_forecast_keeps_the_method_for_the_year_and_the_figure_for_the_month(schedule):
    schedule_forecast_set(actor=None, schedule=schedule, financial_year=2024, month=6, method="manual",
                          amount_pence=1_000_000_00, commentary=" Winter pressures ")
    assert ScheduleYear.objects.get(schedule=schedule).method == "manual"
    forecast = ManualForecast.objects.get(schedule=schedule, month=6)
    assert (forecast.amount_pence, forecast.commentary) == (1_000_000_00, "Winter pressures")


@pytest.mark.parametrize("arguments, field", [
    ({"method": "guess"}, "method"),
    ({"method": "manual"}, "amount_pence"),
    ({"method": "", "amount_pence": -1}, "amount_pence"),
    ({"method": "run_rate", "amount_pence": 1_00}, "amount_pence"),
    ({"method": "", "commentary": "Why"}, "commentary"),
    ({"method": "", "month": 13}, "month"),
])
def test_a_refused_forecast_says_which_argument_and_saves_nothing(schedule, arguments, field):
    with pytest.raises(MonitoringError) as refused:
        schedule_forecast_set(**{"actor": None, "schedule": schedule, "financial_year": 2024, "month": 6,
                                 **arguments})
    assert fields(refused.value) == [field]
    assert not ScheduleYear.objects.exists() and not ManualForecast.objects.exists()


def test_the_profile_keeps_the_forecast_method(schedule):
    schedule_forecast_set(actor=None, schedule=schedule, financial_year=2024, month=6, method="profile")
    schedule_profile_set(actor=None, schedule=schedule, financial_year=2024, month=6, profile=[1] * 11 + ["2.5"])
    choice = ScheduleYear.objects.get(schedule=schedule)
    assert (choice.method, choice.profile) == ("profile", [1] * 11 + ["2.5"])


@pytest.mark.parametrize("profile", [[1] * 11, [0] * 12, [1] * 11 + [-1], [1] * 11 + [0.5]])
def test_a_profile_has_twelve_exact_weights_not_all_zero(schedule, profile):
    with pytest.raises(MonitoringError) as refused:
        schedule_profile_set(actor=None, schedule=schedule, financial_year=2024, month=6, profile=profile)
    assert fields(refused.value) == ["profile"]


# Recovery plans -------------------------------------------------------------------------------------------------

def test_a_recovery_action_names_each_problem(nhs):
    with pytest.raises(MonitoringError) as refused:
        recovery_action_add(actor=None, party=nhs, financial_year=2024, description="", saving_pence=0, owner="",
                            due_date=date(2025, 1, 31))
    assert fields(refused.value) == ["description", "saving_pence", "owner"]
    assert not RecoveryAction.objects.exists()
