"""Pages of a fund's ledger: the fund's year (headline, trial balance, expenditure by schedule and month, periods),
the lines behind any balance, one journal entry, and opening the ledger; the downloads are built by ``exports``.
Thin: parse input, call a service or selector, render.

Every page finds its fund through ``fund_get``, so a fund whose agreement the user's organisation is not party to
is a 404. A change needs the domain permission (``ledger.post_ledger``, ``ledger.close_period``), else 403.
Totals come from the running balances; only the lines listing reads lines, a page at a time.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from s75.agreements.models import Schedule
from s75.agreements.pages import visible_agreement_or_404
from s75.agreements.selectors import user_may_change
from s75.core.exports import xlsx_response
from s75.core.fiscal import FinancialYear
from s75.core.pages import numbered_pagination, page_of, year_pagination

from .charts import expenditure_chart, expenditure_chart_key
from .exports import (
    MONTH_LABELS,
    expenditure_workbook,
    ledger_lines_csv,
    ledger_lines_workbook,
    trial_balance_workbook,
)
from .forms import EntryReverseForm, LinesFilterForm, PeriodCloseForm
from .models import Account, AccountRole, EntryKind, Fund, JournalEntry, JournalLine
from .pages import fund_or_404
from .permissions import CLOSE_PERIOD, POST_LEDGER
from .selectors import (
    expenditure_by_month,
    fund_years,
    ledger_lines,
    ledger_lines_shown,
    ledger_lines_totals,
    trial_balance,
)
from .services import FROM_INSTALMENTS, LedgerError, entry_reverse, fund_open, period_close

LINES_PER_PAGE = 50
LINES_EXPORT_LIMIT = 100_000
LATEST_ENTRIES = 10
ENTRY_LINES_PER_PAGE = 100



def _may(request, fund: Fund, permission: str) -> bool:
    return user_may_change(user=request.user, agreement=fund.agreement, permission=permission)


def _lines_url(fund: Fund, **filters) -> str:
    query = {name: value for name, value in filters.items() if value not in (None, "")}
    return f"{reverse('ledger:lines', args=[fund.pk])}?{urlencode(query)}"


# The fund's year ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrialBalanceRow:
    account: Account
    amount_pence: int
    url: str

    @property
    def debit_pence(self) -> int | None:
        return self.amount_pence if self.amount_pence > 0 else None

    @property
    def credit_pence(self) -> int | None:
        return -self.amount_pence if self.amount_pence < 0 else None


@dataclass(frozen=True)
class ExpenditureCell:
    amount_pence: int
    url: str
    month: str = ""


@dataclass(frozen=True)
class ExpenditureRow:
    schedule: Schedule
    account: Account
    cells: list[ExpenditureCell]
    total: ExpenditureCell

    @property
    def amounts(self) -> list[int]:
        return [cell.amount_pence for cell in self.cells]


@dataclass(frozen=True)
class Headline:
    contributions_pence: int
    receivable_pence: int
    cash_pence: int
    expenditure_pence: int

    @property
    def surplus_pence(self) -> int:
        return self.contributions_pence - self.expenditure_pence

    @property
    def surplus_size_pence(self) -> int:
        """The surplus, or the deficit, without its sign: the page says which."""
        return abs(self.surplus_pence)


def _year_of(request, years: list[FinancialYear], fund: Fund) -> FinancialYear:
    """The year asked for (``?year=2024-25``), else the current one, else the latest with postings, else the
    nearest the fund has."""
    text = request.GET.get("year", "")
    if text:
        try:
            year = FinancialYear.parse(text)
        except ValueError as exc:
            raise Http404(str(exc)) from exc
        if year not in years:
            raise Http404("The fund has no such year")
        return year
    today = FinancialYear.containing(timezone.localdate())
    if not years or today in years:
        return today
    posted = fund.balances.order_by("-period__financial_year").values_list("period__financial_year", flat=True)
    latest = posted.first()
    if latest is not None:
        return FinancialYear(latest)
    return years[0] if today < years[0] else years[-1]


def _trial_balance_rows(fund: Fund, year: FinancialYear) -> list[TrialBalanceRow]:
    return [
        TrialBalanceRow(account, amount, _lines_url(fund, year=year.label, account=account.pk))
        for account, amount in trial_balance(fund=fund, year=year)
    ]


def _headline(rows: list[TrialBalanceRow]) -> Headline:
    def total(role: str) -> int:
        return sum(row.amount_pence for row in rows if row.account.role == role)

    return Headline(
        contributions_pence=-total(AccountRole.CONTRIBUTIONS),
        receivable_pence=total(AccountRole.CONTRIBUTIONS_RECEIVABLE),
        cash_pence=total(AccountRole.CASH),
        expenditure_pence=total(AccountRole.EXPENDITURE),
    )


def _expenditure_rows(fund: Fund, year: FinancialYear) -> list[ExpenditureRow]:
    rows = []
    for account, amounts in expenditure_by_month(fund=fund, year=year):
        schedule = account.schedule
        cells = [
            ExpenditureCell(amount, _lines_url(fund, year=year.label, period=month, schedule=schedule.pk), month)
            for month, amount in zip(MONTH_LABELS, amounts, strict=True)
        ]
        total = ExpenditureCell(sum(amounts), _lines_url(fund, year=year.label, schedule=schedule.pk))
        rows.append(ExpenditureRow(schedule, account, cells, total))
    return rows


def _fund_context(request, fund: Fund, year: FinancialYear | None = None, close_form=None) -> dict:
    years = fund_years(fund)
    year = year or _year_of(request, years, fund)
    rows = _trial_balance_rows(fund, year)
    expenditure = _expenditure_rows(fund, year)
    spend = [(row.schedule, row.amounts) for row in expenditure]
    return {
        "fund": fund,
        "agreement": fund.agreement,
        "year": year,
        "years": years,
        "year_pagination": year_pagination(
            years, year, lambda each: f"{reverse('ledger:fund', args=[fund.pk])}?year={each.label}"
        ),
        "headline": _headline(rows),
        "trial_balance": rows,
        "debits_pence": sum(row.debit_pence or 0 for row in rows),
        "credits_pence": sum(row.credit_pence or 0 for row in rows),
        "expenditure": expenditure,
        "months": MONTH_LABELS,
        "month_totals": [sum(row.cells[month].amount_pence for row in expenditure) for month in range(12)],
        "expenditure_total_pence": sum(row.total.amount_pence for row in expenditure),
        "expenditure_chart": expenditure_chart(year=year, spend=spend) if spend else None,
        "expenditure_key": expenditure_chart_key(spend),
        "periods": fund.periods.filter(financial_year=year.start_year).select_related("closed_by"),
        "may_close": _may(request, fund, CLOSE_PERIOD),
        "form": close_form,
        "latest_entries": fund.entries.select_related("period", "posted_by").order_by("-id")[:LATEST_ENTRIES],
    }


@login_required
def fund_view(request, pk: int):
    fund = fund_or_404(request, pk)
    return render(request, "ledger/fund.html", _fund_context(request, fund))


@login_required
@require_POST
def period_close_view(request, pk: int):
    fund = fund_or_404(request, pk)
    if not _may(request, fund, CLOSE_PERIOD):
        raise PermissionDenied
    form = PeriodCloseForm(request.POST, fund=fund)
    if form.is_valid():
        period = form.cleaned_data["period"]
        try:
            period_close(actor=request.user, period=period)
        except LedgerError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"Period {period} is closed")
            return redirect(f"{reverse('ledger:fund', args=[fund.pk])}?year={period.year.label}#periods")
        return render(request, "ledger/fund.html", _fund_context(request, fund, period.year, form))
    return render(request, "ledger/fund.html", _fund_context(request, fund, close_form=form))


@login_required
def trial_balance_xlsx(request, pk: int, year: FinancialYear):
    fund = fund_or_404(request, pk)
    if year not in fund_years(fund):
        raise Http404("The fund has no such year")
    workbook = trial_balance_workbook(fund=fund, year=year)
    return xlsx_response(workbook, f"{fund.agreement.reference}-trial-balance-{year.label}.xlsx")


@login_required
def expenditure_xlsx(request, pk: int, year: FinancialYear):
    fund = fund_or_404(request, pk)
    if year not in fund_years(fund):
        raise Http404("The fund has no such year")
    workbook = expenditure_workbook(fund=fund, year=year)
    return xlsx_response(workbook, f"{fund.agreement.reference}-expenditure-{year.label}.xlsx")


# The lines behind a balance -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LineRow:
    line: JournalLine

    @property
    def debit_pence(self) -> int | None:
        return self.line.amount_pence if self.line.amount_pence > 0 else None

    @property
    def credit_pence(self) -> int | None:
        return -self.line.amount_pence if self.line.amount_pence < 0 else None


def _filtered_lines(fund: Fund, form: LinesFilterForm) -> QuerySet[JournalLine]:
    data = form.cleaned_data
    return ledger_lines(
        fund=fund, period=form.selected_period(), year=form.selected_year(), account=data.get("account"),
        schedule_id=data["schedule"].pk if data.get("schedule") else None,
        party_id=data["partner"].pk if data.get("partner") else None, cost_centre=data.get("cost_centre", ""),
        search=data.get("search", ""), amount_pence=data.get("amount"),
    )


def _readable_filters(request, fund: Fund) -> LinesFilterForm:
    """The filters of a download, which its page's links always carry readably; 404 for any that cannot be read."""
    form = LinesFilterForm(request.GET, fund=fund)
    if not form.is_valid():
        raise Http404("Those filters cannot be read")
    return form


@login_required
def lines_view(request, pk: int):
    fund = fund_or_404(request, pk)
    form = LinesFilterForm(request.GET, fund=fund)
    context = {"fund": fund, "agreement": fund.agreement, "form": form, "export_limit": LINES_EXPORT_LIMIT}
    if form.is_valid():
        lines = _filtered_lines(fund, form)
        page = page_of(lines.values_list("pk", flat=True), per_page=LINES_PER_PAGE, query=request.GET)
        context.update({
            "page": page, "rows": [LineRow(line) for line in ledger_lines_shown(ids=list(page.object_list))],
            "filters": form.active(), "pagination": numbered_pagination(page, request.GET),
            "totals": ledger_lines_totals(lines=lines),
        })
    return render(request, "ledger/lines.html", context)


@login_required
def lines_csv(request, pk: int):
    """Every line of the filtered listing as CSV, streamed a chunk at a time however many there are, then their
    totals."""
    fund = fund_or_404(request, pk)
    rows = ledger_lines_csv(lines=_filtered_lines(fund, _readable_filters(request, fund)))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{fund.agreement.reference}-ledger-lines.csv"'
    return response


@login_required
def lines_xlsx(request, pk: int):
    fund = fund_or_404(request, pk)
    workbook = ledger_lines_workbook(lines=_filtered_lines(fund, _readable_filters(request, fund)),
                                     limit=LINES_EXPORT_LIMIT)
    return xlsx_response(workbook, f"{fund.agreement.reference}-ledger-lines.xlsx")


# One entry ------------------------------------------------------------------------------------------------------

def _entry_or_404(fund: Fund, entry_id: int) -> JournalEntry:
    try:
        return fund.entries.select_related("period", "posted_by", "reverses", "ledger_import").get(pk=entry_id)
    except JournalEntry.DoesNotExist as exc:
        raise Http404("No such entry") from exc


def _entry_context(request, fund: Fund, entry: JournalEntry, form: EntryReverseForm | None = None) -> dict:
    reversed_by = JournalEntry.objects.filter(reverses=entry).first()
    reversible = reversed_by is None and entry.kind != EntryKind.REVERSAL and entry.kind not in FROM_INSTALMENTS
    may_reverse = reversible and _may(request, fund, POST_LEDGER)
    if form is None and may_reverse:
        form = EntryReverseForm(entry=entry)
    # An imported entry may hold a whole file's lines, so they are shown a page at a time.
    page = page_of(entry.lines.select_related("account").order_by("id"), per_page=ENTRY_LINES_PER_PAGE,
                   query=request.GET)
    rows = [LineRow(line) for line in page.object_list]
    return {
        "fund": fund, "agreement": fund.agreement, "entry": entry, "reversed_by": reversed_by,
        "page": page, "rows": rows, "pagination": numbered_pagination(page, request.GET),
        "debits_pence": sum(row.debit_pence or 0 for row in rows),
        "credits_pence": sum(row.credit_pence or 0 for row in rows),
        "form": form, "may_reverse": may_reverse,
        "from_instalments": entry.kind in FROM_INSTALMENTS,
    }


@login_required
def entry_view(request, pk: int, entry_id: int):
    fund = fund_or_404(request, pk)
    entry = _entry_or_404(fund, entry_id)
    return render(request, "ledger/entry.html", _entry_context(request, fund, entry))


@login_required
@require_POST
def entry_reverse_view(request, pk: int, entry_id: int):
    fund = fund_or_404(request, pk)
    entry = _entry_or_404(fund, entry_id)
    if not _may(request, fund, POST_LEDGER):
        raise PermissionDenied
    form = EntryReverseForm(request.POST, entry=entry)
    if form.is_valid():
        try:
            reversal = entry_reverse(actor=request.user, entry=entry, reason=form.cleaned_data["reason"],
                                     period=form.cleaned_data["period"])
        except LedgerError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"Entry {entry.pk} was reversed by entry {reversal.pk}")
            return redirect("ledger:entry", pk=fund.pk, entry_id=reversal.pk)
    return render(request, "ledger/entry.html", _entry_context(request, fund, entry, form))


# Opening the ledger -----------------------------------------------------------------------------------------------

@login_required
@require_POST
def fund_open_view(request, agreement_pk: int):
    agreement = visible_agreement_or_404(request, agreement_pk)
    if not user_may_change(user=request.user, agreement=agreement, permission=POST_LEDGER):
        raise PermissionDenied
    try:
        fund = fund_open(actor=request.user, agreement=agreement)
    except LedgerError as error:
        return render(request, "ledger/fund_open_refused.html", {"agreement": agreement, "problems": error.problems})
    messages.success(request, "The fund's ledger is open")
    return redirect("ledger:fund", pk=fund.pk)

