"""Writes for monitoring: forecasts, profiles, commitments, commentary, consent decisions, recovery plans, and
the consent alerts that follow a change of a partner's state."""

from datetime import date
from decimal import Decimal

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from s75.accounts.models import User
from s75.agreements.models import Agreement, Party, Schedule
from s75.agreements.services import agreement_data_changed
from s75.audit.services import audit_record, snapshot
from s75.core.errors import ServiceError
from s75.core.fiscal import FinancialYear
from s75.core.money import format_gbp
from s75.core.users import acting_user
from s75.organisations.selectors import organisation_successors_as_at

from .models import (
    ActionStatus,
    Commentary,
    Commitment,
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
    """A refused monitoring change; ``problems`` says every reason."""


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise MonitoringError(["the month is M01 (April) to M12 (March)"])


@transaction.atomic
def manual_forecast_set(
    *, actor, schedule: Schedule, financial_year: int, month: int, amount_pence: int, commentary: str = ""
) -> ManualForecast:
    """The manager's forecast outturn for the schedule as at the month's end; then the consent states are reviewed."""
    _check_month(month)
    if isinstance(amount_pence, bool) or not isinstance(amount_pence, int) or amount_pence < 0:
        raise MonitoringError(["a forecast outturn is a whole number of pence, not negative"])
    forecast = ManualForecast.objects.filter(schedule=schedule, financial_year=financial_year, month=month).first()
    before = snapshot(forecast, "amount_pence", "commentary") if forecast else None
    if forecast is None:
        forecast = ManualForecast(schedule=schedule, financial_year=financial_year, month=month,
                                  created_by=acting_user(actor))
    forecast.amount_pence, forecast.commentary, forecast.modified_by = amount_pence, commentary, acting_user(actor)
    forecast.save()
    agreement_data_changed(agreement_id=schedule.agreement_id)
    audit_record(actor=actor, action="manual_forecast_set", obj=forecast, agreement=schedule.agreement,
                 before=before, after=snapshot(forecast, "amount_pence", "commentary"))
    consent_review(agreement=schedule.agreement, year=FinancialYear(financial_year), month=month)
    return forecast


@transaction.atomic
def schedule_year_set(
    *, actor, schedule: Schedule, financial_year: int, method: str = "", profile: list | None = None
) -> ScheduleYear:
    problems = []
    if profile is not None and (len(profile) != 12 or any(Decimal(str(w)) < 0 for w in profile) or not any(profile)):
        problems.append("a monthly profile has twelve weights, none negative and not all zero")
    if problems:
        raise MonitoringError(problems)
    row, _ = ScheduleYear.objects.update_or_create(
        schedule=schedule, financial_year=financial_year,
        defaults={"method": method, "profile": profile, "modified_by": acting_user(actor)},
    )
    agreement_data_changed(agreement_id=schedule.agreement_id)
    audit_record(actor=actor, action="schedule_year_set", obj=row, agreement=schedule.agreement,
                 after={"method": method, "profile": profile})
    return row


@transaction.atomic
def commitment_add(
    *, actor, schedule: Schedule, description: str, weekly_cost_pence: int, start_date: date,
    end_date: date | None = None,
) -> Commitment:
    problems = []
    if weekly_cost_pence <= 0:
        problems.append("a commitment's weekly cost is more than zero")
    if end_date is not None and end_date < start_date:
        problems.append("a commitment ends on or after it starts")
    if not description.strip():
        problems.append("describe the commitment, e.g. the care package")
    if problems:
        raise MonitoringError(problems)
    commitment = Commitment.objects.create(
        schedule=schedule, description=description, weekly_cost_pence=weekly_cost_pence, start_date=start_date,
        end_date=end_date, created_by=acting_user(actor), modified_by=acting_user(actor),
    )
    agreement_data_changed(agreement_id=schedule.agreement_id)
    audit_record(actor=actor, action="commitment_add", obj=commitment, agreement=schedule.agreement,
                 after=snapshot(commitment))
    return commitment


@transaction.atomic
def commentary_set(*, actor, agreement: Agreement, financial_year: int, month: int, text: str) -> Commentary:
    _check_month(month)
    row, _ = Commentary.objects.update_or_create(
        agreement=agreement, financial_year=financial_year, month=month,
        defaults={"text": text, "modified_by": acting_user(actor)},
    )
    agreement_data_changed(agreement_id=agreement.pk)
    audit_record(actor=actor, action="commentary_set", obj=row, agreement=agreement, after={"text": text})
    return row


@transaction.atomic
def consent_record(
    *, actor, party: Party, financial_year: int, decision: str, decided_on: date, up_to_pence: int | None = None,
    note: str = "", check_finance_lead: bool = False,
) -> Consent:
    """A partner's finance lead agrees to fund its share of a projected overspend up to an amount, or declines.
    With ``check_finance_lead``, the actor must be one (``selectors.consent_may_record``): pages and commands that
    act for a person ask for it; the system operator does not."""
    if check_finance_lead and not consent_may_record(user=actor, party=party):
        raise MonitoringError([f"only a finance lead of {party}, or of the body that took on its functions, may record "
                               "its decision"])
    problems = []
    if decision == ConsentDecision.AGREE and (up_to_pence is None or up_to_pence <= 0):
        problems.append("say how much the partner agrees to fund")
    if decision == ConsentDecision.DECLINE and up_to_pence is not None:
        problems.append("a refusal has no amount")
    if not party.requires_prior_agreement:
        problems.append(f"{party} is not bound by a prior-agreement clause")
    if problems:
        raise MonitoringError(problems)
    consent = Consent.objects.create(
        agreement=party.agreement, party=party, financial_year=financial_year, decision=decision,
        up_to_pence=up_to_pence, decided_on=decided_on, note=note, created_by=acting_user(actor),
        modified_by=acting_user(actor),
    )
    agreement_data_changed(agreement_id=party.agreement_id)
    audit_record(actor=actor, action="consent_record", obj=consent, agreement=party.agreement,
                 after=snapshot(consent, "decision", "up_to_pence", "decided_on", "financial_year"))
    return consent


@transaction.atomic
def recovery_action_add(
    *, actor, party: Party, financial_year: int, description: str, saving_pence: int, owner: str, due_date: date,
) -> RecoveryAction:
    """An action in the plan to restore balance for a partner whose contribution is projected to be overspent."""
    if saving_pence <= 0 or not description.strip() or not owner.strip():
        raise MonitoringError(["an action needs a description, a saving above zero and an owner"])
    plan, _ = RecoveryPlan.objects.get_or_create(
        agreement=party.agreement, party=party, financial_year=financial_year,
        defaults={"created_by": acting_user(actor), "modified_by": acting_user(actor)},
    )
    action = RecoveryAction.objects.create(
        plan=plan, description=description, saving_pence=saving_pence, owner=owner, due_date=due_date,
        created_by=acting_user(actor), modified_by=acting_user(actor),
    )
    agreement_data_changed(agreement_id=party.agreement_id)
    audit_record(actor=actor, action="recovery_action_add", obj=action, agreement=party.agreement,
                 after=snapshot(action, "description", "saving_pence", "owner", "due_date"))
    return action


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


# What the pages change: each change reviews the consent states as at the month the manager is looking at, so a
# partner entering ``consent required`` is alerted whichever forecast input moved it there.

@transaction.atomic
def schedule_forecast_set(
    *, actor, schedule: Schedule, financial_year: int, month: int, method: str, amount_pence: int | None = None,
    commentary: str = "",
) -> None:
    """The schedule's forecast method for the year and, with the manager's figure, the month's figure and reasons."""
    _check_month(month)
    problems = []
    if method not in {"", *ForecastMethod.values}:
        problems.append("choose a forecast method")
    if method == ForecastMethod.MANUAL and amount_pence is None:
        problems.append("enter the forecast outturn, or choose another method")
    if amount_pence is not None and method not in {"", ForecastMethod.MANUAL}:
        problems.append("a forecast outturn figure is used only with the manager's figure: choose that method, or "
                        "clear the figure")
    if commentary.strip() and amount_pence is None:
        problems.append("the commentary explains the manager's forecast outturn: enter the figure too")
    if problems:
        raise MonitoringError(problems)
    current = ScheduleYear.objects.filter(schedule=schedule, financial_year=financial_year).first()
    if (current.method if current else "") != method:
        schedule_year_set(actor=actor, schedule=schedule, financial_year=financial_year, method=method,
                          profile=current.profile if current else None)
    if amount_pence is not None:
        manual_forecast_set(actor=actor, schedule=schedule, financial_year=financial_year, month=month,
                            amount_pence=amount_pence, commentary=commentary.strip())
    else:
        consent_review(agreement=schedule.agreement, year=FinancialYear(financial_year), month=month)


@transaction.atomic
def schedule_profile_set(
    *, actor, schedule: Schedule, financial_year: int, month: int, profile: list | None
) -> ScheduleYear:
    """The schedule's monthly budget profile for the year (None: flat twelfths), keeping its forecast method."""
    _check_month(month)
    current = ScheduleYear.objects.filter(schedule=schedule, financial_year=financial_year).first()
    row = schedule_year_set(actor=actor, schedule=schedule, financial_year=financial_year,
                            method=current.method if current else "", profile=profile)
    consent_review(agreement=schedule.agreement, year=FinancialYear(financial_year), month=month)
    return row


@transaction.atomic
def commitment_register(
    *, actor, schedule: Schedule, financial_year: int, month: int, description: str, weekly_cost_pence: int,
    start_date: date, end_date: date | None = None,
) -> Commitment:
    """``commitment_add``, then the consent states are reviewed as at the month."""
    _check_month(month)
    commitment = commitment_add(actor=actor, schedule=schedule, description=description,
                                weekly_cost_pence=weekly_cost_pence, start_date=start_date, end_date=end_date)
    consent_review(agreement=schedule.agreement, year=FinancialYear(financial_year), month=month)
    return commitment


@transaction.atomic
def consent_decision_record(
    *, actor, party: Party, financial_year: int, month: int, decision: str, decided_on: date,
    up_to_pence: int | None = None, note: str = "",
) -> Consent:
    """A finance lead's decision for their partner (``consent_record`` with the check), then the review, so that
    the alert log knows the new state and a later overspend past the agreed amount is alerted again."""
    _check_month(month)
    consent = consent_record(actor=actor, party=party, financial_year=financial_year, decision=decision,
                             decided_on=decided_on, up_to_pence=up_to_pence, note=note, check_finance_lead=True)
    consent_review(agreement=party.agreement, year=FinancialYear(financial_year), month=month)
    return consent


@transaction.atomic
def recovery_action_status_set(*, actor, action: RecoveryAction, status: str) -> RecoveryAction:
    if status not in ActionStatus.values:
        raise MonitoringError(["an action is planned, done or dropped"])
    action = RecoveryAction.objects.select_for_update().get(pk=action.pk)
    before = snapshot(action, "status")
    action.status, action.modified_by = status, acting_user(actor)
    action.save(update_fields=["status", "modified_by", "modified_at"])
    agreement_data_changed(agreement_id=action.plan.agreement_id)
    audit_record(actor=actor, action="recovery_action_status_set", obj=action, agreement=action.plan.agreement,
                 before=before, after=snapshot(action, "status"))
    return action
