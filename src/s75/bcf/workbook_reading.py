"""Reading back a filled-in Better Care Fund planning workbook (the shape ``workbook_writing`` gives), all or
nothing: every problem is listed by sheet, row, column, value and reason, and the plan is created or its contents
replaced only when there is none.

:func:`plan_workbook_read` is the one entry point; it raises :class:`WorkbookRejected` with the problems."""

import re
import zipfile
import zlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from s75.agreements.selectors import agreements_visible_to
from s75.core.fiscal import FinancialYear
from s75.core.money import MoneyError, format_gbp, parse_pence, pence_from_pounds

from .checks import districts_of
from .models import BcfYear, Commissioner, ListName, NewOrExisting, Plan, PlanStatus
from .selectors import plans_visible_to
from .services import (
    BcfError,
    ConditionRow,
    IncomeRow,
    LineRow,
    MetricRow,
    PlanContents,
    plan_contents_problems,
    plan_contents_replace,
    plan_create,
)
from .workbook_layout import (
    AGREEMENT_LABEL,
    AREA_LABEL,
    CONDITION_COLUMNS,
    CONDITIONS,
    COVER,
    EXPENDITURE,
    INCOME,
    INCOME_COLUMNS,
    LINE_COLUMNS,
    METRIC_COLUMNS,
    METRICS,
    NARRATIVE_LABEL,
    NO,
    TOTAL,
    YEAR_LABEL,
    YES,
    Column,
)

MAX_ROWS = 2_000
MAX_BYTES = 20_000_000  # unpacked: a plan's workbook is well under 1 MB
COVER_WIDTH = 2


@dataclass(frozen=True)
class CellProblem:
    """Something wrong with the workbook: the sheet, the row and column (as Excel shows them), the value, and why."""

    sheet: str
    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        located = ", ".join(part for part in (self.sheet, f"row {self.row}" if self.row else "",
                                              f"column {self.column}" if self.column else "") if part)
        return f"{located}: {self.reason}" if located else self.reason


class WorkbookRejected(BcfError):
    """The workbook was not read in: ``cell_problems`` lists every problem found; nothing was saved."""

    def __init__(self, problems: list[CellProblem]):
        self.cell_problems = problems
        super().__init__([str(problem) for problem in problems])


@dataclass(frozen=True)
class WorkbookReadResult:
    plan: Plan | None  # None only when a dry run would create the plan
    created: bool
    dry_run: bool
    contents: PlanContents

    @property
    def summary(self) -> str:
        """What the workbook holds, in a sentence with its totals."""
        contents = self.contents
        planned = format_gbp(sum(line.planned_pence for line in contents.lines), show_pence=True)
        income = format_gbp(sum(row.amount_pence for row in contents.income), show_pence=True)
        return (f"Income: {len(contents.income)} rows, {income}; expenditure: {len(contents.lines)} lines, "
                f"{planned}; national conditions: {len(contents.conditions)}; metric figures: "
                f"{len(contents.metrics)}.")


def _shown(value) -> str:
    return "" if value is None else str(value)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _shown(value).strip()


def _workbook_bytes(file: str | Path | bytes | BinaryIO) -> bytes:
    if isinstance(file, bytes):
        return file
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    return file.read()


def _archive_problems(data: bytes) -> list[CellProblem]:
    """Refuse what is not an .xlsx, and any part with a DTD (entities can expand without end or read local
    files), before openpyxl parses anything."""
    if not data:
        return [CellProblem("", None, "", "", "the file is empty: save the workbook from Excel and try again")]
    if not zipfile.is_zipfile(BytesIO(data)):
        return [CellProblem("", None, "", "", "the file is not an Excel workbook (.xlsx): save it from Excel as an "
                                              "Excel workbook")]
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > MAX_BYTES:
                return [CellProblem("", None, "", "", "the workbook is too large to be a Better Care Fund plan")]
            for member in members:
                if member.filename.endswith((".xml", ".rels")) and b"<!doctype" in archive.read(member).lower():
                    return [CellProblem("", None, "", member.filename,
                                        "the workbook holds a document type declaration (DTD), which Excel never "
                                        "writes: it is refused for safety")]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError):
        return [CellProblem("", None, "", "", "the workbook is damaged (its compressed parts cannot be read): save it "
                                              "from Excel again and upload that file")]
    return []


class _Reader:
    """Reads the sheets of one workbook into plan contents, collecting every problem."""

    def __init__(self, workbook, actor, plan: Plan | None):
        self.workbook, self.actor, self.plan = workbook, actor, plan
        self.problems: list[CellProblem] = []
        # Where each row of the contents came from, to put the services' problems (``lines[3]``) on their cells.
        self.origins: dict[str, list[tuple[str, int, str]]] = {"income": [], "lines": [], "conditions": [],
                                                              "metrics": []}

    def add(self, sheet: str, row: int | None, column: str, value, reason: str) -> None:
        self.problems.append(CellProblem(sheet, row, column, _shown(value), reason))

    def rows(self, name: str, width: int) -> list[tuple[int, list]]:
        if name not in self.workbook.sheetnames:
            self.add(name, None, "", "", f"the workbook has no sheet called {name}: start from a workbook s75 exported")
            return []
        sheet = self.workbook[name]
        sheet.reset_dimensions()
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                self.add(name, number, "", "", f"the sheet has more than {MAX_ROWS:,} rows: a plan has far fewer")
                break
            values = list(values)
            extra = next((position for position, value in enumerate(values[width:], start=width + 1)
                          if not _blank(value)), None)
            if extra is not None:
                self.add(name, number, get_column_letter(extra), values[extra - 1],
                         f"the sheet has {width} columns: remove what is beyond column {get_column_letter(width)}")
            rows.append((number, values[:width] + [None] * (width - len(values))))
        return rows

    def table(self, name: str, columns: tuple[Column, ...]) -> list[tuple[int, dict]]:
        """The table's rows down to its total row, as {key: value}, blank rows left out; its headings checked."""
        rows = self.rows(name, len(columns))
        if not rows:
            return []
        heading_row, *body = rows
        for column, heading in zip(columns, heading_row[1], strict=True):
            if _text(heading) != column.heading:
                self.add(name, 1, column.heading, heading,
                         f"the heading should be “{column.heading}”: keep the columns in the order exported")
        table = []
        for number, values in body:
            if _text(values[0]) == TOTAL:
                break
            if all(_blank(value) for value in values):
                continue
            row = dict(zip((column.key for column in columns), values, strict=True))
            for column in columns:
                if column.required and _blank(row[column.key]):
                    self.add(name, number, column.heading, "", f"give the {column.heading.lower()}")
            table.append((number, row))
        return table

    def choice(self, sheet, number, column: Column, value, options: dict, what: str):
        """The option ``value`` names (by its words, in any case); a problem if it names none."""
        if _blank(value):
            return None
        found = options.get(_text(value).casefold())
        if found is None:
            self.add(sheet, number, column.heading, value, f"“{_text(value)}” is not {what}: choose one from the list")
        return found

    def money(self, sheet, number, column: Column, value) -> int | None:
        if _blank(value):
            return None
        try:
            pence = parse_pence(value) if isinstance(value, str) else pence_from_pounds(
                Decimal(repr(value)) if isinstance(value, float) else value)
        except MoneyError:
            self.add(sheet, number, column.heading, value, f"{_text(value)} is not an amount of pounds and pence")
            return None
        if pence < 0:
            self.add(sheet, number, column.heading, value, f"{_text(value)} is negative: give the amount as positive")
            return None
        return pence

    def figure(self, sheet, number, column: Column, value) -> Decimal | None:
        if _blank(value):
            return None
        try:
            figure = Decimal(repr(value) if isinstance(value, float) else _text(value))
        except InvalidOperation:
            figure = None
        if figure is None or not figure.is_finite() or abs(figure) >= 10 ** 12 \
                or figure != figure.quantize(Decimal("0.01")):
            self.add(sheet, number, column.heading, value, f"{_text(value)} is not a number with at most two decimal "
                                                           "places")
            return None
        return figure


def _names(year: BcfYear, list_name: str) -> dict:
    return {item.name.casefold(): item for item in year.items.filter(list=list_name)}


def _read_income(reader: _Reader, year: BcfYear, organisations: dict) -> list[IncomeRow]:
    sources = _names(year, ListName.SOURCE)
    source_column, organisation_column, amount_column = INCOME_COLUMNS
    income = []
    for number, row in reader.table(INCOME, INCOME_COLUMNS):
        source = reader.choice(INCOME, number, source_column, row["source"], sources,
                               f"a source of funding of {year}")
        organisation = reader.choice(INCOME, number, organisation_column, row["organisation"], organisations,
                                     "a party to the governing agreement")
        amount = reader.money(INCOME, number, amount_column, row["amount"])
        if source and organisation and amount is not None:
            income.append(IncomeRow(source=source, organisation=organisation, amount_pence=amount))
            reader.origins["income"].append((INCOME, number, ""))
    return income


def _read_lines(reader: _Reader, year: BcfYear, plan_like: Plan) -> list[LineRow]:
    column = {column.key: column for column in LINE_COLUMNS}
    lists = {key: _names(year, list_name) for key, list_name in (
        ("scheme_type", ListName.SCHEME_TYPE), ("area_of_spend", ListName.AREA_OF_SPEND),
        ("provider_type", ListName.PROVIDER_TYPE), ("source", ListName.SOURCE))}
    sub_types = {(item.parent_id, item.name.casefold()): item for item in year.items.filter(list=ListName.SUB_TYPE)}
    schedules = {str(schedule).casefold(): schedule for schedule in plan_like.agreement.schedules.all()}
    districts = {district.name.casefold(): district for district in districts_of(plan_like.hwb)}
    commissioners = {label.casefold(): value for value, label in Commissioner.choices}
    new_or_existing = {label.casefold(): value for value, label in NewOrExisting.choices}
    lines = []
    for number, row in reader.table(EXPENDITURE, LINE_COLUMNS):
        def pick(key, options, what, row=row, number=number):
            return reader.choice(EXPENDITURE, number, column[key], row[key], options, what)

        values = {key: pick(key, options, f"a {column[key].heading.lower()} of {year}")
                  for key, options in lists.items()}
        sub_type = None
        if not _blank(row["sub_type"]) and values["scheme_type"] is not None:
            sub_type = sub_types.get((values["scheme_type"].pk, _text(row["sub_type"]).casefold()))
            if sub_type is None:
                reader.add(EXPENDITURE, number, column["sub_type"].heading, row["sub_type"],
                           f"“{_text(row['sub_type'])}” is not a sub-type of {values['scheme_type'].name}")
        values |= {
            "commissioner": pick("commissioner", commissioners, "a commissioner"),
            "new_or_existing": pick("new_or_existing", new_or_existing, "new or existing"),
            "schedule": pick("schedule", schedules, f"a schedule of {plan_like.agreement.reference}"),
            "passed_to": pick("passed_to", districts, f"a district council of {plan_like.hwb}"),
            "planned_pence": reader.money(EXPENDITURE, number, column["planned"], row["planned"]),
            **{key: reader.figure(EXPENDITURE, number, column[key], row[key])
               for key in ("outputs", "nhs_percent", "la_percent")},
        }
        required = ("scheme_type", "area_of_spend", "provider_type", "source", "commissioner", "new_or_existing",
                    "schedule", "planned_pence")
        known = all(values[key] is not None for key in required) and (
            _blank(row["passed_to"]) or values["passed_to"] is not None) and (
            _blank(row["sub_type"]) or sub_type is not None)
        if known and not _blank(row["scheme_id"]) and not _blank(row["scheme_name"]):
            lines.append(LineRow(scheme_id=_text(row["scheme_id"]), scheme_name=_text(row["scheme_name"]),
                                 description=_text(row["description"]), sub_type=sub_type,
                                 output_unit=_text(row["output_unit"]), **values))
            reader.origins["lines"].append((EXPENDITURE, number, ""))
    return lines


def _read_conditions(reader: _Reader, year: BcfYear) -> list[ConditionRow]:
    codes = {item.code.casefold(): item for item in year.items.filter(list=ListName.NATIONAL_CONDITION)}
    code_column, _, confirmed_column, _ = CONDITION_COLUMNS
    conditions = []
    for number, row in reader.table(CONDITIONS, CONDITION_COLUMNS):
        condition = reader.choice(CONDITIONS, number, code_column, row["code"], codes,
                                  f"a national condition of {year}")
        confirmed = reader.choice(CONDITIONS, number, confirmed_column, row["confirmed"], {"yes": True, "no": False},
                                  f"{YES} or {NO}")
        if condition is not None and confirmed is not None:
            conditions.append(ConditionRow(condition=condition, confirmed=confirmed, comment=_text(row["comment"])))
            reader.origins["conditions"].append((CONDITIONS, number, ""))
    return conditions


def _read_metrics(reader: _Reader, year: BcfYear) -> list[MetricRow]:
    metrics = _names(year, ListName.METRIC)
    metric_rows = []
    for number, row in reader.table(METRICS, METRIC_COLUMNS):
        metric = reader.choice(METRICS, number, METRIC_COLUMNS[0], row["metric"], metrics, f"a metric of {year}")
        for quarter, column in enumerate(METRIC_COLUMNS[2:], start=1):
            planned = reader.figure(METRICS, number, column, row[column.key])
            if metric is not None and planned is not None:
                metric_rows.append(MetricRow(metric=metric, quarter=quarter, planned=planned))
                reader.origins["metrics"].append((METRICS, number, column.heading))
    return metric_rows


def _cover(reader: _Reader) -> dict[str, tuple[int, object]]:
    return {_text(values[0]): (number, values[1]) for number, values in reader.rows(COVER, COVER_WIDTH)
            if not _blank(values[0])}


def _plan_for(reader: _Reader, cover: dict) -> tuple[Plan | None, bool]:
    """The plan the workbook fills in (an unsaved one when it is new) and whether it is new; ``None`` when the
    cover does not say which."""
    def given(label):
        number, value = cover.get(label, (None, None))
        if _blank(value):
            reader.add(COVER, number, "B", "", f"give the {label.lower()}")
        return number, _text(value)

    (year_row, year_text), (area_row, area), (agreement_row, reference) = (
        given(YEAR_LABEL), given(AREA_LABEL), given(AGREEMENT_LABEL))
    if not year_text or not area:
        return None, False
    try:
        year = BcfYear.objects.filter(financial_year=FinancialYear.parse(year_text).start_year).first()
    except ValueError:
        year = None
    if year is None:
        reader.add(COVER, year_row, "B", year_text, f"{year_text} is not a Better Care Fund year s75 has lists for")
        return None, False
    plan = reader.plan
    if plan is not None:
        if plan.year_id != year.pk:
            reader.add(COVER, year_row, "B", year_text, f"the workbook is for {year_text} but the plan is for "
                                                         f"{plan.year}")
        if plan.hwb.name.casefold() != area.casefold():
            reader.add(COVER, area_row, "B", area, f"the workbook is for {area} but the plan is {plan.hwb}'s")
        return plan, False
    plan = plans_visible_to(user=reader.actor).filter(hwb__name__iexact=area, year=year).first()
    if plan is not None:
        return plan, False
    # References are unique in each organisation's register: where two the reader sees share this one, the area's.
    found = agreements_visible_to(user=reader.actor).filter(reference=reference or None)
    matches = list(found[:2])
    if len(matches) > 1:
        matches = list(found.filter(held_by__name__iexact=area)[:2])
    if len(matches) != 1:
        reader.add(COVER, agreement_row, "B", reference, f"no agreement {reference!r} was found to govern a new plan "
                                                         f"for {area}" if not matches else
                   f"{reference!r} names more than one agreement you can see, and none held by {area}: give "
                   f"the reference of the agreement {area} holds")
        return None, False
    agreement = matches[0]
    party = agreement.parties.select_related("organisation").filter(organisation__name__iexact=area).first()
    if party is None:
        reader.add(COVER, area_row, "B", area, f"{area} is not a party to {agreement.reference}")
        return None, False
    return Plan(hwb=party.organisation, year=year, agreement=agreement, status=PlanStatus.DRAFT), True


def _located(reader: _Reader, problems) -> list[CellProblem]:
    located = []
    for problem in problems:
        match = re.fullmatch(r"(income|lines|conditions|metrics)\[(\d+)\]", getattr(problem, "field", None) or "")
        if match:
            sheet, row, column = reader.origins[match[1]][int(match[2]) - 1]
            located.append(CellProblem(sheet, row, column, "", str(problem)))
        else:
            located.append(CellProblem("", None, "", "", str(problem)))
    return located


def plan_workbook_read(file: str | Path | bytes | BinaryIO, *, actor, plan: Plan | None = None,
                       dry_run: bool = False) -> WorkbookReadResult:
    """Read a filled-in planning workbook into ``plan`` (or the plan its cover names, created if the area has none
    for the year), replacing the plan's income, lines, conditions, metrics and narrative, all or nothing. Raises
    :class:`WorkbookRejected` listing every problem; with ``dry_run`` checks everything and saves nothing."""
    data = _workbook_bytes(file)
    problems = _archive_problems(data)
    if problems:
        raise WorkbookRejected(problems)
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises whatever it meets in a broken archive, of any type
        raise WorkbookRejected([CellProblem("", None, "", "", "the file is a compressed (zip) file but not an Excel "
                                                              "workbook that can be read")]) from error
    try:
        reader = _Reader(workbook, actor, plan)
        cover = _cover(reader)
        target, new = _plan_for(reader, cover)
        if target is None:
            raise WorkbookRejected(reader.problems)
        narrative = cover.get(NARRATIVE_LABEL)
        contents = PlanContents(
            income=_read_income(reader, target.year, {party.organisation.name.casefold(): party.organisation
                                                      for party in target.agreement.parties.select_related(
                                                          "organisation")}),
            lines=_read_lines(reader, target.year, target), conditions=_read_conditions(reader, target.year),
            metrics=_read_metrics(reader, target.year),
            narrative=None if narrative is None else _text(narrative[1]),
        )
    finally:
        workbook.close()
    problems = reader.problems + _located(reader, plan_contents_problems(target, contents))
    if problems:
        raise WorkbookRejected(problems)
    if dry_run:
        return WorkbookReadResult(None if new else target, new, True, contents)
    try:
        with transaction.atomic():
            if new:
                target = plan_create(actor=actor, hwb=target.hwb, year=target.year, agreement=target.agreement)
            target = plan_contents_replace(actor=actor, plan=target, contents=contents)
    except BcfError as error:
        raise WorkbookRejected(_located(reader, error.problems)) from error
    return WorkbookReadResult(target, new, False, contents)
