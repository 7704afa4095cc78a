"""How the audit trail words the acts of this app's services (registered in ``MonitoringConfig.ready``)."""

from s75.audit.values import date_words, money_words, value_words
from s75.audit.wording import ActionWords, event_object
from s75.core.fiscal import FinancialMonth, FinancialYear

from .models import ActionStatus, ConsentDecision, ForecastMethod


def _month(financial_year: int, month: int) -> str:
    """``June 2013 (2013-14 M03)``."""
    year = FinancialYear(financial_year)
    calendar_month = (month + 2) % 12 + 1
    first_day = year.starts_on.replace(year=year.start_year + (calendar_month < 4), month=calendar_month)
    return f"{first_day:%B %Y} ({FinancialMonth(year, month).label.replace('/', ' ')})"


def _forecast(event) -> str:
    forecast = event_object(event)
    return (f"forecast {money_words(event.after['amount_pence'])} for {forecast.schedule} for the year "
            f"{FinancialYear(forecast.financial_year).label}, as at {_month(forecast.financial_year, forecast.month)}")


def _method(event) -> str:
    choice = event_object(event)
    return (f"chose how {choice.schedule} is forecast in {FinancialYear(choice.financial_year).label}: "
            f"{ForecastMethod(event.after['method']).label}")


def _consent(event) -> str:
    consent, after = event_object(event), event.after
    decision = (f"agrees to fund its share of the overspend up to {money_words(after['up_to_pence'])}"
                if after["decision"] == ConsentDecision.AGREE else "declines to fund its share of the overspend")
    return (f"recorded {consent.party}'s decision for {value_words(after['financial_year'], name='financial_year')} "
            f"(made on {date_words(after['decided_on'])}): it {decision}")


def _action_added(event) -> str:
    action, after = event_object(event), event.after
    return (f"added an action to {action.plan.party}'s recovery plan: {after['description']}, saving "
            f"{money_words(after['saving_pence'])} by {date_words(after['due_date'])}")


def _action_status(event) -> str:
    return f"marked the recovery action “{event.object_repr}” as {ActionStatus(event.after['status']).label.lower()}"


def _profile(value) -> str:
    return ", ".join(str(part) for part in value)


MONITORING_WORDS = (
    ActionWords("manual_forecast_set", "Forecast set", _forecast, labels={"amount_pence": "Forecast"}),
    ActionWords("schedule_year_set", "Forecast method chosen", _method,
                labels={"method": "How it is forecast", "profile": "Budget profile by month"},
                values={"method": lambda method: ForecastMethod(method).label, "profile": _profile}),
    # The commitments list was replaced by the lead commissioner's packages; its past events are still read.
    ActionWords("commitment_add", "Commitment added", lambda event: (
        f"added the commitment “{event.after['description']}”: {money_words(event.after['weekly_cost_pence'])} a "
        f"week from {date_words(event.after['start_date'])}"
    ), labels={"schedule_id": "Schedule", "weekly_cost_pence": "Cost a week"}),
    ActionWords("commentary_set", "Commentary written", lambda event: (
        f"wrote the commentary for {_month(event_object(event).financial_year, event_object(event).month)}"
    ), labels={"text": "Commentary"}),
    ActionWords("consent_record", "Prior-agreement decision recorded", _consent,
                labels={"up_to_pence": "Up to", "decided_on": "Decided on"}),
    ActionWords("recovery_action_add", "Recovery action added", _action_added,
                labels={"saving_pence": "Saving", "due_date": "Due by"}),
    ActionWords("recovery_action_status_set", "Recovery action's status changed", _action_status),
)
