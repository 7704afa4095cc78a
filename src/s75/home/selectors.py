"""What needs the user now: one selector per kind of item, each from the selectors of the app that owns it, scoped to
what the user may see (``agreements_visible_to``) and to what their role lets them do (the apps' permissions).

Each item names the task and links to the page where it is done. "Now" is the ``today`` the caller passes (the page
passes ``timezone.localdate()``), so that the items of a day can be asked for by any test.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.urls import reverse
from django.utils.dateformat import format as date_format

from s75.agreements.models import Party
from s75.agreements.permissions import MANAGE_AGREEMENT
from s75.agreements.selectors import agreements_due_for_renewal, renewal_alert_date, user_acts_for_party
from s75.bcf.checks import unexplained_failures
from s75.bcf.models import PlanStatus
from s75.bcf.permissions import MANAGE_PLAN
from s75.bcf.selectors import plans_visible_to
from s75.budgets.permissions import POST_INSTALMENTS
from s75.budgets.selectors import instalments_overdue
from s75.core.fiscal import FinancialMonth, FinancialYear
from s75.core.money import format_gbp
from s75.governance.models import DecisionSubject
from s75.governance.selectors import PlanState, forward_plan, meetings_next
from s75.ledger.importing import HELD
from s75.ledger.models import Fund
from s75.ledger.permissions import CLOSE_PERIOD, POST_LEDGER
from s75.ledger.selectors import funds_visible_to, import_runs_failed, period_last_ended, periods_ended_open
from s75.monitoring.permissions import RECORD_CONSENT
from s75.monitoring.selectors import (
    ConsentState,
    RecoveryPosition,
    consent_recorders,
    monitoring_commentary,
    monitoring_report,
    monitoring_years,
    recovery_positions,
)
from s75.reports.selectors import report_due
from s75.settlement.permissions import APPROVE_SETTLEMENT
from s75.settlement.selectors import settlement_final_years, settlement_runs_to_approve

# How long before 28 February next year's budget shows as a task (the governance forward plan's due date).
BUDGET_NOTICE_DAYS = 90
# How long before the year's due date a draft Better Care Fund plan shows as a task.
BCF_PLAN_NOTICE_DAYS = 60


@dataclass(frozen=True)
class Link:
    text: str
    url: str  # empty for a paper that is only a title


@dataclass(frozen=True)
class HomeItem:
    """One thing to do: the link to where it is done, what it is about, and any links beneath it (a meeting's
    papers)."""

    text: str
    url: str
    detail: str = ""
    overdue: bool = False
    links: list[Link] = field(default_factory=list)


@dataclass(frozen=True)
class HomeSection:
    key: str
    heading: str
    items: list[HomeItem]


def _day(on: date) -> str:
    return date_format(on, "j F Y")


def _month_name(month: FinancialMonth) -> str:
    """``March 2016``."""
    calendar_month = (month.month + 2) % 12 + 1
    return date_format(date(month.year.start_year + (calendar_month < 4), calendar_month, 1), "F Y")


def failed_imports(*, user) -> list[HomeItem]:
    """General-ledger imports that failed or were rejected, for someone who may import."""
    if not user.has_perm(POST_LEDGER):
        return []
    return [
        HomeItem(f"{run.filename}: {_import_trouble(run)}",
                 reverse("imports:run", args=[run.fund_id, run.pk]),
                 detail=f"{run.fund.agreement.title}, {date_format(run.created_at, 'j F Y H:i')}")
        for run in import_runs_failed(user=user)
    ]


def _import_trouble(run) -> str:
    if run.error:
        return "failed"
    if (run.outcome or {}).get("status") == HELD:
        return "held back: its lines fall in a year with no budget"
    return "rejected"


def periods_to_close(*, user, today: date) -> list[HomeItem]:
    """Per fund, the months that have ended with their period still open, for someone who may close periods."""
    if not user.has_perm(CLOSE_PERIOD):
        return []
    by_fund: dict[int, list] = {}
    for period in periods_ended_open(user=user, today=today):
        by_fund.setdefault(period.fund_id, []).append(period)
    items = []
    for periods in by_fund.values():
        first, fund = periods[0], periods[0].fund
        count = f"{len(periods)} periods ended and still open" if len(periods) > 1 else "1 period ended and still open"
        items.append(HomeItem(
            f"Close {first.label}", f"{reverse('ledger:fund', args=[fund.pk])}?year={first.year.label}#periods",
            detail=f"{fund.agreement.title}: {count}" + (f", {first.label} to {periods[-1].label}"
                                                         if len(periods) > 1 else ""),
        ))
    return items


def commentary_missing(*, user, today: date) -> list[HomeItem]:
    """Per fund, the last month to have ended when it has no commentary, for someone who may write it."""
    if not user.has_perm(POST_LEDGER):
        return []
    items = []
    for fund in funds_visible_to(user=user):
        period = period_last_ended(fund=fund, today=today)
        if period is None or (period.financial_year, period.number) in monitoring_commentary(agreement=fund.agreement):
            continue
        month = FinancialMonth(period.year, period.number)
        items.append(HomeItem(f"Write the commentary for {month.label}",
                              reverse("monitoring:commentary", args=[fund.pk, month]),
                              detail=f"{fund.agreement.title}: {_month_name(month)} has ended with no commentary"))
    return items


@dataclass(frozen=True)
class FundPosition:
    """A partner's prior-agreement position in a year of a fund, as at the year's last ended month."""

    fund: Fund
    month: FinancialMonth
    position: RecoveryPosition


def fund_positions(*, user, today: date) -> list[FundPosition]:
    """Each partner's position in each year of each fund the user may see that has a month ended and is not settled
    for good: what the consent decisions and recovery plans waiting are drawn from."""
    current = FinancialMonth.containing(today)
    positions = []
    for fund in funds_visible_to(user=user):
        settled = settlement_final_years(agreement=fund.agreement)
        for year in monitoring_years(fund=fund):
            if year.start_year in settled or year > current.year or (year == current.year and current.month == 1):
                continue
            month = FinancialMonth(year, 12 if year < current.year else current.month - 1)
            report = monitoring_report(agreement=fund.agreement, year=year, month=month.month)
            positions += [FundPosition(fund, month, position) for position in recovery_positions(report=report)]
    return positions


def consent_decisions_waiting(*, user, positions: list[FundPosition]) -> list[HomeItem]:
    """Partners whose prior agreement to a projected overspend is needed, for their finance lead."""
    items = []
    recorders: dict[int, frozenset[int]] = {}
    for found in positions:
        line, agreement = found.position.line, found.fund.agreement
        if line.consent_state != ConsentState.REQUIRED:
            continue
        if agreement.pk not in recorders:
            recorders[agreement.pk] = consent_recorders(user=user, agreement=agreement)
        if line.party.pk not in recorders[agreement.pk]:
            continue
        items.append(HomeItem(
            f"Decide on {line.party.display_name}'s prior agreement for {found.month.year.label}",
            reverse("monitoring:consent", args=[found.fund.pk, found.month, line.party.pk]),
            detail=f"{agreement.title}: its share of spend is projected to exceed its contributions by "
                   f"{format_gbp(line.projected_excess)} as at {found.month.label}",
        ))
    return items


def recovery_plans_missing(*, user, positions: list[FundPosition]) -> list[HomeItem]:
    """Partners projected to overspend their contributions without consent and with no recovery action, for someone
    who may add actions."""
    if not user.has_perm(POST_LEDGER):
        return []
    return [
        HomeItem(f"Add actions to {found.position.line.party.display_name}'s recovery plan for "
                 f"{found.month.year.label}",
                 reverse("monitoring:recovery", args=[found.fund.pk, found.month, found.position.line.party.pk]),
                 detail=f"{found.fund.agreement.title}: {format_gbp(found.position.gap)} projected over its "
                        f"contributions as at {found.month.label}, and no action planned")
        for found in positions if found.position.plan_missing
    ]


def reports_due(*, user, today: date) -> list[HomeItem]:
    """Per fund, the paper of the latest quarter ended when it has not been made, for someone who may make it."""
    if not user.has_perm(POST_LEDGER):
        return []
    items = []
    for fund in funds_visible_to(user=user):
        due = report_due(fund=fund, today=today)
        if due is not None:
            items.append(HomeItem(f"Make the {due.title[0].lower()}{due.title[1:]}",
                                  reverse("reports:list", args=[fund.pk]),
                                  detail=f"{fund.agreement.title}: due by {_day(due.due_on)}",
                                  overdue=due.due_on < today))
    return items


def budgets_due(*, user, today: date) -> list[HomeItem]:
    """Next year's budget of each agreement in force, to be approved by 28 February, until the board has approved it
    (the governance forward plan's rule), for someone who may set contributions."""
    if not user.has_perm(MANAGE_AGREEMENT):
        return []
    items = []
    for item in forward_plan(user=user, today=today):
        if item.subject != DecisionSubject.BUDGET or item.state(today) == PlanState.DECIDED:
            continue
        year = FinancialYear(item.financial_year)
        if item.due_on - timedelta(days=BUDGET_NOTICE_DAYS) <= today < year.starts_on:
            items.append(HomeItem(
                f"Agree the budget for {year.label}",
                reverse("budgets:financial_schedule", args=[item.agreement.pk, year]),
                detail=f"{item.agreement.title}: the board is to approve it by {_day(item.due_on)}",
                overdue=item.state(today) == PlanState.OVERDUE,
            ))
    return items


def renewals_due(*, user, today: date) -> list[HomeItem]:
    """Agreements in force within their renewal notice period with no renewal drafted, for someone who may renew."""
    if not user.has_perm(MANAGE_AGREEMENT):
        return []
    return [
        HomeItem(f"Renew, extend or let expire: {agreement.title}", reverse("agreements:renew", args=[agreement.pk]),
                 detail=f"Ends {_day(agreement.end_date)}; its notice period began "
                        f"{_day(renewal_alert_date(agreement=agreement))}")
        for agreement in sorted(agreements_due_for_renewal(user=user, today=today),
                                key=lambda agreement: (agreement.end_date, agreement.title))
    ]


def settlements_to_approve(*, user) -> list[HomeItem]:
    """The latest draft of each year's settlement that a partner the user is a finance lead of has not approved."""
    return [
        HomeItem(f"Approve the {run.year_label} settlement (version {run.version})",
                 reverse("settlement:run", args=[run.agreement.fund.pk, run.pk]),
                 detail=f"{run.agreement.title}: for {', '.join(str(party) for party in parties)}")
        for run, parties in settlement_runs_to_approve(user=user)
    ]


def _finance_lead_of(user, party: Party) -> bool:
    return user_acts_for_party(user=user, party=party, permission=APPROVE_SETTLEMENT)


def instalments_late(*, user, today: date) -> list[HomeItem]:
    """Instalments past their due date with money outstanding: every one the user may see, for someone who records
    receipts; a partner's own, for its finance lead."""
    records_receipts = user.has_perm(POST_INSTALMENTS)
    return [
        HomeItem(f"{row.instalment.party.display_name}: instalment {row.instalment.number} of "
                 f"{FinancialYear(row.instalment.financial_year).label}, "
                 f"{format_gbp(row.outstanding_pence, show_pence=True)} outstanding",
                 reverse("budgets:instalments", args=[row.instalment.party.agreement_id]),
                 detail=f"{row.instalment.party.agreement.title}: due {_day(row.instalment.due_on)}, "
                        f"{row.days_overdue} day{'s' if row.days_overdue != 1 else ''} overdue",
                 overdue=True)
        for row in instalments_overdue(user=user, today=today)
        if records_receipts or _finance_lead_of(user, row.instalment.party)
    ]


def bcf_checks_failing(*, user) -> list[HomeItem]:
    """Draft Better Care Fund plans with a failing check that carries no explanation, for someone who may prepare
    plans."""
    if not user.has_perm(MANAGE_PLAN):
        return []
    items = []
    for plan in plans_visible_to(user=user).filter(status=PlanStatus.DRAFT):
        failing = unexplained_failures(plan)
        if failing:
            items.append(HomeItem(f"Resolve the failing checks of the {plan}",
                                  f"{reverse('bcf:detail', args=[plan.pk])}#checks",
                                  detail="; ".join(check.title for check in failing)))
    return items


def bcf_plans_due(*, user, today: date) -> list[HomeItem]:
    """Draft Better Care Fund plans whose year's due date is near or past, for someone who may prepare plans."""
    if not user.has_perm(MANAGE_PLAN):
        return []
    return [
        HomeItem(f"Submit the {plan}", f"{reverse('bcf:detail', args=[plan.pk])}#lifecycle",
                 detail=f"Plans for {plan.year} are due by {_day(plan.year.plans_due_on)}",
                 overdue=plan.year.plans_due_on < today)
        for plan in plans_visible_to(user=user).filter(
            status=PlanStatus.DRAFT, year__plans_due_on__lte=today + timedelta(days=BCF_PLAN_NOTICE_DAYS))
    ]


def next_meetings(*, user, today: date) -> list[HomeItem]:
    """The next meeting of each of the user's boards, with its papers."""
    items = []
    for meeting in meetings_next(user=user, today=today):
        links = [Link(paper.title, reverse("governance:paper_download", args=[paper.pk]) if paper.file else paper.url)
                 for paper in meeting.papers.all()]
        items.append(HomeItem(f"{meeting.board.name}, {_day(meeting.held_on)}", meeting.get_absolute_url(),
                              detail=meeting.title or ("Papers:" if links else "No papers are recorded yet"),
                              links=links))
    return items


def home_sections(*, user, today: date) -> list[HomeSection]:
    """What needs the user on ``today``, by kind; only the kinds that have something."""
    positions = fund_positions(user=user, today=today) if (
        user.has_perm(POST_LEDGER) or user.has_perm(RECORD_CONSENT)) else []
    sections = [
        HomeSection("imports", "General-ledger imports that failed", failed_imports(user=user)),
        HomeSection("periods", "Periods to close", periods_to_close(user=user, today=today)),
        HomeSection("commentary", "Commentary missing", commentary_missing(user=user, today=today)),
        HomeSection("recovery", "Recovery plans without actions", recovery_plans_missing(user=user,
                                                                                        positions=positions)),
        HomeSection("reports", "Reports and returns due", reports_due(user=user, today=today)),
        HomeSection("budgets", "Budgets to approve", budgets_due(user=user, today=today)),
        HomeSection("renewals", "Renewals in their notice period", renewals_due(user=user, today=today)),
        HomeSection("bcf-plans-due", "Better Care Fund plans due", bcf_plans_due(user=user, today=today)),
        HomeSection("bcf-checks", "Better Care Fund plans with checks failing", bcf_checks_failing(user=user)),
        HomeSection("consent", "Consent decisions waiting", consent_decisions_waiting(user=user, positions=positions)),
        HomeSection("settlements", "Settlements to approve", settlements_to_approve(user=user)),
        HomeSection("instalments", "Instalments overdue", instalments_late(user=user, today=today)),
        HomeSection("meetings", "Your boards' next meetings", next_meetings(user=user, today=today)),
    ]
    return [section for section in sections if section.items]
