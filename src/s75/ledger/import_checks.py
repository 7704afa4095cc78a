"""The checks of a general-ledger file's rows, in words a finance officer can act on.

:func:`check_into` finds the file's headings and stages its rows (``bulk``), checking every row against the fund's
column mapping, cost-centre mapping and periods (:class:`RowChecker`) and collecting every problem (row as the file
shows it, column heading, value, what is wrong). On PostgreSQL a plain CSV goes to the server as it is and its
cells are checked there, set-based (each distinct posting date and cost centre once, plainly written amounts by the
database, row by row only the rows it cannot vouch for); any other file passes through Python, which checks each
row as it reads it.
"""

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from s75.agreements.models import Schedule
from s75.budgets.models import Contribution
from s75.core.fiscal import FinancialYear
from s75.core.money import MoneyError, format_gbp, parse_pence
from s75.jobs.progress import READING, Progress

from . import bulk
from .import_files import CSV, FileFacts, HeaderRow, LedgerFileError, csv_body, file_rows, header_row, heading_key
from .mappings import FIELDS, MAX_LENGTHS
from .models import AccountRole, ColumnMapping, Fund, Period, PeriodStatus

PROBLEMS_LISTED = 10_000  # a report longer than this lists these and counts the rest
PROGRESS_EVERY = 8192  # rows

_MONTHS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTHS["sept"] = 9


# What a problem is put right with, so that a page can link to it (``Problem.cause``; ``Problem.ref`` names it).
COLUMN_MAPPING = "column_mapping"  # the column mapping (ref: its id)
COST_CENTRE = "cost_centre"  # the cost-centre mapping (the value: the cost centre to add)
POSTED_BEFORE = "posted_before"  # nothing: the file was posted (ref: that import's id)
NO_BUDGET = "no_budget"  # the year's contributions, or posting anyway (the value: the year)


@dataclass(frozen=True)
class Problem:
    """Something wrong with the file: the row (as the file shows it), the column heading, the value, and why.

    The reason is a sentence of its own that names the value where it matters (``31/02/2026 is not a date: …``),
    so that the problem reads whole wherever it is printed. ``cause`` says which mapping or record it is put right
    with, and ``ref`` which one, for a page to link to."""

    row: int | None
    column: str
    value: str
    reason: str
    cause: str = ""
    ref: int | None = None

    def __str__(self) -> str:
        located = ", ".join(part for part in (f"row {self.row}" if self.row else "",
                                              f"column {self.column}" if self.column else "") if part)
        return f"{located}: {self.reason}" if located else self.reason

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason,
                "cause": self.cause, "ref": self.ref}


class Problems:
    """Every problem found, listed up to :data:`PROBLEMS_LISTED` and counted beyond."""

    def __init__(self) -> None:
        self.listed: list[Problem] = []
        self.not_listed = 0

    def add(self, row: int | None, column: str, value, reason: str, cause: str = "", ref: int | None = None) -> None:
        if len(self.listed) < PROBLEMS_LISTED:
            self.listed.append(Problem(row, column, _shown(value), reason, cause, ref))
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


@dataclass
class CheckPlan:
    """What checking a row needs, read once from the database."""

    periods: dict[tuple[int, int], Period]
    first_period: str
    last_period: str
    account_for_cost_centre: dict[str, int]
    schedule_without_account: dict[str, Schedule]
    schedule_of_account: dict[int, Schedule]


def check_plan(fund: Fund) -> CheckPlan:
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
    return CheckPlan(
        periods=periods,
        first_period=periods[ordered[0]].label if ordered else "",
        last_period=periods[ordered[-1]].label if ordered else "",
        account_for_cost_centre=account_for_cost_centre,
        schedule_without_account=without_account,
        schedule_of_account={account: schedules[schedule] for schedule, account in expenditure.items()},
    )


class NotADate(ValueError):
    """A cell that is not a date; the message says why, naming the cell's text."""


def parse_ledger_date(text: str) -> date:
    """``2024-04-30``, ``30/04/2024``, ``30-Apr-2024`` (or ``30-APR-24``), with or without a midnight time;
    :class:`NotADate` saying why for anything else (``31/02/2026 is not a date: February 2026 has 28 days``)."""
    original = text.strip()
    text, time = original, ""
    if " " in text:
        text, _, time = text.partition(" ")
    elif len(text) > 10 and text[10] == "T":  # 2024-04-30T00:00:00
        text, time = text[:10], text[11:]
    time = time.strip()
    if ":" in time and time not in {"00:00", "00:00:00", "00:00:00.000"}:
        raise NotADate(f"{original} is not a date alone: it has a time of day, {time}; give the date without a time")
    parts = None if time and ":" not in time else _date_parts(text)
    if parts is None and text.count("/") == 2 and len(text.rsplit("/", 1)[1]) == 2:
        raise NotADate(f"{original} is not a date: give the year in four digits, like 30/04/2024")
    if parts is None:
        raise NotADate(f"{original} is not a date: write it like 2024-04-30, 30/04/2024 or 30-Apr-2024"
                       if original else "the posting date is blank")
    year, month, day = parts
    if not 1 <= year <= 9999:
        raise NotADate(f"{original} is not a date: there is no year {year}")
    if not 1 <= month <= 12:
        raise NotADate(f"{original} is not a date: there is no month {month}")
    days = calendar.monthrange(year, month)[1]
    if day < 1:
        raise NotADate(f"{original} is not a date: there is no day {day}")
    if day > days:
        raise NotADate(f"{original} is not a date: {calendar.month_name[month]} {year} has {days} days")
    return date(year, month, day)


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """``(year, month, day)`` of a date written in one of the three forms, whether or not that day exists."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit():
        return int(text[:4]), int(text[5:7]), int(text[8:])
    if text.count("/") == 2:
        day, month, year = text.split("/")
        if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
            return int(year), int(month), int(day)
    elif text.count("-") == 2:
        day, month, year = text.split("-")
        number = _MONTHS.get(month.casefold())
        if number and day.isdigit() and year.isdigit() and len(year) in {2, 4}:
            return int(year) + (2000 if len(year) == 2 else 0), number, int(day)
    return None


class RowChecker:
    """The rules for a row's cells, in words a finance officer can act on.

    :meth:`checked` goes through rows, says what is wrong with each to ``problems`` and yields the good ones
    converted: every row of a file Python reads, or the rows of staged cells the set-based checks could not vouch
    for (:meth:`check_staged`, where ``_posting_date`` and ``_cost_centre`` answer for each distinct value and
    their answers join the cells).
    """

    def __init__(self, plan: CheckPlan, columns: dict[str, str], positions: dict[str, int], problems: Problems) -> None:
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
            try:
                day = parse_ledger_date(value)
            except NotADate as exc:
                return str(exc)
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
            return (f"cost centre {code} is mapped to schedule {schedule.number} ({schedule.title}), which has no "
                    "expenditure account in the fund yet")
        return self.plan.account_for_cost_centre.get(code), code

    def _amount_problem(self, value, column: str, row_number: int, exc: MoneyError) -> None:
        text = _shown(value)
        # The money module quotes the text it was given; the file's cell is named as the file shows it.
        reason = str(exc)
        if reason.startswith(f"{text!r} "):
            reason = f"{text.strip()} {reason.removeprefix(f'{text!r} ')}"
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
                          f"the {FIELDS[name].lower()} is longer than {MAX_LENGTHS[name]} characters: shorten it")

    def unmapped_problems(self) -> list[Problem]:
        """Each cost centre not mapped to a schedule, once, with how many rows have it and the first of them."""
        return [
            Problem(first_row, self.columns["cost_centre"], code,
                    f"cost centre {code} is not mapped to a schedule: {rows:,} row{'' if rows == 1 else 's'}, "
                    f"the first on row {first_row}; map it on the fund's cost-centre mapping", COST_CENTRE)
            for code, (first_row, rows) in sorted(self.unmapped.items())
        ]

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


def add_repeated_source_ids(problems: Problems, stage: bulk.Stage, mapping: ColumnMapping) -> None:
    for row, source_id, first_row in stage.repeated_source_ids():
        problems.add(row, mapping.columns["source_line_id"], source_id,
                     f"source line id {source_id} is on row {first_row} too: each line needs its own")


def check_into(stage: bulk.Stage, path: Path, facts: FileFacts, mapping: ColumnMapping, plan: CheckPlan,
                problems: Problems, progress: Progress) -> RowChecker | None:
    """Stage the file's cells and check them; ``None`` when its headings are not found."""
    columns = {name: mapping.columns[name] for name in FIELDS if name in mapping.columns}  # in the fields' order
    try:
        with file_rows(path, facts.kind) as rows:
            found = header_row(rows, list(columns.values()))
            if found is None:
                expected = ", ".join(repr(heading) for heading in columns.values())
                problems.add(1, "", "", (
                    f"no row near the top of the file has the headings the mapping {mapping.name!r} expects "
                    f"({expected}): check the mapping or the file"), COLUMN_MAPPING, mapping.pk)
                return None
            if found.missing:
                field_of = {heading: name for name, heading in columns.items()}
                for heading in found.missing:
                    problems.add(found.row_number, heading, "", (
                        f"the file has no column headed {heading!r}, which the mapping {mapping.name!r} reads the "
                        f"{FIELDS[field_of[heading]].lower()} from: check the mapping or the file"),
                        COLUMN_MAPPING, mapping.pk)
                return None
            header_at, headings = found.row_number, found.headings
            keys = [heading_key(heading) for heading in headings]
            positions = {name: keys.index(heading_key(heading)) for name, heading in columns.items()}
            for name, heading in columns.items():
                if keys.count(heading_key(heading)) > 1:
                    problems.add(header_at, heading, heading, (
                        f"two columns have this heading, so the {FIELDS[name].lower()} is not clear: rename one"))
            checker = RowChecker(plan, columns, positions, problems)
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


def budget_problems(fund: Fund, plan: CheckPlan, totals: list[tuple[int, int, int, int]]) -> list[Problem]:
    """A problem for each financial year the staged ``(period, account, rows, pence)`` fall in that has no budget:
    no partner's contribution is recorded for it (a contribution is never nil: setting it to nothing removes it).
    Spend against no budget is most often a file of the wrong year, so such a file posts only when someone says why
    it should all the same (post anyway)."""
    periods = {period.pk: period for period in plan.periods.values()}
    by_year: dict[int, list[int]] = {}  # financial year: [rows, pence]
    for period_id, _account, rows, pence in totals:
        seen = by_year.setdefault(periods[period_id].financial_year, [0, 0])
        seen[0] += rows
        seen[1] += pence
    budgeted = set(Contribution.objects.filter(schedule__agreement_id=fund.agreement_id, financial_year__in=by_year)
                   .values_list("financial_year", flat=True))
    return [
        Problem(None, "", FinancialYear(year).label, (
            f"{rows:,} row{'' if rows == 1 else 's'} ({format_gbp(pence, show_pence=True)}) "
            f"fall{'s' if rows == 1 else ''} in "
            f"{FinancialYear(year).label}, but the agreement records no contributions for that year, so the fund has "
            "no budget for it: record the year's contributions first, or post the file anyway and say why"),
            NO_BUDGET)
        for year, (rows, pence) in sorted(by_year.items()) if year not in budgeted
    ]


def problems_in_order(problems: Problems, unmapped: list[Problem]) -> Problems:
    """The file as a whole first, then each unmapped cost centre once, then row by row."""
    problems.listed = ([problem for problem in problems.listed if problem.row is None] + unmapped
                       + sorted((problem for problem in problems.listed if problem.row is not None),
                                key=lambda problem: problem.row))
    return problems
