"""Writes to a fund's ledger: opening the fund, posting and reversing entries, closing periods, and posting the
partners' instalments and receipts that the budgets app records.

Every posting goes through :func:`entry_post` (or, for a general-ledger file, the bulk path of
``import_posting.staged_rows_post``), which checks the rules the database also holds on PostgreSQL, and keeps the
running balances in step with the lines in the same transaction, so that no page ever needs to add up the lines.

The ledger follows the instalments (accrual accounting):

- **When an instalment falls due**, the partner owes it: Dr contributions receivable (the partner's), Cr
  contributions (the partner's income account). This is posted *when the schedule is set*, to the period of each
  instalment's due date, so the ledger holds the year's contributions month by month as they fall due and no
  scheduler has to remember to post them.
- **When money arrives**: Dr cash, Cr contributions receivable (the partner's), in the period of the receipt date.
- Either goes to the fund's first open period after its own when that one is closed (its lines keep their date).
- Instalments set, or receipts recorded, before the fund was opened are posted by :func:`fund_open`.

Budgets sits below the ledger, so its instalment services reach these through the hook of
``s75.budgets.postings``, which this app fills when Django loads it (``LedgerConfig.ready``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from s75.agreements.models import Agreement, Party
from s75.agreements.services import agreement_data_changed
from s75.audit.services import audit_record
from s75.budgets.models import Instalment, Receipt
from s75.core.errors import ServiceError
from s75.core.fiscal import FinancialMonth, FinancialYear, financial_years_between
from s75.core.money import is_pence
from s75.core.users import acting_user

from .models import (
    Account,
    AccountKind,
    AccountRole,
    EntryKind,
    Fund,
    JournalEntry,
    JournalLine,
    Period,
    PeriodStatus,
)


class LedgerError(ServiceError):
    """A refused posting or close; ``problems`` says every reason in words a finance officer can act on."""


@dataclass(frozen=True)
class LineSpec:
    """One line to post: a debit (positive) or credit (negative) in pence to an account."""

    account: Account
    amount_pence: int
    description: str = ""
    posting_date: date | None = None
    cost_centre: str = ""
    subjective: str = ""
    source_line_id: str | None = None


def _chart(fund: Fund, agreement: Agreement) -> list[Account]:
    accounts = [
        Account(fund=fund, code="1000", name="Cash at bank", kind=AccountKind.ASSET, role=AccountRole.CASH),
        Account(fund=fund, code="2000", name="Creditors", kind=AccountKind.LIABILITY, role=AccountRole.CREDITORS),
        Account(fund=fund, code="3000", name="Contingency reserve", kind=AccountKind.RESERVE,
                role=AccountRole.CONTINGENCY_RESERVE),
        Account(fund=fund, code="3100", name="Carried forward", kind=AccountKind.RESERVE,
                role=AccountRole.CARRY_FORWARD),
        Account(fund=fund, code="4900", name="Transfers from reserves", kind=AccountKind.INCOME,
                role=AccountRole.RESERVE_TRANSFERS),
    ]
    for position, party in enumerate(agreement.parties.order_by("position", "id"), start=1):
        accounts += [
            Account(fund=fund, code=f"1100-{position:02d}", name=f"Contributions receivable: {party}",
                    kind=AccountKind.ASSET, role=AccountRole.CONTRIBUTIONS_RECEIVABLE, party=party),
            Account(fund=fund, code=f"4000-{position:02d}", name=f"Contributions: {party}",
                    kind=AccountKind.INCOME, role=AccountRole.CONTRIBUTIONS, party=party),
            Account(fund=fund, code=f"1200-{position:02d}", name=f"Recharges receivable: {party}",
                    kind=AccountKind.ASSET, role=AccountRole.RECHARGES_RECEIVABLE, party=party),
        ]
    for schedule in agreement.schedules.order_by("number"):
        accounts.append(Account(fund=fund, code=f"5000-{schedule.number:02d}", name=f"Expenditure: {schedule.title}",
                                kind=AccountKind.EXPENDITURE, role=AccountRole.EXPENDITURE, schedule=schedule))
    return accounts


def _periods_for(fund: Fund, years: Iterable[FinancialYear]) -> list[Period]:
    existing = set(fund.periods.values_list("financial_year", "number"))
    return [
        Period(fund=fund, financial_year=year.start_year, number=number)
        for year in years
        for number in range(1, 13)
        if (year.start_year, number) not in existing
    ]


def _chart_complete(fund: Fund, agreement: Agreement) -> None:
    """Add the accounts of partners and schedules added since the fund was opened, and the periods of a longer
    term."""
    have = set(fund.accounts.values_list("code", flat=True))
    Account.objects.bulk_create([account for account in _chart(fund, agreement) if account.code not in have])
    Period.objects.bulk_create(_periods_for(fund, financial_years_between(agreement.start_date, agreement.end_date)))


@transaction.atomic
def fund_open(*, actor, agreement: Agreement) -> Fund:
    """Open the ledger of an agreement's pooled fund: its chart of accounts, a period per month of the term, and
    every instalment and receipt of its partners not yet in it (those recorded before it was opened). An agreement
    of lead commissioning alone has a ledger too, for the lead commissioner's recharges to the partners.

    Safe to call again: accounts for parties and schedules added since, and periods of a longer term, are added.
    """
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    problems = []
    if not agreement.pooled_fund and not agreement.lead_commissioning:
        problems.append("the agreement has no pooled fund, nor a lead commissioner recharging the partners")
    if agreement.host is None:
        problems.append("a pooled fund needs a host partner to hold its ledger")
    if problems:
        raise LedgerError(problems)
    fund, created = Fund.objects.get_or_create(
        agreement=agreement,
        defaults={"name": f"{'Pooled fund' if agreement.pooled_fund else 'Lead commissioning'}: {agreement.title}",
                  "created_by": acting_user(actor),
                  "modified_by": acting_user(actor)},
    )
    agreement_data_changed(agreement_id=agreement.pk)  # its periods: the years the dashboard offers
    _chart_complete(fund, agreement)
    if created:
        audit_record(actor=actor, action="fund_open", obj=fund, agreement=agreement, after={"fund": fund.name})
    _instalments_unposted_post(actor=actor, fund=fund, agreement=agreement)
    return fund


def _posting_problems(fund: Fund, period: Period, lines: Sequence[LineSpec]) -> list[str]:
    problems = []
    if period.fund_id != fund.pk:
        problems.append(f"period {period} belongs to another fund")
    if period.status != PeriodStatus.OPEN:
        problems.append(f"period {period} is closed: post to an open period")
    if len(lines) < 2:
        problems.append("an entry needs at least two lines")
    total = sum(line.amount_pence for line in lines)
    if total != 0:
        problems.append(f"the lines add up to {total} pence, not zero: debits must equal credits")
    for number, line in enumerate(lines, start=1):
        if not is_pence(line.amount_pence):
            problems.append(f"line {number}: the amount must be whole pence")
        elif line.amount_pence == 0:
            problems.append(f"line {number}: a line of zero posts nothing; leave it out")
        if line.account.fund_id != fund.pk:
            problems.append(f"line {number}: account {line.account.code} belongs to another fund")
    return problems


_BALANCES_ADD = """
    INSERT INTO ledger_balance (fund_id, account_id, period_id, amount_pence, line_count) {rows}
    ON CONFLICT (account_id, period_id) DO UPDATE
       SET amount_pence = ledger_balance.amount_pence + excluded.amount_pence,
           line_count = ledger_balance.line_count + excluded.line_count
"""


def balances_apply(*, entry_ids: Sequence[int]) -> None:
    """Add the lines of these entries to the running balances, in the caller's transaction (one statement)."""
    if not entry_ids:
        return
    placeholders = ", ".join(["%s"] * len(entry_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            _BALANCES_ADD.format(rows=f"""
                SELECT fund_id, account_id, period_id, SUM(amount_pence), COUNT(*)
                  FROM ledger_journalline
                 WHERE entry_id IN ({placeholders})
                 GROUP BY fund_id, account_id, period_id"""),  # noqa: S608 - the placeholders are parameters
            list(entry_ids),
        )


def balances_add(*, fund: Fund, totals: Iterable[tuple[int, int, int, int]]) -> None:
    """Add ``(account id, period id, pence, lines)`` to the running balances, in the caller's transaction: for
    lines inserted in bulk whose totals are known already, so that they need not be read back."""
    with connection.cursor() as cursor:
        cursor.executemany(_BALANCES_ADD.format(rows="VALUES (%s, %s, %s, %s, %s)"),
                           [(fund.pk, account, period, pence, lines) for account, period, pence, lines in totals])


def entry_post(
    *, actor, fund: Fund, period: Period, description: str, lines: Sequence[LineSpec],
    kind: str = EntryKind.MANUAL, reverses: JournalEntry | None = None, ledger_import=None,
) -> JournalEntry:
    """Post one balanced entry to an open period, with its lines, balances and audit record, or nothing."""
    lines = list(lines)
    with transaction.atomic():
        # The agreement's row before the period's, in the order an import locks them.
        agreement_data_changed(agreement_id=fund.agreement_id)
        period = Period.objects.select_for_update().get(pk=period.pk)
        problems = _posting_problems(fund, period, lines)
        if not description.strip():
            problems.insert(0, "describe the entry")
        if problems:
            raise LedgerError(problems)
        entry = JournalEntry.objects.create(
            fund=fund, period=period, kind=kind, description=description, posted_by=acting_user(actor),
            reverses=reverses, ledger_import=ledger_import,
        )
        JournalLine.objects.bulk_create([
            JournalLine(
                entry=entry, fund=fund, period=period, financial_year=period.financial_year,
                account=line.account, amount_pence=line.amount_pence,
                posting_date=line.posting_date, cost_centre=line.cost_centre, subjective=line.subjective,
                description=line.description, source_line_id=line.source_line_id,
            )
            for line in lines
        ])
        balances_apply(entry_ids=[entry.pk])
        audit_record(
            actor=actor, action="entry_post", obj=entry, agreement=fund.agreement,
            after={"period": period.label, "kind": kind, "lines": len(lines),
                   "debits_pence": sum(line.amount_pence for line in lines if line.amount_pence > 0)},
        )
    return entry


# Entries the ledger posts from a partner's instalments and receipts; they are put right by changing those, which
# reverse them through ``instalment_due_reverse``, so that the instalments and the ledger always agree.
FROM_INSTALMENTS = frozenset({EntryKind.CONTRIBUTION_DUE, EntryKind.RECEIPT})


def entry_reverse(*, actor, entry: JournalEntry, period: Period | None = None, reason: str) -> JournalEntry:
    """Put right an entry by posting its mirror image (to its own period, or to ``period`` when that is closed).

    An entry posted from a partner's instalments is refused: reversing it alone would leave the instalment
    schedule saying the partner owes (or paid) what the ledger no longer shows."""
    if entry.kind in FROM_INSTALMENTS:
        raise LedgerError("this entry was posted from the partner's instalments: change the instalments instead, so "
                          "that they and the ledger agree")
    return _reversal_post(actor=actor, entry=entry, period=period, reason=reason)


def _reversal_post(*, actor, entry: JournalEntry, period: Period | None, reason: str) -> JournalEntry:
    if not reason.strip():
        raise LedgerError("say why the entry is reversed", field="reason")
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise LedgerError([f"entry {entry.pk} has already been reversed"])
    if entry.kind == EntryKind.REVERSAL:
        raise LedgerError(["a reversal cannot itself be reversed: post a new entry instead"])
    lines = [
        LineSpec(account=line.account, amount_pence=-line.amount_pence, description=line.description,
                 posting_date=line.posting_date, cost_centre=line.cost_centre, subjective=line.subjective)
        for line in entry.lines.select_related("account")
    ]
    return entry_post(
        actor=actor, fund=entry.fund, period=period or entry.period, lines=lines, kind=EntryKind.REVERSAL,
        description=f"Reversal of entry {entry.pk}: {reason}", reverses=entry,
    )


def period_close(*, actor, period: Period) -> Period:
    """Close a period for good; later corrections go to an open period."""
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if period.status == PeriodStatus.CLOSED:
            raise LedgerError([f"period {period} is already closed"])
        earlier_open = period.fund.periods.filter(
            status=PeriodStatus.OPEN, financial_year__lte=period.financial_year
        ).exclude(financial_year=period.financial_year, number__gte=period.number)
        if earlier_open.exists():
            raise LedgerError([f"close the earlier periods first: {', '.join(p.label for p in earlier_open)}"])
        period.status, period.closed_at, period.closed_by = PeriodStatus.CLOSED, timezone.now(), acting_user(actor)
        period.save(update_fields=["status", "closed_at", "closed_by"])
        audit_record(actor=actor, action="period_close", obj=period, agreement=period.fund.agreement,
                     after={"period": period.label})
    return period


# The partners' instalments and receipts ------------------------------------------------------------------------

def _fund_of(agreement_id: int) -> Fund | None:
    return Fund.objects.filter(agreement_id=agreement_id).first()


def _open_period_for(fund: Fund, day: date, *, field: str | None = None) -> Period:
    """The period of ``day``, or the first open period after it when that one is closed; a refusal concerns the
    poster's argument ``field`` (the date it was given)."""
    month = FinancialMonth.containing(day)
    period = fund.periods.filter(financial_year=month.year.start_year, number=month.month).first()
    if period is None:
        raise LedgerError(f"the fund's ledger has no period for {day:%-d %B %Y}: it is outside the agreement's term",
                          field=field)
    if period.status == PeriodStatus.OPEN:
        return period
    later = (
        fund.periods.filter(status=PeriodStatus.OPEN)
        .filter(financial_year__gte=period.financial_year)
        .exclude(financial_year=period.financial_year, number__lt=period.number)
        .order_by("financial_year", "number")
        .first()
    )
    if later is None:
        raise LedgerError(f"period {period} is closed, and so is every period after it: nothing can be posted",
                          field=field)
    return later


def _party_account(fund: Fund, party: Party, role: str) -> Account:
    account = fund.accounts.filter(role=role, party=party).first()
    if account is None:  # a partner added after the ledger was opened
        _chart_complete(fund, fund.agreement)
        account = fund.accounts.get(role=role, party=party)
    return account


def _transfer_post(*, actor, fund: Fund, kind: str, description: str, day: date, debit: Account, credit: Account,
                   pence: int, day_field: str | None = None) -> JournalEntry:
    """One amount from ``credit`` to ``debit`` on ``day``, in its period or the first open one after it."""
    lines = [LineSpec(debit, pence, description=description, posting_date=day),
             LineSpec(credit, -pence, description=description, posting_date=day)]
    return entry_post(actor=actor, fund=fund, period=_open_period_for(fund, day, field=day_field),
                      description=description, kind=kind, lines=lines)


def _due_post(*, actor, fund: Fund, instalment: Instalment) -> JournalEntry:
    party = instalment.party
    instalment.due_entry = _transfer_post(
        actor=actor, fund=fund, kind=EntryKind.CONTRIBUTION_DUE, day=instalment.due_on,
        description=f"{party}: {instalment.year.label} instalment {instalment.number} due",
        debit=_party_account(fund, party, AccountRole.CONTRIBUTIONS_RECEIVABLE),
        credit=_party_account(fund, party, AccountRole.CONTRIBUTIONS), pence=instalment.amount_pence,
    )
    instalment.save(update_fields=["due_entry", "modified_at"])
    return instalment.due_entry


def _receipt_post(*, actor, fund: Fund, receipt: Receipt) -> JournalEntry:
    instalment = receipt.instalment
    description = f"{instalment.party}: received against {instalment.year.label} instalment {instalment.number}"
    if receipt.reference:
        description += f" ({receipt.reference})"
    receipt.entry = _transfer_post(
        actor=actor, fund=fund, kind=EntryKind.RECEIPT, day=receipt.received_on, day_field="received_on",
        description=description,
        debit=fund.accounts.get(role=AccountRole.CASH, party__isnull=True, schedule__isnull=True),
        credit=_party_account(fund, instalment.party, AccountRole.CONTRIBUTIONS_RECEIVABLE),
        pence=receipt.amount_pence,
    )
    receipt.save(update_fields=["entry", "modified_at"])
    return receipt.entry


def _instalments_unposted_post(*, actor, fund: Fund, agreement: Agreement) -> None:
    """Post every instalment receivable and receipt of the agreement's partners not yet in the ledger, in date
    order, in the caller's transaction."""
    for instalment in Instalment.objects.select_for_update(of=("self",)).filter(
        party__agreement=agreement, due_entry__isnull=True
    ).select_related("party").order_by("due_on", "id"):
        _due_post(actor=actor, fund=fund, instalment=instalment)
    for receipt in Receipt.objects.select_for_update(of=("self",)).filter(
        instalment__party__agreement=agreement, entry__isnull=True
    ).select_related("instalment__party").order_by("received_on", "id"):
        _receipt_post(actor=actor, fund=fund, receipt=receipt)


def instalment_due_post(*, actor, instalment: Instalment) -> JournalEntry | None:
    """Post the partner's receivable for an instalment just set, to the period it falls due in; nothing when the
    agreement has no fund yet (opening it will)."""
    fund = _fund_of(instalment.party.agreement_id)
    return None if fund is None else _due_post(actor=actor, fund=fund, instalment=instalment)


def receipt_post(*, actor, receipt: Receipt) -> JournalEntry | None:
    """Post money just received (and its instalment's receivable, if that is not yet in the ledger), in the period
    of the receipt date; nothing when the agreement has no fund yet (opening it will)."""
    fund = _fund_of(receipt.instalment.party.agreement_id)
    if fund is None:
        return None
    if receipt.instalment.due_entry_id is None:
        _due_post(actor=actor, fund=fund, instalment=receipt.instalment)
    return _receipt_post(actor=actor, fund=fund, receipt=receipt)


def instalment_due_reverse(*, actor, instalment: Instalment, reason: str) -> JournalEntry | None:
    """Reverse an instalment's receivable before the instalment is taken away (to its own period, or to the first
    open one after it when that is closed); nothing when it was never posted."""
    if instalment.due_entry_id is None:
        return None
    entry = instalment.due_entry
    period = None if entry.period.status == PeriodStatus.OPEN else _open_period_for(entry.fund, instalment.due_on)
    return _reversal_post(actor=actor, entry=entry, period=period, reason=reason)
