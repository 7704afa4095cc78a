"""Posting a checked general-ledger file: one transaction, holding the fund's row lock so that imports into one fund
take turns, makes one entry per period (the spend on each schedule's expenditure account, balanced by the fund's
creditors), inserts the staged lines in one statement and adds their totals to the running balances.

A file posted before is refused; rows whose source line id the fund already holds are counted and left out. Lines
in a financial year with no budget hold the file back unless the poster says why it should post all the same.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from s75.agreements.services import agreement_data_changed
from s75.audit.services import audit_record
from s75.core.money import format_gbp
from s75.core.users import acting_user, person_name

from . import bulk
from .import_checks import (
    POSTED_BEFORE,
    CheckPlan,
    Problem,
    Problems,
    RowChecker,
    add_repeated_source_ids,
    budget_problems,
)
from .import_files import FileFacts
from .models import (
    AccountRole,
    ColumnMapping,
    EntryKind,
    Fund,
    ImportStatus,
    JournalEntry,
    JournalLine,
    LedgerImport,
    Period,
    PeriodStatus,
)
from .services import balances_add


@dataclass(frozen=True)
class ScheduleTotal:
    """What a file posts (or would post) to one schedule in one period."""

    schedule_number: int
    schedule: str
    period: str
    rows: int
    pence: int

    def as_dict(self) -> dict:
        return {"schedule_number": self.schedule_number, "schedule": self.schedule, "period": self.period,
                "rows": self.rows, "pence": self.pence}


@dataclass(frozen=True)
class Posted:
    record: LedgerImport
    totals: list[ScheduleTotal]
    rows_already_posted: int


class Refused(Exception):
    """The file cannot be posted after all: something changed while it was being checked."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


class Held(Exception):
    """The file is good but has lines in a year with no budget, and nobody said why it should post all the same."""

    def __init__(self, problems: list[Problem], totals: list[ScheduleTotal], rows_already_posted: int):
        self.problems, self.totals, self.rows_already_posted = problems, totals, rows_already_posted
        super().__init__("; ".join(str(problem) for problem in problems))


def schedule_totals(rows: list[tuple[int, int, int, int]], plan: CheckPlan) -> list[ScheduleTotal]:
    """The staged totals ``(period, account, rows, pence)`` per schedule and period, in the order a page shows."""
    periods = {period.pk: period for period in plan.periods.values()}
    totals = []
    for period_id, account_id, count, pence in rows:
        schedule, period = plan.schedule_of_account[account_id], periods[period_id]
        totals.append(((schedule.number, period.financial_year, period.number),
                       ScheduleTotal(schedule.number, schedule.title, period.label, count, pence)))
    return [total for _, total in sorted(totals, key=lambda pair: pair[0])]


def posted_before(fund: Fund, sha256: str) -> LedgerImport | None:
    return fund.imports.filter(sha256=sha256, status=ImportStatus.POSTED).select_related("created_by").first()


def posted_before_problem(earlier: LedgerImport) -> Problem:
    who = person_name(earlier.created_by)
    when = timezone.localtime(earlier.finished_at)
    return Problem(None, "", "", (
        f"this file was posted already, by {who} on {when.day} {when:%B %Y at %H:%M} as import {earlier.pk} "
        f"({earlier.filename!r}, {earlier.rows_posted:,} row{'' if earlier.rows_posted == 1 else 's'}), so it is not "
        "posted twice. To correct what it posted, reverse its entries and import the corrected file, or import a "
        "file of correcting lines only; to add lines it lacked, import a file of the new lines (lines whose source "
        "line id is posted already are left out)"), POSTED_BEFORE, earlier.pk)


def staged_rows_post(*, stage: bulk.Stage, checker: RowChecker, plan: CheckPlan, actor, fund: Fund,
                     facts: FileFacts, mapping: ColumnMapping, filename: str, started_at: datetime,
                     post_anyway: str = "") -> Posted:
    """Post the staged rows: in the caller's transaction, with the fund's row locked. ``Refused`` when the file was
    posted or a period closed meanwhile, or a source line id repeats among rows the fund holds already; ``Held``
    when rows fall in a year with no budget and ``post_anyway`` does not say why they should post."""
    fund = Fund.objects.select_for_update().select_related("agreement").get(pk=fund.pk)
    # The agreement's row before the periods', in the order a posting locks them.
    agreement_data_changed(agreement_id=fund.agreement_id)
    earlier = posted_before(fund, facts.sha256)
    if earlier is not None:
        raise Refused([posted_before_problem(earlier)])
    closed = Period.objects.select_for_update().filter(pk__in=checker.periods_used).exclude(status=PeriodStatus.OPEN)
    if closed:
        raise Refused([Problem(None, "", period.label, f"period {period.label} was closed while the file was "
                               "being checked: post its lines to an open period") for period in closed])
    already_posted = stage.mark_already_posted(fund_id=fund.pk) if checker.has_source_ids else 0
    if stage.has_posted_rows:  # a repeat among rows posted already is left out with them: the database cannot see it
        repeated = Problems()
        add_repeated_source_ids(repeated, stage, mapping)
        if repeated:
            raise Refused(repeated.listed)
    staged = stage.totals()
    totals = schedule_totals(staged, plan)
    without_budget = budget_problems(fund, plan, staged)
    if without_budget and not post_anyway:
        raise Held(without_budget, totals, already_posted)
    rows_posted = sum(total.rows for total in totals)
    total_pence = sum(total.pence for total in totals)
    record = LedgerImport.objects.create(
        fund=fund, filename=filename, sha256=facts.sha256, mapping_name=mapping.name,
        status=ImportStatus.POSTED, rows_total=checker.rows, rows_posted=rows_posted,
        rows_already_posted=already_posted, total_pence=total_pence,
        started_at=started_at, finished_at=timezone.now(), created_by=acting_user(actor),
        modified_by=acting_user(actor),
    )
    net_by_period: dict[int, int] = {}
    for period_id, _account, _rows, pence in staged:
        net_by_period[period_id] = net_by_period.get(period_id, 0) + pence
    periods = {period.pk: period for period in plan.periods.values()}
    entries = JournalEntry.objects.bulk_create([
        JournalEntry(fund=fund, period_id=period_id, kind=EntryKind.IMPORT, ledger_import=record,
                     posted_by=acting_user(actor),
                     description=f"General-ledger import {filename}: {periods[period_id].label}")
        for period_id in sorted(net_by_period, key=lambda pk: (periods[pk].financial_year, periods[pk].number))
    ])
    entry_for_period = {entry.period_id: entry.pk for entry in entries}
    lines = stage.post(fund_id=fund.pk, entry_for_period=entry_for_period,
                       year_for_period={pk: period.financial_year for pk, period in periods.items()})
    if lines != rows_posted:
        raise RuntimeError(f"staged {rows_posted} rows to post but {lines} lines were inserted")
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    owed = [(period_id, -net) for period_id, net in net_by_period.items() if net]
    JournalLine.objects.bulk_create([
        JournalLine(entry_id=entry_for_period[period_id], fund=fund, period_id=period_id,
                    financial_year=periods[period_id].financial_year, account=creditors,
                    amount_pence=pence, description=f"Owed to suppliers: {filename}")
        for period_id, pence in owed
    ])
    balances_add(fund=fund, totals=[
        *((account, period_id, pence, rows) for period_id, account, rows, pence in staged),
        *((creditors.pk, period_id, pence, 1) for period_id, pence in owed),
    ])
    record.finished_at = timezone.now()
    record.save(update_fields=["finished_at", "modified_at"])
    after = {"file": filename, "sha256": facts.sha256, "rows_total": checker.rows,
             "rows_posted": rows_posted, "rows_already_posted": already_posted,
             "total": format_gbp(total_pence, show_pence=True), "entries": len(entries)}
    if without_budget:  # posted anyway: the years and, as the event's reason, why
        after["posted_anyway_years_without_budget"] = ", ".join(problem.value for problem in without_budget)
    audit_record(actor=actor, action="ledger_import", obj=record, agreement=fund.agreement, after=after,
                 reason=post_anyway if without_budget else "")
    return Posted(record=record, totals=totals, rows_already_posted=already_posted)
