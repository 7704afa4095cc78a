"""Reads of a fund's ledger. Totals come from the running balances, never from adding up the lines, except the
totals of a listing of lines searched for, which no balance holds."""

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery, Sum

from s75.agreements.selectors import agreement_noted_visible, agreements_visible_to
from s75.core.fiscal import FinancialMonth, FinancialYear

from .importing import HELD, REJECTED
from .models import (
    Account,
    AccountRole,
    Balance,
    Fund,
    ImportRun,
    ImportStatus,
    JournalEntry,
    JournalLine,
    LedgerImport,
    Period,
    PeriodStatus,
)


def fund_get(*, user, pk: int) -> Fund:
    """A fund whose agreement the user may see; ``Fund.DoesNotExist`` otherwise."""
    fund = Fund.objects.select_related("agreement").get(pk=pk, agreement__in=agreements_visible_to(user=user))
    agreement_noted_visible(user=user, agreement=fund.agreement)
    return fund


def funds_visible_to(*, user) -> QuerySet[Fund]:
    """The funds of the agreements the user may see, by their agreement's title."""
    return Fund.objects.filter(agreement__in=agreements_visible_to(user=user)).select_related("agreement").order_by(
        "agreement__title", "pk")


def fund_years(fund: Fund) -> list[FinancialYear]:
    """The financial years the fund's ledger has periods for, in order."""
    return [FinancialYear(year) for year in fund.periods.values_list("financial_year", flat=True).distinct()
            .order_by("financial_year")]


def fund_period(*, fund: Fund, label: str) -> Period:
    """The period written ``2024-25/M06``; ``ValueError`` saying what is wrong with the text, else DoesNotExist."""
    month = FinancialMonth.parse(label)
    return fund.periods.get(financial_year=month.year.start_year, number=month.month)


def account_balances(*, fund: Fund, year: FinancialYear) -> dict[tuple[int, int], int]:
    """Each account's balance in each period of the year, in pence: ``{(account_id, month): pence}``."""
    rows = Balance.objects.filter(fund=fund, period__financial_year=year.start_year).values_list(
        "account_id", "period__number", "amount_pence"
    )
    return {(account_id, month): amount for account_id, month, amount in rows}


def trial_balance(*, fund: Fund, year: FinancialYear, up_to_month: int = 12) -> list[tuple[Account, int]]:
    """Every account with its balance for the year to date, from the running balances."""
    totals = dict(
        Balance.objects.filter(fund=fund, period__financial_year=year.start_year, period__number__lte=up_to_month)
        .values("account_id").annotate(total=Sum("amount_pence")).values_list("account_id", "total")
    )
    return [(account, totals.get(account.pk, 0)) for account in fund.accounts.all()]


def expenditure_by_month(*, fund: Fund, year: FinancialYear) -> list[tuple[Account, list[int]]]:
    """Each schedule's expenditure account, in schedule order, with its spend in each month of the year, in pence."""
    balances = account_balances(fund=fund, year=year)
    accounts = fund.accounts.filter(role=AccountRole.EXPENDITURE).select_related("schedule").order_by(
        "schedule__number"
    )
    return [(account, [balances.get((account.pk, month), 0) for month in range(1, 13)]) for account in accounts]


def ledger_lines(
    *, fund: Fund, period: Period | None = None, year: FinancialYear | None = None, account: Account | None = None,
    schedule_id: int | None = None, party_id: int | None = None, cost_centre: str = "", search: str = "",
    amount_pence: int | None = None,
) -> QuerySet[JournalLine]:
    """The lines behind a balance, filtered as a finance officer drills down, in period order then as posted.

    ``search`` finds words in a line's description (its entry's, for a line without one, as the listing shows it)
    or in its reference in the finance system (``source_line_id``), whatever their case. ``amount_pence`` finds the
    lines of that amount: a debit or a credit when it is positive, only a credit when it is negative (typed in
    brackets).

    Ordering by the periods' year and month would sort every matching line before a page can be cut; where the
    fund's periods were made in date order, as opening the ledger makes them, period id order is the same, and the
    database reads only the page it shows from the index.
    """
    lines = JournalLine.objects.filter(fund=fund).select_related("account", "period", "entry")
    # The line's own year, which the database holds equal to its period's: on PostgreSQL only that year's partition
    # is read.
    if period is not None:
        lines = lines.filter(period=period, financial_year=period.financial_year)
    elif year is not None:
        lines = lines.filter(financial_year=year.start_year)
    if account is not None:
        lines = lines.filter(account=account)
    if schedule_id is not None:
        lines = lines.filter(account__schedule_id=schedule_id)
    if party_id is not None:
        lines = lines.filter(account__party_id=party_id)
    if cost_centre:
        lines = lines.filter(cost_centre=cost_centre)
    if amount_pence is not None:
        lines = lines.filter(amount_pence__in=[amount_pence, -amount_pence] if amount_pence > 0 else [amount_pence])
    search = search.strip()
    if search:
        # The few entries whose description matches are found first, so that the lines are searched without a join
        # and each part of the search can be read from an index.
        found = Q(description__icontains=search) | Q(source_line_id__icontains=search)
        entries = list(
            JournalEntry.objects.filter(fund=fund, description__icontains=search).values_list("id", flat=True)
        )
        if entries:
            found |= Q(description="", entry_id__in=entries)
        lines = lines.filter(found)
    ids = list(fund.periods.order_by("financial_year", "number").values_list("id", flat=True))
    if ids != sorted(ids):
        return lines.order_by("period__financial_year", "period__number", "id")
    if search or amount_pence is not None:
        # What is searched for may be on a few lines anywhere in the fund. Ordered by the column, PostgreSQL reads the
        # whole index in order, hoping to fill a page early: 9 s for no match in 1.8 million lines, against 3 s to
        # read the table and sort what matches, which ordering by an expression of the column asks it to do.
        return lines.order_by(F("period_id") + 0, "id")
    return lines.order_by("period_id", "id")


def ledger_lines_shown(*, ids: list[int]) -> list[JournalLine]:
    """The lines ``ids`` (a page of a ``ledger_lines`` listing's ids) with their account, schedule, partner, period
    and entry, in the order given. A page is cut from the listing's ids alone: the database's guess of how many lines
    match a search is rough, and on a guess too low it would join every matching line before cutting the page."""
    lines = JournalLine.objects.filter(pk__in=ids).select_related(
        "account__schedule", "account__party", "period", "entry")
    found = {line.pk: line for line in lines}
    return [found[pk] for pk in ids]


@dataclass(frozen=True)
class LineTotals:
    """The debits and credits of a listing of lines, in pence (credits as a positive figure)."""

    debit_pence: int
    credit_pence: int

    @property
    def net_pence(self) -> int:
        """Debits less credits: positive is a net debit."""
        return self.debit_pence - self.credit_pence

    @property
    def net_debit_pence(self) -> int | None:
        """The net in the debit column: when it is a net debit, or nothing either way."""
        return self.net_pence if self.net_pence >= 0 else None

    @property
    def net_credit_pence(self) -> int | None:
        return -self.net_pence if self.net_pence < 0 else None

    @property
    def net_label(self) -> str:
        """What the net is called: a net debit, a net credit, or nothing either way."""
        return "Net debit" if self.net_pence > 0 else "Net credit" if self.net_pence < 0 else "Net"


def ledger_lines_totals(*, lines: QuerySet[JournalLine]) -> LineTotals:
    """The totals of every line of ``lines`` (a ``ledger_lines`` listing), added up by the database in one pass."""
    totals = lines.order_by().aggregate(
        debits=Sum("amount_pence", filter=Q(amount_pence__gt=0), default=0),
        credits=Sum("amount_pence", filter=Q(amount_pence__lt=0), default=0),
    )
    return LineTotals(debit_pence=totals["debits"], credit_pence=-totals["credits"])


def _ended_by(today: date) -> Q:
    """Periods whose month has ended by ``today``: those before the month ``today`` is in."""
    current = FinancialMonth.containing(today)
    return Q(financial_year__lt=current.year.start_year) | Q(financial_year=current.year.start_year,
                                                            number__lt=current.month)


def periods_ended_open(*, user, today: date) -> QuerySet[Period]:
    """The periods of the funds the user may see whose month has ended by ``today`` and that are still open, by fund,
    then in the order they close."""
    return (Period.objects.filter(_ended_by(today), fund__in=funds_visible_to(user=user), status=PeriodStatus.OPEN)
            .select_related("fund__agreement")
            .order_by("fund__agreement__title", "fund_id", "financial_year", "number"))


def period_last_ended(*, fund: Fund, today: date) -> Period | None:
    """The fund's latest period whose month has ended by ``today``: last month's, or the last of a term that is over;
    None before the first has ended."""
    return fund.periods.filter(_ended_by(today)).order_by("-financial_year", "-number").first()


def import_runs_failed(*, user) -> QuerySet[ImportRun]:
    """The general-ledger imports asked for from a page, on the funds the user may see, that failed (the task
    stopped with an error), whose file was rejected or was held back (its lines fall in a year with no budget), and
    that no file posted to the fund since has put right;
    latest first. A dry run that found problems did what it was asked, so it is not among them."""
    last_posted = (LedgerImport.objects.filter(fund=OuterRef("fund"), status=ImportStatus.POSTED)
                   .values("fund").annotate(last=Max("finished_at")).values("last"))
    return (
        ImportRun.objects.filter(fund__in=funds_visible_to(user=user), dry_run=False)
        .filter(~Q(error="") | Q(outcome__status__in=[REJECTED, HELD]))
        .annotate(last_posted=Subquery(last_posted))
        .filter(Q(last_posted__isnull=True) | Q(created_at__gt=F("last_posted")))
        .select_related("fund__agreement").order_by("-created_at", "-id")
    )
