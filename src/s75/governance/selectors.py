"""Reads of the governance register, and the forward plan of the decisions coming up.

Scoping, in one place (:func:`boards_visible_to`, :func:`decisions_visible_to`): a user sees a board when their
organisation (or one it succeeded) runs it or sits on it, or when it oversees or has decided on an agreement the user
may see (``agreements_visible_to``). They see a decision when it is on an agreement they may see, or was made by a
board their organisation runs or sits on. Meetings and their papers go with their board. Administrators and the
system operator (``None``) see everything.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from s75.accounts.models import User
from s75.agreements.models import Agreement, AgreementStatus
from s75.agreements.selectors import agreements_due_for_renewal, agreements_visible_to
from s75.core.fiscal import FinancialYear, Quarter
from s75.organisations.selectors import user_lineage_ids

from .models import Board, BoardMember, Decision, DecisionOutcome, DecisionSubject, Meeting


def _sees_everything(user) -> bool:
    return user is None or (getattr(user, "is_authenticated", False) and user.is_superuser)


def _sees_nothing(user) -> bool:
    return not getattr(user, "is_authenticated", False) or user.organisation_id is None


def _own_boards(user) -> QuerySet[Board]:
    """Boards the user's organisation, or one it succeeded, runs or has a member on."""
    lineage = user_lineage_ids(user=user)
    return Board.objects.filter(
        Q(organisation_id__in=lineage)
        | Q(pk__in=BoardMember.objects.filter(organisation_id__in=lineage).values("board_id"))
    )


def boards_visible_to(*, user) -> QuerySet[Board]:
    if _sees_everything(user):
        return Board.objects.all()
    if _sees_nothing(user):
        return Board.objects.none()
    agreements = agreements_visible_to(user=user)
    return Board.objects.filter(
        Q(pk__in=_own_boards(user).values("pk"))
        | Q(pk__in=Board.agreements.through.objects.filter(agreement__in=agreements).values("board_id"))
        | Q(pk__in=Meeting.objects.filter(decisions__agreement__in=agreements).values("board_id"))
    )


def decisions_visible_to(*, user) -> QuerySet[Decision]:
    decisions = Decision.objects.select_related("meeting__board", "agreement", "variation")
    if _sees_everything(user):
        return decisions
    if _sees_nothing(user):
        return decisions.none()
    return decisions.filter(
        Q(agreement__in=agreements_visible_to(user=user)) | Q(meeting__board__in=_own_boards(user))
    )


def decision_list(
    *, user, held_from: date | None = None, held_to: date | None = None, subject: str = "", outcome: str = "",
    recorded_by=None,
) -> QuerySet[Decision]:
    """The decisions ``user`` sees (``decisions_visible_to``), latest first, narrowed to those of meetings held from
    ``held_from`` to ``held_to`` (either end optional), of a ``subject`` and an ``outcome``, recorded by a user."""
    decisions = decisions_visible_to(user=user)
    if held_from is not None:
        decisions = decisions.filter(meeting__held_on__gte=held_from)
    if held_to is not None:
        decisions = decisions.filter(meeting__held_on__lte=held_to)
    if subject:
        decisions = decisions.filter(subject=subject)
    if outcome:
        decisions = decisions.filter(outcome=outcome)
    if recorded_by is not None:
        decisions = decisions.filter(created_by=recorded_by)
    return decisions


def decision_recorders(*, user) -> QuerySet[User]:
    """The people who recorded a decision ``user`` sees, by name: the choices of the decisions' filter."""
    recorded = decisions_visible_to(user=user).filter(created_by__isnull=False).values("created_by")
    return User.objects.filter(pk__in=recorded).order_by("first_name", "last_name", "username")


def board_get(*, user, pk: int) -> Board:
    """One board the user may see; ``Board.DoesNotExist`` otherwise."""
    return boards_visible_to(user=user).select_related("organisation").get(pk=pk)


def meeting_get(*, user, pk: int) -> Meeting:
    """One meeting of a board the user may see; ``Meeting.DoesNotExist`` otherwise."""
    return Meeting.objects.select_related("board").get(pk=pk, board__in=boards_visible_to(user=user))


def meetings_visible_to(*, user) -> QuerySet[Meeting]:
    """The meetings of the boards the user may see, by board, date and title."""
    return (Meeting.objects.filter(board__in=boards_visible_to(user=user)).select_related("board")
            .order_by("board__name", "held_on", "title", "pk"))


def meetings_next(*, user, today: date) -> list[Meeting]:
    """The next meeting (on ``today`` or later) of each board the user's organisation, or one it succeeded, runs or
    sits on (of every board, for administrators), with its papers; soonest first."""
    if _sees_everything(user):
        boards = Board.objects.all()
    elif _sees_nothing(user):
        return []
    else:
        boards = _own_boards(user)
    upcoming = (Meeting.objects.filter(board__in=boards, held_on__gte=today).select_related("board")
                .prefetch_related("papers").order_by("board_id", "held_on"))
    first: dict[int, Meeting] = {}
    for meeting in upcoming:
        first.setdefault(meeting.board_id, meeting)
    return sorted(first.values(), key=lambda meeting: (meeting.held_on, meeting.board.name))


def user_may_govern(*, user, board: Board, permission: str) -> bool:
    """Whether ``user`` holds the governance permission and may see the board: the one place this is decided."""
    return user.has_perm(permission) and boards_visible_to(user=user).filter(pk=board.pk).exists()


def boards_for_agreement(*, agreement: Agreement) -> QuerySet[Board]:
    """The boards that oversee the agreement or have decided on it, for describing its governance."""
    return Board.objects.filter(
        Q(pk__in=Board.agreements.through.objects.filter(agreement=agreement).values("board_id"))
        | Q(pk__in=Meeting.objects.filter(decisions__agreement=agreement).values("board_id"))
    ).select_related("organisation")


def decisions_citable_for(*, agreement: Agreement) -> QuerySet[Decision]:
    """Decisions that may be cited as evidence for an act on the agreement (the date is checked by the act)."""
    return agreement.decisions.filter(outcome=DecisionOutcome.APPROVED).select_related("meeting__board")


# The forward plan's rules. Quarterly reports (Q1 to Q3) and the annual return (Q4) are due a fixed number of weeks
# after their quarter ends, whatever the boards' meeting dates: the plan shows the next meeting beside each item, so
# a board secretary can see whether it falls in time. Next year's budget is approved by 28 February.
REPORT_DUE_WEEKS = 8
BUDGET_DUE_MONTH_DAY = (2, 28)
FORWARD_PLAN_WEEKS = 26  # items due within this many weeks either side of today; renewals whenever alerted
# The outcomes that settle each kind of item; any other leaves it to be decided.
SETTLED_BY = {
    DecisionSubject.RENEWAL: {DecisionOutcome.APPROVED, DecisionOutcome.REJECTED},
    DecisionSubject.QUARTERLY_REPORT: {DecisionOutcome.NOTED, DecisionOutcome.APPROVED},
    DecisionSubject.ANNUAL_RETURN: {DecisionOutcome.NOTED, DecisionOutcome.APPROVED},
    DecisionSubject.BUDGET: {DecisionOutcome.APPROVED},
}


class PlanState:
    DECIDED = "Decided"
    DUE = "Due"
    OVERDUE = "Overdue"


@dataclass(frozen=True)
class ForwardPlanItem:
    agreement: Agreement
    subject: str
    title: str
    due_on: date
    financial_year: int | None
    quarter: int | None
    decision: Decision | None  # the latest decision recorded on it
    next_meeting: Meeting | None  # the next meeting of a board that oversees the agreement

    @property
    def subject_label(self) -> str:
        return DecisionSubject(self.subject).label

    def state(self, today: date) -> str:
        if self.decision is not None and self.decision.outcome in SETTLED_BY[self.subject]:
            return PlanState.DECIDED
        return PlanState.OVERDUE if self.due_on < today else PlanState.DUE


def _reports_and_budgets(agreement: Agreement, start: date, end: date) -> list[tuple[str, str, date, int, int | None]]:
    """(subject, title, due date, financial year, quarter) of each report and budget due between ``start`` and
    ``end`` within the agreement's term."""
    due = []
    years = range(FinancialYear.containing(start).start_year - 1, FinancialYear.containing(end).start_year + 2)
    for year in map(FinancialYear, years):
        month, day = BUDGET_DUE_MONTH_DAY
        budget_due = date(year.start_year, month, day)
        if start <= budget_due <= end and agreement.start_date <= year.starts_on <= agreement.end_date:
            due.append((DecisionSubject.BUDGET, f"Budget {year.label}", budget_due, year.start_year, None))
        if not agreement.pooled_fund:
            continue
        for number in (1, 2, 3, 4):
            quarter = Quarter(year, number)
            report_due = quarter.ends_on + timedelta(weeks=REPORT_DUE_WEEKS)
            if start <= report_due <= end and agreement.start_date <= quarter.ends_on <= agreement.end_date:
                if quarter.is_annual:
                    due.append((DecisionSubject.ANNUAL_RETURN, f"Annual return {year.label}", report_due,
                                year.start_year, None))
                else:
                    due.append((DecisionSubject.QUARTERLY_REPORT,
                                f"Quarterly report {year.label} Q{number}, to {quarter.ends_on:%d %B %Y}", report_due,
                                year.start_year, number))
    return due


def _next_meeting(agreement: Agreement, today: date) -> Meeting | None:
    return (Meeting.objects.filter(board__in=boards_for_agreement(agreement=agreement), held_on__gte=today)
            .select_related("board").order_by("held_on", "board__name").first())


def forward_plan(*, user, today: date, weeks: int = FORWARD_PLAN_WEEKS) -> list[ForwardPlanItem]:
    """The decisions coming up on the agreements the user may see, by due date: renewals in their notice period
    (the renewal alert's rule), and for agreements in force each quarterly report and annual return of a pooled
    fund and each year's budget due within ``weeks`` of today (before it too, so that what was missed shows)."""
    start, end = today - timedelta(weeks=weeks), today + timedelta(weeks=weeks)
    in_force = agreements_visible_to(user=user).filter(status=AgreementStatus.IN_FORCE).prefetch_related("renewals")
    latest: dict[tuple, Decision] = {}
    for decision in (Decision.objects.filter(agreement__in=in_force, subject__in=SETTLED_BY)
                     .select_related("meeting__board").order_by("meeting__held_on", "id")):
        latest[(decision.agreement_id, decision.subject, decision.financial_year, decision.quarter)] = decision
    renewing = {agreement.pk for agreement in agreements_due_for_renewal(user=user, today=today)}
    items = []
    for agreement in in_force:
        due = _reports_and_budgets(agreement, start, end)
        if agreement.pk in renewing:
            due.append((DecisionSubject.RENEWAL, f"Renew, extend or let expire (ends {agreement.end_date:%d %B %Y})",
                        agreement.end_date, None, None))
        if not due:
            continue
        meeting = _next_meeting(agreement, today)
        items += [
            ForwardPlanItem(agreement, subject, title, due_on, year, quarter,
                            latest.get((agreement.pk, subject, year, quarter)), meeting)
            for subject, title, due_on, year, quarter in due
        ]
    return sorted(items, key=lambda item: (item.due_on, item.agreement.title, item.subject))
