"""Writes for monitoring: each schedule's forecast and monthly profile, the month's commentary, a
partner's consent decision and recovery plan, and the consent alerts that follow a change of a partner's state.

One service per act, each with every rule of that act: the pages, commands, demo and tests call these and nothing
else. An act that moves the figures (a forecast, a profile, a consent decision) ends by reviewing
the consent states as at the month the manager is looking at, so that a partner entering ``consent required`` is
alerted whichever input moved it there.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from s75.accounts.models import User
from s75.agreements.models import Agreement, Party, Schedule
from s75.agreements.services import agreement_data_changed
from s75.audit.services import audit_record, snapshot
from s75.core.errors import Problem, ServiceError
from s75.core.fiscal import FinancialYear, month_problem
from s75.core.money import format_gbp, is_pence
from s75.core.users import acting_user
from s75.organisations.selectors import organisation_successors_as_at

from .models import (
    ActionStatus,
    Commentary,
    Consent,
    ConsentAlert,
    ConsentDecision,
    ForecastMethod,
    ManualForecast,
    RecoveryAction,
    RecoveryPlan,
    ScheduleYear,
)
from .selectors import ConsentState, consent_may_record, monitoring_report


class MonitoringError(ServiceError):
    """A refused monitoring change; ``problems`` says every reason, each on the argument it concerns."""


def _check_month(month: int) -> None:
    problem = month_problem(month)
    if problem:
        raise MonitoringError(problem, field="month")


@transaction.atomic
def schedule_forecast_set(
    *, actor, schedule: Schedule, financial_year: int, month: int, method: str, amount_pence: int | None = None,
    commentary: str = "",
) -> ScheduleYear:
    """The schedule's forecast method for the year (``""``: the manager's figure when one is entered for the month,
    else the run rate) and, with ``amount_pence``, the manager's forecast outturn as at the month's end and the
    reasons for it; then the consent states are reviewed. The method is kept (with the profile) in the schedule's
    :class:`ScheduleYear`, the figure in a :class:`ManualForecast` of the month."""
    _check_month(month)
    commentary = commentary.strip()
    problems = []
    if method not in {"", *ForecastMethod.values}:
        problems.append(Problem("choose a forecast method", "method"))
    if method == ForecastMethod.MANUAL and amount_pence is None:
        problems.append(Problem("enter the forecast outturn, or choose another method", "amount_pence"))
    if amount_pence is not None and not (is_pence(amount_pence) and amount_pence >= 0):
        problems.append(Problem("a forecast outturn is a whole number of pence, not negative", "amount_pence"))
    elif amount_pence is not None and method not in {"", ForecastMethod.MANUAL}:
        problems.append(Problem("a forecast outturn figure is used only with the manager's figure: choose that "
                                "method, or clear the figure", "amount_pence"))
    if commentary and amount_pence is None:
        problems.append(Problem("the commentary explains the manager's forecast outturn: enter the figure too",
                                "commentary"))
    if problems:
        raise MonitoringError(problems)
    agreement_data_changed(agreement_id=schedule.agreement_id)
    choice = ScheduleYear.objects.select_for_update().filter(schedule=schedule, financial_year=financial_year).first()
    if choice is None or choice.method != method:
        choice = _schedule_year_save(actor=actor, choice=choice, schedule=schedule, financial_year=financial_year,
                                     method=method, profile=choice.profile if choice else None)
    if amount_pence is not None:
        _manual_forecast_save(actor=actor, schedule=schedule, financial_year=financial_year, month=month,
                              amount_pence=amount_pence, commentary=commentary)
    consent_review(agreement=schedule.agreement, year=FinancialYear(financial_year), month=month)
    return choice


def _manual_forecast_save(
    *, actor, schedule: Schedule, financial_year: int, month: int, amount_pence: int, commentary: str
) -> ManualForecast:
    forecast = ManualForecast.objects.filter(schedule=schedule, financial_year=financial_year, month=month).first()
    before = snapshot(forecast, "amount_pence", "commentary") if forecast else None
    if forecast is None:
        forecast = ManualForecast(schedule=schedule, financial_year=financial_year, month=month,
                                  created_by=acting_user(actor))
    forecast.amount_pence, forecast.commentary, forecast.modified_by = amount_pence, commentary, acting_user(actor)
    forecast.save()
    audit_record(actor=actor, action="manual_forecast_set", obj=forecast, agreement=schedule.agreement,
                 before=before, after=snapshot(forecast, "amount_pence", "commentary"))
    return forecast


def _schedule_year_save(
    *, actor, choice: ScheduleYear | None, schedule: Schedule, financial_year: int, method: str, profile: list | None
) -> ScheduleYear:
    before = snapshot(choice, "method", "profile") if choice else None
    if choice is None:
        choice = ScheduleYear(schedule=schedule, financial_year=financial_year)
    choice.method, choice.profile, choice.modified_by = method, profile, acting_user(actor)
    choice.save()
    audit_record(actor=actor, action="schedule_year_set", obj=choice, agreement=schedule.agreement, before=before,
                 after={"method": method, "profile": profile})
    return choice


def _profile_problem(profile: list) -> str:
    """What is wrong with a monthly profile's weights (exact: whole numbers, or decimals as text), or ``""``."""
    try:
        weights = [Decimal(str(weight)) for weight in profile if not isinstance(weight, (bool, float))]
    except InvalidOperation:
        weights = []
    if len(profile) != 12 or len(weights) != 12 or any(not w.is_finite() or w < 0 for w in weights):
        return "a monthly profile has twelve weights, none negative and not all zero"
    if not any(weights):
        return "a profile's weights cannot all be zero: leave every month blank for flat twelfths"
    return ""


@transaction.atomic
def schedule_profile_set(
    *, actor, schedule: Schedule, financial_year: int, month: int, profile: list | None
) -> ScheduleYear:
    """The schedule's monthly budget profile for the year (``None``: flat twelfths), keeping its forecast method;
    then the consent states are reviewed as at ``month``."""
    _check_month(month)
    problem = _profile_problem(profile) if profile is not None else ""
    if problem:
        raise MonitoringError(problem, field="profile")
    agreement_data_changed(agreement_id=schedule.agreement_id)
    choice = ScheduleYear.objects.select_for_update().filter(schedule=schedule, financial_year=financial_year).first()
    choice = _schedule_year_save(actor=actor, choice=choice, schedule=schedule, financial_year=financial_year,
                                 method=choice.method if choice else "", profile=profile)
    consent_review(agreement=schedule.agreement, year=FinancialYear(financial_year), month=month)
    return choice


@transaction.atomic
def commentary_set(*, actor, agreement: Agreement, financial_year: int, month: int, text: str) -> Commentary:
    """The pooled fund manager's commentary on the month (it moves no figure, so no review follows)."""
    _check_month(month)
    agreement_data_changed(agreement_id=agreement.pk)
    row, _ = Commentary.objects.update_or_create(
        agreement=agreement, financial_year=financial_year, month=month,
        defaults={"text": text, "modified_by": acting_user(actor)},
    )
    audit_record(actor=actor, action="commentary_set", obj=row, agreement=agreement, after={"text": text})
    return row


@transaction.atomic
def consent_record(
    *, actor, party: Party, financial_year: int, month: int, decision: str, decided_on: date,
    up_to_pence: int | None = None, note: str = "",
) -> Consent:
    """A partner's finance lead agrees to fund its share of a projected overspend up to an amount, or declines.

    The actor must be a finance lead of the partner, or of the body that took on its functions
    (``selectors.consent_may_record``): always, whoever calls. Then the consent states are reviewed as at
    ``month``, so that the alert log knows the new state and a later overspend past the agreed amount is alerted
    again."""
    _check_month(month)
    if not consent_may_record(user=actor, party=party):
        raise MonitoringError(f"only a finance lead of {party}, or of the body that took on its functions, may "
                              "record its decision")
    problems = []
    if decision not in ConsentDecision.values:
        problems.append(Problem("the partner agrees or declines", "decision"))
    if decision == ConsentDecision.AGREE and not (is_pence(up_to_pence) and up_to_pence > 0):
        problems.append(Problem("say how much the partner agrees to fund, in whole pence", "up_to_pence"))
    if decision == ConsentDecision.DECLINE and up_to_pence is not None:
        problems.append(Problem("a refusal has no amount", "up_to_pence"))
    if not party.requires_prior_agreement:
        problems.append(Problem(f"{party} is not bound by a prior-agreement clause", "party"))
    if problems:
        raise MonitoringError(problems)
    agreement_data_changed(agreement_id=party.agreement_id)
    consent = Consent.objects.create(
        agreement=party.agreement, party=party, financial_year=financial_year, decision=decision,
        up_to_pence=up_to_pence, decided_on=decided_on, note=note, created_by=acting_user(actor),
        modified_by=acting_user(actor),
    )
    audit_record(actor=actor, action="consent_record", obj=consent, agreement=party.agreement,
                 after=snapshot(consent, "decision", "up_to_pence", "decided_on", "financial_year"))
    consent_review(agreement=party.agreement, year=FinancialYear(financial_year), month=month)
    return consent


@transaction.atomic
def recovery_action_add(
    *, actor, party: Party, financial_year: int, description: str, saving_pence: int, owner: str, due_date: date,
) -> RecoveryAction:
    """An action in the plan to restore balance for a partner whose contribution is projected to be overspent (the
    plan is made with its first action)."""
    problems = []
    if not description.strip():
        problems.append(Problem("describe the action", "description"))
    if not is_pence(saving_pence) or saving_pence <= 0:
        problems.append(Problem("an action's saving is a whole number of pence, more than zero", "saving_pence"))
    if not owner.strip():
        problems.append(Problem("say who owns the action", "owner"))
    if problems:
        raise MonitoringError(problems)
    agreement_data_changed(agreement_id=party.agreement_id)
    plan, _ = RecoveryPlan.objects.get_or_create(
        agreement=party.agreement, party=party, financial_year=financial_year,
        defaults={"created_by": acting_user(actor), "modified_by": acting_user(actor)},
    )
    action = RecoveryAction.objects.create(
        plan=plan, description=description.strip(), saving_pence=saving_pence, owner=owner.strip(),
        due_date=due_date, created_by=acting_user(actor), modified_by=acting_user(actor),
    )
    audit_record(actor=actor, action="recovery_action_add", obj=action, agreement=party.agreement,
                 after=snapshot(action, "description", "saving_pence", "owner", "due_date"))
    return action


@transaction.atomic
def recovery_action_status_set(*, actor, action: RecoveryAction, status: str) -> RecoveryAction:
    if status not in ActionStatus.values:
        raise MonitoringError("an action is planned, done or dropped", field="status")
    agreement_data_changed(agreement_id=action.plan.agreement_id)
    action = RecoveryAction.objects.select_for_update().get(pk=action.pk)
    before = snapshot(action, "status")
    action.status, action.modified_by = status, acting_user(actor)
    action.save(update_fields=["status", "modified_by", "modified_at"])
    audit_record(actor=actor, action="recovery_action_status_set", obj=action, agreement=action.plan.agreement,
                 before=before, after=snapshot(action, "status"))
    return action


# The consent alerts ----------------------------------------------------------------------------------------------

def _alert_recipients(agreement: Agreement, party: Party) -> list[str]:
    """The pooled fund manager and the partner's finance lead, wherever its functions now sit (CCG → ICB)."""
    host, today = agreement.host, timezone.localdate()
    wanted = {agreement.pooled_fund_manager_email} - {""}
    organisations = [
        successor.pk
        for member in [party] + ([host] if host else [])
        for successor in [member.organisation, *organisation_successors_as_at(organisation=member.organisation,
                                                                              as_at=today)]
    ]
    wanted |= set(
        User.objects.filter(organisation_id__in=organisations, groups__name__in=["Pooled fund manager",
                                                                              "Partner finance lead"])
        .exclude(email="").values_list("email", flat=True)
    )
    return sorted(wanted)


def consent_review(*, agreement: Agreement, year: FinancialYear, month: int) -> list[ConsentAlert]:
    """Compare each partner's consent state with the last one alerted; alert the manager and the partner's
    finance lead once for each change into ``consent required`` (and record every change)."""
    report = monitoring_report(agreement=agreement, year=year, month=month)
    alerts = []
    for line in report.partners:
        if line.consent_state is None:
            continue
        last = ConsentAlert.objects.filter(party=line.party, financial_year=year.start_year).last()
        if (last.state if last else ConsentState.WITHIN) == line.consent_state:
            continue
        recipients = _alert_recipients(agreement, line.party) if line.consent_state == ConsentState.REQUIRED else []
        alert = ConsentAlert.objects.create(agreement=agreement, party=line.party, financial_year=year.start_year,
                                            state=line.consent_state, recipients=recipients)
        if recipients:
            message = {
                "subject": f"Consent required: {line.party} in {agreement.title} ({report.period_label})",
                "message": (
                    f"As at {report.period_label}, {line.party}'s projected share of spend is "
                    f"{format_gbp(line.projected_share_of_spend, show_pence=True)}, "
                    f"{format_gbp(line.projected_excess, show_pence=True)} more than its contributions of "
                    f"{format_gbp(line.contributions, show_pence=True)}. Its prior agreement is needed before its "
                    "contribution is overspent: the pooled fund manager must attach a recovery plan and the "
                    "partner's finance lead record a decision."
                ),
                "from_email": None,
                "recipient_list": recipients,
            }
            transaction.on_commit(lambda message=message: send_mail(**message))
        alerts.append(alert)
    return alerts
