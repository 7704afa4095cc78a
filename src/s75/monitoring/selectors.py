"""The monthly monitoring report: per schedule and partner, budget, actual, forecast outturn, variance, RAG and
the prior-agreement (consent) state. Actuals come from the ledger's running balances, never from its lines; and
the version of everything the report is drawn from, which keys the dashboard's cache."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Sum

from s75.agreements.models import Agreement, Party
from s75.agreements.selectors import user_acts_for_party
from s75.budgets.models import Contribution
from s75.commissioning.selectors import year_purchases
from s75.core.fiscal import FinancialYear, financial_years_between
from s75.core.money import split_largest_remainder
from s75.ledger.models import AccountRole, Balance, Fund
from s75.ledger.selectors import fund_years
from s75.riskshare.allocation import ScheduleFigures, allocate
from s75.riskshare.selectors import allocation_terms

from . import forecasting
from .models import (
    ActionStatus,
    Commentary,
    Consent,
    ConsentDecision,
    ForecastMethod,
    ManualForecast,
    MonitoringSettings,
    RecoveryAction,
    ScheduleYear,
)
from .permissions import RECORD_CONSENT


@dataclass
class ScheduleLine:
    number: int
    title: str
    funding_type: str
    annual_budget: int
    budget_to_date: int
    actual_to_date: int
    forecast: int
    method: str
    variance: int
    rag: str
    commentary: str


class ConsentState:
    WITHIN = "within contribution"
    REQUIRED = "consent required"
    GIVEN = "consent given"
    DECLINED = "declined"


@dataclass
class PartnerLine:
    party: Party
    contributions: int
    projected_share_of_spend: int
    projected_excess: int  # share of spend above its contributions; negative when within them
    consent_state: str | None  # None for a partner not bound by a prior-agreement clause
    consent_up_to: int | None
    bought_to_date: int = 0  # the lead commissioners' packages bought on its behalf, M01 to the month
    committed: int = 0  # its share of those packages after the month to the year end


@dataclass(frozen=True)
class PartnerPurchases:
    """The care a lead commissioner bought on a partner's behalf in the year, to the month and after it."""

    party: Party
    bought_to_date: int  # M01 to the month, as its recharge statements charge it, disputed lines included
    committed: int  # its share of the packages after the month to the year end

    @property
    def year_total(self) -> int:
        return self.bought_to_date + self.committed

    @property
    def amounts(self) -> list[int]:
        return [self.bought_to_date, self.committed, self.year_total]


@dataclass
class MonitoringReport:
    agreement: Agreement
    year: FinancialYear
    month: int
    schedules: list[ScheduleLine]
    partners: list[PartnerLine]
    amber_threshold_percent: Decimal
    has_packages: bool = False  # whether a lead commissioner buys packages under the agreement in the year
    # Every partner's purchases when there are packages, whether or not the year has contributions to share.
    purchases: list[PartnerPurchases] = field(default_factory=list)

    @property
    def period_label(self) -> str:
        return f"{self.year.label}/M{self.month:02d}"

    def total(self, attribute: str) -> int:
        return sum(getattr(line, attribute) for line in self.schedules)


def _actuals(agreement: Agreement, year: FinancialYear, month: int) -> dict[int, int]:
    """Expenditure to date per schedule id, from the running balances."""
    rows = (
        Balance.objects.filter(
            fund__agreement=agreement, account__role=AccountRole.EXPENDITURE,
            period__financial_year=year.start_year, period__number__lte=month,
        )
        .values("account__schedule_id").annotate(total=Sum("amount_pence"))
    )
    return {row["account__schedule_id"]: row["total"] for row in rows}


def partner_consent(*, party: Party, year: FinancialYear, excess: int) -> tuple[str | None, int | None]:
    """The consent state of a partner whose agreement requires its prior agreement, and the amount agreed."""
    if not party.requires_prior_agreement:
        return None, None
    if excess <= 0:
        return ConsentState.WITHIN, None
    latest = Consent.objects.filter(party=party, financial_year=year.start_year).order_by("decided_on", "id").last()
    if latest is None:
        return ConsentState.REQUIRED, None
    if latest.decision == ConsentDecision.DECLINE:
        return ConsentState.DECLINED, None
    if latest.up_to_pence >= excess:
        return ConsentState.GIVEN, latest.up_to_pence
    return ConsentState.REQUIRED, latest.up_to_pence


def monitoring_report(*, agreement: Agreement, year: FinancialYear, month: int) -> MonitoringReport:
    if not 1 <= month <= 12:
        raise ValueError("the month is M01 to M12")
    settings_row = MonitoringSettings.objects.filter(agreement=agreement).first()
    amber = settings_row.amber_threshold_percent if settings_row else Decimal("1.00")
    parties = list(agreement.parties.order_by("position", "id"))
    schedules = list(agreement.schedules.order_by("number"))
    contributions: dict[int, dict[int, int]] = {}
    for row in (Contribution.objects.filter(schedule__agreement=agreement, financial_year=year.start_year)
                .values("schedule_id", "party_id").annotate(total=Sum("amount_pence"))):
        contributions.setdefault(row["schedule_id"], {})[row["party_id"]] = row["total"]
    actuals = _actuals(agreement, year, month)
    choices = {row.schedule_id: row for row in ScheduleYear.objects.filter(
        schedule__agreement=agreement, financial_year=year.start_year)}
    manual = {row.schedule_id: row for row in ManualForecast.objects.filter(
        schedule__agreement=agreement, financial_year=year.start_year, month=month)}
    purchases = year_purchases(agreement=agreement, year=year, month=month)

    lines, figures = [], []
    for schedule in schedules:
        annual = sum(contributions.get(schedule.pk, {}).values())
        actual = actuals.get(schedule.pk, 0)
        choice = choices.get(schedule.pk)
        profile = choice.profile if choice else None
        method = (choice.method if choice and choice.method else "") or (
            ForecastMethod.MANUAL if schedule.pk in manual else ForecastMethod.RUN_RATE
        )
        if method == ForecastMethod.MANUAL and schedule.pk in manual:
            forecast = manual[schedule.pk].amount_pence
        elif method == ForecastMethod.PROFILE:
            forecast = forecasting.profile_forecast(actual, annual, month, profile)
        elif method == ForecastMethod.COMMITMENTS:
            forecast = actual + purchases.schedule_committed.get(schedule.pk, 0)
        else:
            method, forecast = ForecastMethod.RUN_RATE, forecasting.run_rate(actual, month)
        variance = forecast - annual
        lines.append(ScheduleLine(
            schedule.number, schedule.title, schedule.funding_type, annual,
            forecasting.budget_to_date(annual, month, profile), actual, forecast, method, variance,
            forecasting.rag(variance, annual, amber),
            manual[schedule.pk].commentary if schedule.pk in manual else "",
        ))
        figures.append(ScheduleFigures(
            schedule.number, contributions.get(schedule.pk, {}), forecast, schedule.funding_type,
            lead_commissioner=schedule.lead_commissioner_id,
        ))

    host = next((party.pk for party in parties if party.is_host), parties[0].pk if parties else None)
    partners = []
    if parties and any(figure.budget for figure in figures):
        allocation = allocate(
            partners=[party.pk for party in parties], host=host, schedules=figures,
            terms=allocation_terms(agreement=agreement, financial_year=year.start_year),
        )
        for party in parties:
            result = allocation.partner(party.pk)
            excess = result.final_share_of_spend - result.contributions
            state, up_to = partner_consent(party=party, year=year, excess=excess)
            partners.append(PartnerLine(party, result.contributions, result.final_share_of_spend, excess, state, up_to,
                                        purchases.bought_to_date.get(party.pk, 0),
                                        purchases.committed.get(party.pk, 0)))
    has_packages = bool(purchases.schedule_bought_to_date or purchases.schedule_committed)
    bought = [PartnerPurchases(party, purchases.bought_to_date.get(party.pk, 0), purchases.committed.get(party.pk, 0))
              for party in parties] if has_packages else []
    return MonitoringReport(agreement, year, month, lines, partners, amber, has_packages, bought)


# For the pages ---------------------------------------------------------------------------------------------------

def monitoring_years(*, fund: Fund) -> list[FinancialYear]:
    """The years a fund's monitoring can show: those its ledger has periods for, else those of the agreement's
    term."""
    agreement = fund.agreement
    return fund_years(fund) or financial_years_between(agreement.start_date, agreement.end_date)


@dataclass(frozen=True)
class MonthCommentary:
    """The manager's commentary on a month as the dashboard shows it: the author by name, not their user record."""

    text: str
    author: str
    modified_at: datetime


def monitoring_commentary(*, agreement: Agreement) -> dict[tuple[int, int], MonthCommentary]:
    """The manager's commentary on each month, by ``(financial year, month)``."""
    return {(row.financial_year, row.month): MonthCommentary(row.text, str(row.modified_by or ""), row.modified_at)
            for row in Commentary.objects.filter(agreement=agreement).select_related("modified_by")}


def monitoring_latest_period(*, agreement: Agreement) -> tuple[FinancialYear, int] | None:
    """The latest month with expenditure posted, a manual forecast or the manager's commentary; None if none has."""
    posted = (
        Balance.objects.filter(fund__agreement=agreement, account__role=AccountRole.EXPENDITURE, line_count__gt=0)
        .order_by("-period__financial_year", "-period__number")
        .values_list("period__financial_year", "period__number").first()
    )
    forecast = (ManualForecast.objects.filter(schedule__agreement=agreement).order_by("-financial_year", "-month")
                .values_list("financial_year", "month").first())
    commentary = (Commentary.objects.filter(agreement=agreement).order_by("-financial_year", "-month")
                  .values_list("financial_year", "month").first())
    latest = max((found for found in (posted, forecast, commentary) if found), default=None)
    return (FinancialYear(latest[0]), latest[1]) if latest else None


@dataclass(frozen=True)
class MonthPoint:
    """The fund's cumulative position at a month's end: budget to date; actual to date up to the report's month;
    the forecast from the report's month to the year end (the rest of each schedule's forecast spread by its
    budget profile)."""

    month: int
    budget: int
    actual: int | None
    forecast: int | None


def monitoring_trend(*, report: MonitoringReport) -> list[MonthPoint]:
    """The cumulative budget, actual and forecast of the report's schedules, month by month, in pence."""
    year, month = report.year, report.month
    spent = dict(
        Balance.objects.filter(
            fund__agreement=report.agreement, account__role=AccountRole.EXPENDITURE,
            account__schedule__isnull=False, period__financial_year=year.start_year,
            period__number__lte=month,
        ).values_list("period__number").annotate(total=Sum("amount_pence"))
    )
    profiles = dict(ScheduleYear.objects.filter(schedule__agreement=report.agreement,
                                                financial_year=year.start_year)
                    .values_list("schedule__number", "profile"))
    budget_by_month, forecast_by_month = [0] * 12, [0] * 12
    for line in report.schedules:
        profile = profiles.get(line.number)
        for index, amount in enumerate(forecasting.monthly_budget(line.annual_budget, profile)):
            budget_by_month[index] += amount
        later = list(profile or forecasting.FLAT)[month:]
        if later and not any(later):
            later = [1] * len(later)
        if later:
            for index, amount in enumerate(split_largest_remainder(line.forecast - line.actual_to_date, later)):
                forecast_by_month[month + index] += amount
    points, budget, actual, forecast = [], 0, 0, report.total("actual_to_date")
    for number in range(1, 13):
        budget += budget_by_month[number - 1]
        if number <= month:
            actual += spent.get(number, 0)
        if number > month:
            forecast += forecast_by_month[number - 1]
        if number == month == 12:
            forecast = report.total("forecast")  # no month is left to spread the rest over
        points.append(MonthPoint(number, budget, actual if number <= month else None,
                                 forecast if number >= month else None))
    return points


def consent_may_record(*, user, party: Party) -> bool:
    """Whether ``user`` may record ``party``'s prior-agreement decision: a partner's finance lead (the permission)
    at the party's organisation or one that took on its functions (a CCG's ICB); administrators may too."""
    return user_acts_for_party(user=user, party=party, permission=RECORD_CONSENT)


def consent_recorders(*, user, agreement: Agreement) -> frozenset[int]:
    """The ids of the agreement's partners bound by a prior-agreement clause whose decision ``user`` may record
    (``consent_may_record``); none, without asking the database, for a user without the permission."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_perm(RECORD_CONSENT):
        return frozenset()
    return frozenset(party.pk for party in agreement.parties.filter(requires_prior_agreement=True)
                     if consent_may_record(user=user, party=party))


@dataclass
class RecoveryPosition:
    """A partner's prior-agreement position for the year as at the report's month, with its recovery plan: what
    the dashboard's partner panel and the quarterly report's consent section both show."""

    line: PartnerLine
    actions: list[RecoveryAction]  # in due-date order, dropped ones included

    @property
    def bound(self) -> bool:
        """Whether the partner is bound by a prior-agreement clause."""
        return self.line.consent_state is not None

    @property
    def gap(self) -> int:
        """What a recovery plan has to find: the projected excess over the partner's contributions."""
        return max(self.line.projected_excess, 0)

    @property
    def within(self) -> int:
        """How far the projected share of spend is below the contributions."""
        return max(-self.line.projected_excess, 0)

    @property
    def planned_savings(self) -> int:
        return sum(action.saving_pence for action in self.actions if action.status != ActionStatus.DROPPED)

    @property
    def still_to_find(self) -> int:
        """The projected excess that the plan's savings do not cover."""
        return max(self.gap - self.planned_savings, 0)

    @property
    def plan_covers_excess(self) -> bool:
        return self.still_to_find == 0

    @property
    def plan_expected(self) -> bool:
        """A partner bound by a prior-agreement clause whose contributions are projected to be overspent."""
        return self.bound and self.gap > 0

    @property
    def plan_missing(self) -> bool:
        """A plan is expected and has no action yet, and the partner has not agreed to fund the excess."""
        return self.plan_expected and not self.actions and self.line.consent_state != ConsentState.GIVEN


def recovery_positions(*, report: MonitoringReport) -> list[RecoveryPosition]:
    """Each partner's position in the report (in its order) with its recovery plan's actions for the year."""
    actions: dict[int, list[RecoveryAction]] = {}
    for action in RecoveryAction.objects.filter(
        plan__agreement=report.agreement, plan__financial_year=report.year.start_year
    ).select_related("plan").order_by("due_date", "id"):
        actions.setdefault(action.plan.party_id, []).append(action)
    return [RecoveryPosition(line, actions.get(line.party.pk, [])) for line in report.partners]


# The version of a report's inputs ------------------------------------------------------------------------------

def monitoring_inputs_version(*, fund_id: int) -> tuple | None:
    """A value that changes whenever anything the fund's monitoring dashboard is drawn from changes, in one query;
    None if there is no such fund. It is the fund's agreement; when the fund was opened (so that a database made
    afresh, whose funds count from 0 again, is never answered from what was kept for another); its agreement's
    ``data_version``, which every service that changes a posting, period, partner, schedule, contribution, risk-share
    term, forecast, profile, care package, consent decision, recovery action or commentary of the fund moves on in
    its own transaction; and the ``modified_at`` of each author of the fund's commentary, whose names the page shows (a
    user belongs to no fund; signing in does not touch it). Read it before what it versions, so that nothing is ever
    kept under a newer version than the data it was drawn from."""
    authors = "agreement__commentaries__modified_by__modified_at"
    rows = list(Fund.objects.filter(pk=fund_id)
                .values_list("agreement_id", "created_at", "agreement__data_version", authors)
                .order_by(authors).distinct())
    if not rows:
        return None
    *fund, _ = rows[0]
    return *fund, tuple(author for *_, author in rows if author is not None)
