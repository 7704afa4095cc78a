"""Reads of a fund's ledger. Totals come from the running balances, never from adding up the lines."""

from datetime import date

from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery, Sum

from s75.agreements.selectors import agreement_noted_visible, agreements_visible_to
from s75.core.fiscal import FinancialMonth, FinancialYear

from .importing import REJECTED
from .models import (
    Account,
    AccountRole,
    Balance,
    Fund,
    ImportRun,
    ImportStatus,
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
    schedule_id: int | None = None, party_id: int | None = None, cost_centre: str = "",
) -> QuerySet[JournalLine]:
    """The lines behind a balance, filtered as a finance officer drills down, in period order then as posted.

    Ordering by the periods' year and month would sort every matching line before a page can be cut; where the
    fund's periods were made in date order, as opening the ledger makes them, period id order is the same, and the
    database reads only the page it shows from the index.
    """
    lines = JournalLine.objects.filter(fund=fund).select_related("account", "period", "entry")
    if period is not None:
        lines = lines.filter(period=period)
    elif year is not None:
        lines = lines.filter(period__financial_year=year.start_year)
    if account is not None:
        lines = lines.filter(account=account)
    if schedule_id is not None:
        lines = lines.filter(account__schedule_id=schedule_id)
    if party_id is not None:
        lines = lines.filter(account__party_id=party_id)
    if cost_centre:
        lines = lines.filter(cost_centre=cost_centre)
    ids = list(fund.periods.order_by("financial_year", "number").values_list("id", flat=True))
    if ids == sorted(ids):
        return lines.order_by("period_id", "id")
    return lines.order_by("period__financial_year", "period__number", "id")


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
    stopped with an error) or whose file was rejected, and that no file posted to the fund since has put right;
    latest first. A dry run that found problems did what it was asked, so it is not among them."""
    last_posted = (LedgerImport.objects.filter(fund=OuterRef("fund"), status=ImportStatus.POSTED)
                   .values("fund").annotate(last=Max("finished_at")).values("last"))
    return (
        ImportRun.objects.filter(fund__in=funds_visible_to(user=user), dry_run=False)
        .filter(~Q(error="") | Q(outcome__status=REJECTED))
        .annotate(last_posted=Subquery(last_posted))
        .filter(Q(last_posted__isnull=True) | Q(created_at__gt=F("last_posted")))
        .select_related("fund__agreement").order_by("-created_at", "-id")
    )
