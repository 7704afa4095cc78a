"""General-ledger imports: a finance system's CSV or XLSX export posted to a fund's ledger, whole or not at all.

:func:`ledger_import` finds the file's headings, then checks every row below them against the fund's column
mapping, cost-centre mapping and periods, collecting every problem (row as the file shows it, column heading,
value, what is wrong), and stages the rows in temporary tables (``bulk``). On PostgreSQL a plain CSV goes to the
server as it is and its cells are checked there, set-based (each distinct posting date and cost centre once,
plainly written amounts by the database, row by row only the rows it cannot vouch for); any other file passes
through Python, which checks each row as it reads it. Any problem rejects the whole file: nothing is posted and
the rejection is kept in the import history with its problems. A file posted before is refused; rows whose source
line id the fund already holds are counted and left out. Otherwise one transaction, holding the fund's row lock so
that imports into one fund take turns, makes one entry per period (the spend on each schedule's expenditure
account, balanced by the fund's creditors), inserts the lines in one statement and adds their totals to the
running balances.

Also here: saving column and cost-centre mappings, and starting an import as a background job.
"""

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from s75.agreements.models import Schedule
from s75.audit.services import audit_record
from s75.core.fiscal import FinancialYear
from s75.core.money import MoneyError, format_gbp, parse_pence
from s75.core.users import acting_user
from s75.jobs.models import Job
from s75.jobs.progress import POSTING, READING, Progress
from s75.jobs.services import job_create, job_launch, jobs_dir

from . import bulk
from .import_files import (
    CSV,
    FileFacts,
    HeaderRow,
    LedgerFileError,
    csv_body,
    file_facts,
    file_rows,
    header_row,
    heading_key,
)
from .models import (
    AccountRole,
    ColumnMapping,
    CostCentreMapping,
    EntryKind,
    Fund,
    ImportStatus,
    JournalEntry,
    JournalLine,
    LedgerImport,
    Period,
    PeriodStatus,
)
from .services import LedgerError, balances_add

# The fields a column mapping names, in the order a page shows them.
FIELDS: dict[str, str] = {
    "posting_date": "Posting date",
    "cost_centre": "Cost centre",
    "subjective": "Subjective (account code)",
    "description": "Description",
    "amount": "Amount",
    "debit": "Debit",
    "credit": "Credit",
    "source_line_id": "Source line id",
}
MAX_LENGTHS = {"cost_centre": 50, "subjective": 50, "description": 500, "source_line_id": 100}
PROBLEMS_LISTED = 10_000  # a report longer than this lists these and counts the rest
PROGRESS_EVERY = 8192  # rows

_MONTHS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTHS["sept"] = 9


@dataclass(frozen=True)
class Problem:
    """Something wrong with the file: the row (as the file shows it), the column heading, the value, and why."""

    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = [f"row {self.row}" if self.row else "", f"column {self.column}" if self.column else "",
                 f"value {self.value}" if self.value != "" else ""]
        located = ", ".join(part for part in where if part)
        return f"{located}: {self.reason}" if located else self.reason

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


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


POSTED = "posted"
REJECTED = "rejected"
CHECKED = "checked"  # a dry run that found no problem


@dataclass
class ImportOutcome:
    status: str
    filename: str
    mapping_name: str = ""
    dry_run: bool = False
    rows_total: int = 0
    rows_posted: int = 0
    rows_already_posted: int = 0
    total_pence: int = 0
    totals: list[ScheduleTotal] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problems_not_listed: int = 0
    ledger_import: LedgerImport | None = None

    @property
    def ok(self) -> bool:
        return self.status != REJECTED

    def as_dict(self) -> dict:
        return {
            "status": self.status, "filename": self.filename, "mapping_name": self.mapping_name,
            "dry_run": self.dry_run, "rows_total": self.rows_total, "rows_posted": self.rows_posted,
            "rows_already_posted": self.rows_already_posted, "total_pence": self.total_pence,
            "totals": [total.as_dict() for total in self.totals],
            "problems": [problem.as_dict() for problem in self.problems],
            "problems_not_listed": self.problems_not_listed,
            "ledger_import_id": self.ledger_import.pk if self.ledger_import else None,
        }


class _Problems:
    """Every problem found, listed up to :data:`PROBLEMS_LISTED` and counted beyond."""

    def __init__(self) -> None:
        self.listed: list[Problem] = []
        self.not_listed = 0

    def add(self, row: int | None, column: str, value, reason: str) -> None:
        if len(self.listed) < PROBLEMS_LISTED:
            self.listed.append(Problem(row, column, _shown(value), reason))
        else:
            self.not_listed += 1

    def __bool__(self) -> bool:
        return bool(self.listed)

    def __len__(self) -> int:
        return len(self.listed) + self.not_listed


def _shown(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


# Column mappings ---------------------------------------------------------------------------------------------


def column_mapping_problems(columns: dict[str, str]) -> list[str]:
    """What is wrong with a mapping of fields to column headings, in words; empty when it can be used."""
    problems = [f"there is no field called {name!r}" for name in columns if name not in FIELDS]
    named = {name: heading.strip() for name, heading in columns.items() if name in FIELDS and (heading or "").strip()}
    for name in ("posting_date", "cost_centre"):
        if name not in named:
            problems.append(f"say which column holds the {FIELDS[name].lower()}")
    has_amount, has_debit, has_credit = "amount" in named, "debit" in named, "credit" in named
    if has_amount and (has_debit or has_credit):
        problems.append("give either an amount column or debit and credit columns, not both")
    elif not has_amount and not (has_debit and has_credit):
        problems.append("say which column holds the amount, or which columns hold the debit and the credit")
    seen: dict[str, str] = {}
    for name, heading in named.items():
        key = heading_key(heading)
        if key in seen:
            problems.append(f"the column {heading!r} is named for both the {FIELDS[seen[key]].lower()} and the "
                            f"{FIELDS[name].lower()}")
        seen.setdefault(key, name)
        if len(heading) > 200:
            problems.append(f"the heading for the {FIELDS[name].lower()} is longer than 200 characters")
    return problems


def column_mapping_save(
    *, actor, fund: Fund, name: str, columns: dict[str, str], mapping: ColumnMapping | None = None
) -> ColumnMapping:
    """Save a named mapping of fields to the file's column headings (a new one, or ``mapping`` changed)."""
    name = (name or "").strip()
    columns = {field_name: heading.strip() for field_name, heading in columns.items() if (heading or "").strip()}
    problems = [] if name else ["give the mapping a name"]
    if len(name) > 100:
        problems.append("the mapping's name is longer than 100 characters")
    problems += column_mapping_problems(columns)
    with transaction.atomic():
        Fund.objects.select_for_update().get(pk=fund.pk)
        clash = fund.column_mappings.filter(name=name).exclude(pk=mapping.pk if mapping else None)
        if name and clash.exists():
            problems.append(f"a mapping called {name!r} already exists")
        if problems:
            raise LedgerError(problems)
        before = dict(mapping.columns) if mapping else None
        if mapping is None:
            mapping = ColumnMapping.objects.create(
                fund=fund, name=name, columns=columns, created_by=acting_user(actor), modified_by=acting_user(actor)
            )
        else:
            mapping.name, mapping.columns, mapping.modified_by = name, columns, acting_user(actor)
            mapping.save(update_fields=["name", "columns", "modified_by", "modified_at"])
        audit_record(actor=actor, action="column_mapping_save", obj=mapping, agreement=fund.agreement,
                     before={"columns": before} if before is not None else None,
                     after={"name": name, "columns": columns})
    return mapping


# Cost-centre mappings ----------------------------------------------------------------------------------------


def cost_centre_rows_read(
    *, fund: Fund, rows: Iterable[tuple[int, list[str]]]
) -> tuple[dict[str, Schedule], list[str]]:
    """Read ``(line, [cost centre, schedule])`` pairs, the schedule by number or title: the mapping and problems."""
    schedules = list(fund.agreement.schedules.order_by("number"))
    by_number = {str(schedule.number): schedule for schedule in schedules}
    by_title = {heading_key(schedule.title): schedule for schedule in schedules}
    choices = "; ".join(f"{schedule.number} {schedule.title}" for schedule in schedules)
    mapping: dict[str, Schedule] = {}
    first_line: dict[str, int] = {}
    problems = []
    for line, cells in rows:
        cells = [str(cell).strip() for cell in cells]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            problems.append(f"line {line}: give a cost centre and a schedule, separated by a comma")
            continue
        code, wanted = cells[0], cells[1]
        schedule = by_number.get(wanted.removeprefix("Schedule ").removeprefix("schedule ")) or by_title.get(
            heading_key(wanted))
        if len(code) > MAX_LENGTHS["cost_centre"]:
            problems.append(f"line {line}: the cost centre {code!r} is longer than 50 characters")
        elif schedule is None:
            problems.append(f"line {line}: the agreement has no schedule {wanted!r} (its schedules: {choices})")
        elif code in mapping and mapping[code] != schedule:
            problems.append(f"line {line}: cost centre {code} is mapped to another schedule on line {first_line[code]}")
        else:
            mapping[code] = schedule
            first_line.setdefault(code, line)
    return mapping, problems


@dataclass(frozen=True)
class CostCentreChange:
    added: int
    changed: int
    removed: int


def cost_centre_mappings_save(
    *, actor, fund: Fund, mappings: dict[str, Schedule], replace: bool = False
) -> CostCentreChange:
    """Map cost centres to the fund's schedules; with ``replace`` the cost centres not given are unmapped."""
    problems = [f"schedule {schedule} is not in this fund's agreement" for schedule in set(mappings.values())
                if schedule.agreement_id != fund.agreement_id]
    problems += [f"a cost centre is blank (mapped to {schedule})" for code, schedule in mappings.items()
                 if not code.strip()]
    if problems:
        raise LedgerError(problems)
    with transaction.atomic():
        Fund.objects.select_for_update().get(pk=fund.pk)
        existing = {row.cost_centre: row for row in fund.cost_centres.all()}
        added = [CostCentreMapping(fund=fund, cost_centre=code, schedule=schedule, created_by=acting_user(actor),
                                   modified_by=acting_user(actor))
                 for code, schedule in mappings.items() if code not in existing]
        changed = [row for code, row in existing.items() if code in mappings and row.schedule_id != mappings[code].pk]
        for row in changed:
            row.schedule, row.modified_by = mappings[row.cost_centre], acting_user(actor)
        removed = [row.pk for code, row in existing.items() if replace and code not in mappings]
        CostCentreMapping.objects.bulk_create(added)
        CostCentreMapping.objects.bulk_update(changed, ["schedule", "modified_by"])
        CostCentreMapping.objects.filter(pk__in=removed).delete()
        change = CostCentreChange(added=len(added), changed=len(changed), removed=len(removed))
        if added or changed or removed:
            audit_record(
                actor=actor, action="cost_centre_mappings_save", obj=fund, agreement=fund.agreement,
                after={"added": {row.cost_centre: row.schedule.number for row in added},
                       "changed": {row.cost_centre: row.schedule.number for row in changed},
                       "removed": sorted(code for code, row in existing.items() if row.pk in removed)},
            )
    return change


# Reads -------------------------------------------------------------------------------------------------------


def ledger_imports(*, fund: Fund):
    """The fund's import history, newest first, with who made each import."""
    return fund.imports.select_related("created_by").order_by("-started_at", "-id")


def column_mapping_for(*, fund: Fund, name: str | None) -> ColumnMapping:
    """The mapping called ``name``, or the fund's only mapping when no name is given; ``LedgerError`` otherwise."""
    mappings = list(fund.column_mappings.order_by("name"))
    if name:
        for mapping in mappings:
            if mapping.name == name:
                return mapping
        known = ", ".join(repr(mapping.name) for mapping in mappings) or "none yet"
        raise LedgerError([f"the fund has no column mapping called {name!r} (its mappings: {known})"])
    if len(mappings) == 1:
        return mappings[0]
    if not mappings:
        raise LedgerError(["the fund has no column mapping yet: save one first"])
    raise LedgerError([f"say which column mapping to use: {', '.join(repr(m.name) for m in mappings)}"])


# The import ---------------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """What checking a row needs, read once from the database."""

    periods: dict[tuple[int, int], Period]
    first_period: str
    last_period: str
    account_for_cost_centre: dict[str, int]
    schedule_without_account: dict[str, Schedule]
    schedule_of_account: dict[int, Schedule]


def _plan(fund: Fund) -> _Plan:
    periods = {(period.financial_year, period.number): period for period in fund.periods.all()}
    ordered = sorted(periods)
    expenditure = {
        account.schedule_id: account.pk
        for account in fund.accounts.filter(role=AccountRole.EXPENDITURE, schedule__isnull=False)
    }
    account_for_cost_centre, without_account = {}, {}
    for row in fund.cost_centres.select_related("schedule"):
        if row.schedule_id in expenditure:
            account_for_cost_centre[row.cost_centre] = expenditure[row.schedule_id]
        else:
            without_account[row.cost_centre] = row.schedule
    schedules = {schedule.pk: schedule for schedule in fund.agreement.schedules.all()}
    return _Plan(
        periods=periods,
        first_period=periods[ordered[0]].label if ordered else "",
        last_period=periods[ordered[-1]].label if ordered else "",
        account_for_cost_centre=account_for_cost_centre,
        schedule_without_account=without_account,
        schedule_of_account={account: schedules[schedule] for schedule, account in expenditure.items()},
    )


def parse_ledger_date(text: str) -> date | None:
    """``2024-04-30``, ``30/04/2024``, ``30-Apr-2024`` (or ``30-APR-24``), with or without a midnight time."""
    text = text.strip()
    if " " in text or "T" in text:
        text, _, time = text.replace("T", " ").partition(" ")
        if time.strip() not in {"00:00", "00:00:00", "00:00:00.000"}:
            return None
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit():
            return date(int(text[:4]), int(text[5:7]), int(text[8:]))
        if text.count("/") == 2:
            day, month, year = text.split("/")
            if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
                return date(int(year), int(month), int(day))
        elif text.count("-") == 2:
            day, month, year = text.split("-")
            number = _MONTHS.get(month.casefold())
            if number and day.isdigit() and year.isdigit() and len(year) in {2, 4}:
                return date(int(year) + (2000 if len(year) == 2 else 0), number, int(day))
    except ValueError:
        return None
    return None


class _RowChecker:
    """The rules for a row's cells, in words a finance officer can act on.

    :meth:`checked` goes through rows, says what is wrong with each to ``problems`` and yields the good ones
    converted: every row of a file Python reads, or the rows of staged cells the set-based checks could not vouch
    for (:meth:`check_staged`, where ``_posting_date`` and ``_cost_centre`` answer for each distinct value and
    their answers join the cells).
    """

    def __init__(self, plan: _Plan, columns: dict[str, str], positions: dict[str, int], problems: _Problems) -> None:
        self.plan, self.columns, self.positions, self.problems = plan, columns, positions, problems
        self.rows = 0  # checked, blank ones left out (of the file once check_staged() has checked it)
        self.blank_rows = 0
        self.has_source_ids = "source_line_id" in positions
        self.unmapped: dict[str, list[int]] = {}  # cost centre: [first row, rows]
        self.periods_used: set[int] = set()

    def _posting_date(self, value) -> tuple[str, int] | str:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            day = value
        elif not value.strip():
            return "the posting date is blank"
        else:
            day = parse_ledger_date(value)
            if day is None:
                return "not a date: write it like 2024-04-30, 30/04/2024 or 30-Apr-2024"
        year = FinancialYear.containing(day)
        period = self.plan.periods.get((year.start_year, (day.month - 4) % 12 + 1))
        if period is None:
            span = f"{self.plan.first_period} to {self.plan.last_period}" if self.plan.periods else "none yet"
            return f"{day:%d %B %Y} is outside the fund's periods ({span})"
        if period.status != PeriodStatus.OPEN:
            return f"period {period.label} is closed: post the line to an open period"
        self.periods_used.add(period.pk)
        return day.isoformat(), period.pk

    def _cost_centre(self, value) -> tuple[int | None, str] | str:
        """``(account id, code)``; ``(None, code)`` when the code is not mapped; a reason when it cannot be used."""
        code = _shown(value).strip()
        if not code:
            return "the cost centre is blank"
        if code in self.plan.schedule_without_account:
            schedule = self.plan.schedule_without_account[code]
            return f"schedule {schedule.number} ({schedule.title}) has no expenditure account in the fund yet"
        return self.plan.account_for_cost_centre.get(code), code

    def _amount_problem(self, value, column: str, row_number: int, exc: MoneyError) -> None:
        text = _shown(value)
        reason = str(exc).removeprefix(f"{text!r} ")
        if reason.startswith(("is ", "has ")):
            reason = f"the value {reason}"
        self.problems.add(row_number, column, text, reason)

    def _amount(self, value, column: str, row_number: int) -> int | None:
        try:
            return parse_pence(value if value.__class__ is str else _shown(value))
        except MoneyError as exc:
            self._amount_problem(value, column, row_number, exc)
            return None

    def _debit_less_credit(self, debit, credit, row_number: int) -> int | None:
        columns = self.columns
        debit_blank, credit_blank = not _shown(debit).strip(), not _shown(credit).strip()
        if debit_blank and credit_blank:
            self.problems.add(row_number, f"{columns['debit']} / {columns['credit']}", "",
                              "both are blank: give the amount as a debit or a credit")
            return None
        debit_pence = 0 if debit_blank else self._amount(debit, columns["debit"], row_number)
        credit_pence = 0 if credit_blank else self._amount(credit, columns["credit"], row_number)
        return None if debit_pence is None or credit_pence is None else debit_pence - credit_pence

    def _zero_amount(self, cells: list, row_number: int) -> None:
        columns, positions = self.columns, self.positions
        if "amount" in positions:
            column, shown = columns["amount"], _shown(cells[positions["amount"]])
        else:
            column = f"{columns['debit']} / {columns['credit']}"
            shown = f"{_shown(cells[positions['debit']])} / {_shown(cells[positions['credit']])}"
        self.problems.add(row_number, column, shown,
                          "the amount is zero: a line of zero posts nothing, so leave the row out")

    def _too_long(self, name: str, text: str, row_number: int) -> None:
        self.problems.add(row_number, self.columns[name], text[:60] + "…",
                          f"longer than {MAX_LENGTHS[name]} characters")

    def check_staged(self, stage: bulk.Stage) -> None:
        """Check the staged cells: each distinct date and cost centre once, then row by row the rows the set-based
        checks cannot vouch for; count the rows."""
        columns = stage.columns
        stage.map_dates([(cell, *when) for cell in stage.distinct(columns.posting_date)
                         if (when := self._posting_date(cell)).__class__ is tuple])
        stage.map_centres([(cell, centre[1], centre[0]) for cell in stage.distinct(columns.cost_centre)
                           if (centre := self._cost_centre(cell)).__class__ is tuple and centre[0] is not None])
        rows, doubtful = stage.vouch()
        if doubtful:
            for batch in stage.doubtful_rows():
                stage.load(self.checked(batch))
        self.rows = rows - self.blank_rows

    def checked(self, rows: Iterator[tuple[int, list]]) -> Iterator[tuple]:
        """The good rows as staging rows (``bulk.ROW_COLUMNS``); each problem goes to ``self.problems``, blank
        rows are left out.

        This loop runs once per line of files of a million lines, so it keeps to local names, looks dates and cost
        centres up in caches, and leaves everything unusual to the methods above.
        """
        positions, columns, problems = self.positions, self.columns, self.problems
        date_at, centre_at = positions["posting_date"], positions["cost_centre"]
        amount_at = positions.get("amount")
        debit_at, credit_at = positions.get("debit"), positions.get("credit")
        subjective_at, description_at = positions.get("subjective"), positions.get("description")
        source_at = positions.get("source_line_id")
        subjective_limit, description_limit = MAX_LENGTHS["subjective"], MAX_LENGTHS["description"]
        source_limit = MAX_LENGTHS["source_line_id"]
        dates: dict = {}
        centres: dict = {}
        unmapped = self.unmapped
        text = str
        count = blank = 0
        for row_number, cells in rows:
            count += 1
            good = True

            value = cells[date_at]
            when = dates.get(value)
            if when is None:
                when = dates[value] = self._posting_date(value)
            if when.__class__ is text:
                if not any(_shown(cell).strip() for cell in cells):
                    count -= 1
                    blank += 1
                    continue
                problems.add(row_number, columns["posting_date"], value, when)
                good = False

            value = cells[centre_at]
            centre = centres.get(value)
            if centre is None:
                centre = centres[value] = self._cost_centre(value)
            if centre.__class__ is text:
                problems.add(row_number, columns["cost_centre"], value, centre)
                good = False
            elif centre[0] is None:
                seen = unmapped.get(centre[1])
                if seen is None:
                    unmapped[centre[1]] = [row_number, 1]
                else:
                    seen[1] += 1
                good = False

            if amount_at is not None:
                value = cells[amount_at]
                try:
                    amount = parse_pence(value if value.__class__ is text else _shown(value))
                except MoneyError as exc:
                    self._amount_problem(value, columns["amount"], row_number, exc)
                    amount = None
            else:
                amount = self._debit_less_credit(cells[debit_at], cells[credit_at], row_number)
            if amount is None:
                good = False
            elif not amount:
                self._zero_amount(cells, row_number)
                good = False

            if subjective_at is None:
                subjective = ""
            else:
                subjective = cells[subjective_at]
                subjective = (subjective if subjective.__class__ is text else _shown(subjective)).strip()
                if len(subjective) > subjective_limit:
                    self._too_long("subjective", subjective, row_number)
                    good = False
            if description_at is None:
                description = ""
            else:
                description = cells[description_at]
                description = (description if description.__class__ is text else _shown(description)).strip()
                if len(description) > description_limit:
                    self._too_long("description", description, row_number)
                    good = False
            if source_at is None:
                source_id = None
            else:
                source_id = cells[source_at]
                source_id = (source_id if source_id.__class__ is text else _shown(source_id)).strip()
                if not source_id:
                    problems.add(row_number, columns["source_line_id"], "",
                                 "the source line id is blank: every row needs one, so that it posts only once")
                    good = False
                elif len(source_id) > source_limit:
                    self._too_long("source_line_id", source_id, row_number)
                    good = False

            if good:
                yield (row_number, when[1], centre[0], when[0], centre[1], subjective, description, amount, source_id)
        self.rows += count
        self.blank_rows += blank


def _posted_before(fund: Fund, sha256: str) -> LedgerImport | None:
    return fund.imports.filter(sha256=sha256, status=ImportStatus.POSTED).select_related("created_by").first()


def _posted_before_problem(earlier: LedgerImport, filename: str) -> Problem:
    user = earlier.created_by
    who = (user.get_full_name() or user.username) if user else "the system operator"
    when = timezone.localtime(earlier.finished_at)
    return Problem(None, "", filename, (
        f"this file was posted already, by {who} on {when.day} {when:%B %Y at %H:%M} (import {earlier.pk}, "
        f"{earlier.filename!r}, {earlier.rows_posted:,} rows): it is not posted twice"))


def ledger_import(
    *, actor, fund: Fund, path: Path | str, mapping: ColumnMapping, dry_run: bool = False,
    progress: Progress | None = None, filename: str | None = None,
) -> ImportOutcome:
    """Check a general-ledger file and post it to the fund whole, or post nothing and say every problem.

    With ``dry_run`` nothing is posted or recorded: the outcome has the totals per schedule and period that the
    file would post, or its problems.
    """
    path = Path(path)
    filename = (filename or path.name)[:300]
    progress = progress or _no_progress
    started_at = timezone.now()
    outcome = ImportOutcome(status=REJECTED, filename=filename, mapping_name=mapping.name, dry_run=dry_run)
    problems = _Problems()
    if mapping.fund_id != fund.pk:
        raise LedgerError([f"the mapping {mapping.name!r} belongs to another fund"])
    for reason in column_mapping_problems(mapping.columns):
        problems.add(None, "", "", f"the mapping {mapping.name!r} cannot be used: {reason}")
    try:
        facts = file_facts(path, filename)
    except LedgerFileError as exc:
        problems.add(None, "", "", str(exc))
        return _rejected(outcome, problems, actor, fund, None, started_at)
    earlier = _posted_before(fund, facts.sha256)
    if earlier is not None:
        outcome.problems = [_posted_before_problem(earlier, filename)]
        return _rejected(outcome, None, actor, fund, facts, started_at)
    if problems:
        return _rejected(outcome, problems, actor, fund, facts, started_at)

    plan = _plan(fund)
    with bulk.Stage() as stage:
        checker = _check_into(stage, path, facts, mapping, plan, problems, progress)
        outcome.rows_total = checker.rows if checker else 0
        unmapped = []
        if checker is not None:
            unmapped = [
                Problem(first_row, mapping.columns["cost_centre"], code,
                        f"cost centre {code} is not mapped to a schedule: {rows:,} row{'' if rows == 1 else 's'}, "
                        f"the first on row {first_row}; map it on the fund's cost-centre mapping")
                for code, (first_row, rows) in sorted(checker.unmapped.items())
            ]
            if checker.rows == 0 and not problems and not unmapped:
                problems.add(None, "", "", "the file has no rows below its headings")
            # A file found good otherwise is posted without looking for a repeated source line id first: the
            # database refuses the second of two, and then the rows are looked for.
            if checker.has_source_ids and (problems or unmapped or dry_run) and not problems.not_listed:
                _add_repeated_source_ids(problems, stage, mapping)
        if problems or unmapped:
            return _rejected(outcome, _in_order(problems, unmapped), actor, fund, facts, started_at)
        if dry_run:
            outcome.rows_already_posted = stage.mark_already_posted(fund_id=fund.pk) if checker.has_source_ids else 0
            _add_totals(outcome, stage.totals(), plan)
            outcome.status = CHECKED
            return outcome
        progress(checker.rows, checker.rows, POSTING)
        try:
            with transaction.atomic():
                _post(outcome, stage, checker, plan, actor=actor, fund=fund, facts=facts, mapping=mapping,
                      started_at=started_at)
        except _Refused as refused:
            outcome.problems = refused.problems
            return _rejected(outcome, None, actor, fund, facts, started_at)
        except IntegrityError as exc:
            if checker.has_source_ids:
                _add_repeated_source_ids(problems, stage, mapping)
            if problems:
                return _rejected(outcome, _in_order(problems, []), actor, fund, facts, started_at)
            outcome.problems = [Problem(None, "", filename, (
                "another posting to the fund took some of this file's source line ids while it was being "
                f"imported, so nothing was posted: import the file again ({exc})"))]
            return _rejected(outcome, None, actor, fund, facts, started_at)
    outcome.status = POSTED
    return outcome


def _no_progress(done: int, total: int, stage: str = "") -> None:
    return None


def _add_repeated_source_ids(problems: _Problems, stage: bulk.Stage, mapping: ColumnMapping) -> None:
    for row, source_id, first_row in stage.repeated_source_ids():
        problems.add(row, mapping.columns["source_line_id"], source_id,
                     f"row {first_row} has the same source line id: each line needs its own")


def _in_order(problems: _Problems, unmapped: list[Problem]) -> _Problems:
    """The file as a whole first, then each unmapped cost centre once, then row by row."""
    problems.listed = ([problem for problem in problems.listed if problem.row is None] + unmapped
                       + sorted((problem for problem in problems.listed if problem.row is not None),
                                key=lambda problem: problem.row))
    return problems


class _Refused(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def _check_into(stage: bulk.Stage, path: Path, facts: FileFacts, mapping: ColumnMapping, plan: _Plan,
                problems: _Problems, progress: Progress) -> _RowChecker | None:
    """Stage the file's cells and check them; ``None`` when its headings are not found."""
    columns = {name: mapping.columns[name] for name in FIELDS if name in mapping.columns}  # in the fields' order
    try:
        with file_rows(path, facts.kind) as rows:
            found = header_row(rows, list(columns.values()))
            if found is None:
                expected = ", ".join(repr(heading) for heading in columns.values())
                problems.add(1, "", "", (
                    f"no row near the top of the file has the headings the mapping {mapping.name!r} expects "
                    f"({expected}): check the mapping or the file"))
                return None
            if found.missing:
                field_of = {heading: name for name, heading in columns.items()}
                for heading in found.missing:
                    problems.add(found.row_number, heading, "", (
                        f"the file has no column headed {heading!r}, which the mapping {mapping.name!r} reads the "
                        f"{FIELDS[field_of[heading]].lower()} from: check the mapping or the file"))
                return None
            header_at, headings = found.row_number, found.headings
            keys = [heading_key(heading) for heading in headings]
            positions = {name: keys.index(heading_key(heading)) for name, heading in columns.items()}
            for name, heading in columns.items():
                if keys.count(heading_key(heading)) > 1:
                    problems.add(header_at, heading, heading, (
                        f"two columns have this heading, so the {FIELDS[name].lower()} is not clear: rename one"))
            checker = _RowChecker(plan, columns, positions, problems)
            estimate = max(facts.rows_estimate - header_at, 0)
            copied = _copied_whole(stage, path, facts, found, positions, estimate, progress)
            if not copied:  # Python reads the rows, so checks each as it goes
                stage.load(checker.checked(_padded(rows, max(positions.values()) + 1, estimate, progress)))
    except LedgerFileError as exc:
        problems.add(None, "", "", str(exc))
        return None
    if copied:
        checker.check_staged(stage)
    progress(checker.rows, checker.rows, READING)
    return checker


def _copied_whole(stage: bulk.Stage, path: Path, facts: FileFacts, header: HeaderRow, positions: dict[str, int],
                  estimate: int, progress: Progress) -> bool:
    """On PostgreSQL, stage a plain CSV's cells by handing the server the file below its headings; whether it was."""
    if stage.vendor != "postgresql" or facts.kind != CSV:
        return False
    body = csv_body(path, header)
    if body is None:
        return False
    columns = bulk.Columns(**{name: positions.get(name) for name in FIELDS})
    stage.create_cells(width=len(header.headings), columns=columns, limits=MAX_LENGTHS)
    try:
        stage.copy_csv(path, offset=body.offset, delimiter=body.delimiter, first_row=header.row_number + 1,
                       lines_per_block=PROGRESS_EVERY,
                       progress=lambda lines: progress(lines, max(estimate, lines), READING))
    except bulk.NotPlain:
        return False
    return True


def _padded(rows: Iterator[tuple[int, list]], width: int, estimate: int,
            progress: Progress) -> Iterator[tuple[int, list]]:
    """The rows below the headings, each of at least ``width`` cells, telling ``progress`` as they are read."""
    for count, (row_number, cells) in enumerate(rows, start=1):
        if not count % PROGRESS_EVERY:
            progress(count, max(estimate, count), READING)
        if len(cells) < width:
            cells = [*cells, *[""] * (width - len(cells))]
        yield row_number, cells


def _add_totals(outcome: ImportOutcome, rows: list[tuple[int, int, int, int]], plan: _Plan) -> None:
    periods = {period.pk: period for period in plan.periods.values()}
    totals = []
    for period_id, account_id, count, pence in rows:
        schedule, period = plan.schedule_of_account[account_id], periods[period_id]
        totals.append(((schedule.number, period.financial_year, period.number),
                       ScheduleTotal(schedule.number, schedule.title, period.label, count, pence)))
    outcome.totals = [total for _, total in sorted(totals, key=lambda pair: pair[0])]
    outcome.rows_posted = sum(total.rows for total in outcome.totals)
    outcome.total_pence = sum(total.pence for total in outcome.totals)


def _post(outcome: ImportOutcome, stage: bulk.Stage, checker: _RowChecker, plan: _Plan, *, actor, fund: Fund,
          facts: FileFacts, mapping: ColumnMapping, started_at: datetime) -> None:
    """Post the staged rows: in the caller's transaction, with the fund's row locked."""
    fund = Fund.objects.select_for_update().select_related("agreement").get(pk=fund.pk)
    earlier = _posted_before(fund, facts.sha256)
    if earlier is not None:
        raise _Refused([_posted_before_problem(earlier, outcome.filename)])
    closed = Period.objects.select_for_update().filter(pk__in=checker.periods_used).exclude(status=PeriodStatus.OPEN)
    if closed:
        raise _Refused([Problem(None, "", period.label, f"period {period.label} was closed while the file was "
                                "being checked: post its lines to an open period") for period in closed])
    outcome.rows_already_posted = stage.mark_already_posted(fund_id=fund.pk) if checker.has_source_ids else 0
    if stage.has_posted_rows:  # a repeat among rows posted already is left out with them: the database cannot see it
        repeated = _Problems()
        _add_repeated_source_ids(repeated, stage, mapping)
        if repeated:
            raise _Refused(repeated.listed)
    totals = stage.totals()
    _add_totals(outcome, totals, plan)
    record = LedgerImport.objects.create(
        fund=fund, filename=outcome.filename, sha256=facts.sha256, mapping_name=mapping.name,
        status=ImportStatus.POSTED, rows_total=outcome.rows_total, rows_posted=outcome.rows_posted,
        rows_already_posted=outcome.rows_already_posted, total_pence=outcome.total_pence,
        started_at=started_at, finished_at=timezone.now(), created_by=acting_user(actor),
        modified_by=acting_user(actor),
    )
    outcome.ledger_import = record
    net_by_period: dict[int, int] = {}
    for period_id, _account, _rows, pence in totals:
        net_by_period[period_id] = net_by_period.get(period_id, 0) + pence
    periods = {period.pk: period for period in plan.periods.values()}
    entries = JournalEntry.objects.bulk_create([
        JournalEntry(fund=fund, period_id=period_id, kind=EntryKind.IMPORT, ledger_import=record,
                     posted_by=acting_user(actor),
                     description=f"General-ledger import {outcome.filename}: {periods[period_id].label}")
        for period_id in sorted(net_by_period, key=lambda pk: (periods[pk].financial_year, periods[pk].number))
    ])
    entry_for_period = {entry.period_id: entry.pk for entry in entries}
    lines = stage.post(fund_id=fund.pk, entry_for_period=entry_for_period)
    if lines != outcome.rows_posted:
        raise RuntimeError(f"staged {outcome.rows_posted} rows to post but {lines} lines were inserted")
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    owed = [(period_id, -net) for period_id, net in net_by_period.items() if net]
    JournalLine.objects.bulk_create([
        JournalLine(entry_id=entry_for_period[period_id], fund=fund, period_id=period_id, account=creditors,
                    amount_pence=pence, description=f"Owed to suppliers: {outcome.filename}")
        for period_id, pence in owed
    ])
    balances_add(fund=fund, totals=[
        *((account, period_id, pence, rows) for period_id, account, rows, pence in totals),
        *((creditors.pk, period_id, pence, 1) for period_id, pence in owed),
    ])
    record.finished_at = timezone.now()
    record.save(update_fields=["finished_at", "modified_at"])
    audit_record(
        actor=actor, action="ledger_import", obj=record, agreement=fund.agreement,
        after={"file": outcome.filename, "sha256": facts.sha256, "rows_total": outcome.rows_total,
               "rows_posted": outcome.rows_posted, "rows_already_posted": outcome.rows_already_posted,
               "total": format_gbp(outcome.total_pence, show_pence=True), "entries": len(entries)},
    )


def _rejected(outcome: ImportOutcome, problems: _Problems | None, actor, fund: Fund, facts: FileFacts | None,
              started_at: datetime) -> ImportOutcome:
    """Finish a rejected outcome; unless it was a dry run, keep it in the import history (its own transaction)."""
    if problems is not None:
        outcome.problems, outcome.problems_not_listed = problems.listed, problems.not_listed
    outcome.status = REJECTED
    outcome.rows_posted = outcome.rows_already_posted = outcome.total_pence = 0
    outcome.totals = []
    if outcome.dry_run:
        return outcome
    stored = [problem.as_dict() for problem in outcome.problems]
    if outcome.problems_not_listed:
        stored.append(Problem(None, "", "", f"and {outcome.problems_not_listed:,} more problems not listed").as_dict())
    with transaction.atomic():
        outcome.ledger_import = LedgerImport.objects.create(
            fund=fund, filename=outcome.filename, sha256=facts.sha256 if facts else "",
            mapping_name=outcome.mapping_name,
            status=ImportStatus.REJECTED, rows_total=outcome.rows_total, problems=stored,
            started_at=started_at, finished_at=timezone.now(), created_by=acting_user(actor),
            modified_by=acting_user(actor),
        )
    return outcome


# Imports as background jobs -------------------------------------------------------------------------------------

JOB_KIND = "ledger_import"


def ledger_import_start(*, actor, fund: Fund, mapping: ColumnMapping, upload, dry_run: bool = False) -> Job:
    """Keep an uploaded file and start importing it in a background job; the job's page shows its progress."""
    folder = jobs_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.name).suffix.lower()
    path = folder / f"{uuid.uuid4().hex}{suffix if suffix in {'.csv', '.txt', '.xlsx', '.xlsm'} else ''}"
    with path.open("wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    job = job_create(actor=actor, kind=JOB_KIND, payload={
        "fund_id": fund.pk, "mapping_id": mapping.pk, "path": str(path), "filename": Path(upload.name).name[:300],
        "dry_run": dry_run,
    })
    job_launch(job)
    return job


def ledger_import_job(*, job: Job, progress: Progress) -> dict:
    """The background job: import the uploaded file as the user who uploaded it, then delete the upload."""
    payload = job.payload
    path = Path(payload["path"])
    try:
        fund = Fund.objects.select_related("agreement").get(pk=payload["fund_id"])
        mapping = fund.column_mappings.get(pk=payload["mapping_id"])
        outcome = ledger_import(actor=job.created_by, fund=fund, path=path, mapping=mapping,
                                dry_run=payload.get("dry_run", False), progress=progress, filename=payload["filename"])
    finally:
        path.unlink(missing_ok=True)
    progress(outcome.rows_total, outcome.rows_total, "finished")
    return outcome.as_dict()
