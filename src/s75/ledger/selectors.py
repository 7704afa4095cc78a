"""Reads of a fund's ledger. Totals come from the running balances, never from adding up the lines."""

from django.db.models import QuerySet, Sum

from s75.agreements.selectors import agreement_noted_visible, agreements_visible_to
from s75.core.fiscal import FinancialMonth, FinancialYear

from .models import Account, AccountRole, Balance, Fund, JournalLine, Period


def fund_get(*, user, pk: int) -> Fund:
    """A fund whose agreement the user may see; ``Fund.DoesNotExist`` otherwise."""
    fund = Fund.objects.select_related("agreement").get(pk=pk, agreement__in=agreements_visible_to(user=user))
    agreement_noted_visible(user=user, agreement=fund.agreement)
    return fund


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
