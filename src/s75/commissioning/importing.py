"""Loading care packages from a CSV or XLSX file as a council's case-management system exports them.

The file's headings are mapped to the package's fields (:data:`DEFAULT_MAPPING`, or the caller's); each row is a
version of a package: the first row of a reference places the package, each later date is a change. The load is
all or nothing: every bad row is named with its row number and reason and nothing is saved. It is idempotent on
the package reference and the version's date: a row already loaded is counted, not loaded again.

A file that carries a person's identifier is refused outright: a column headed as an NHS number or a date of
birth, or one holding ten-digit values that pass the NHS number's modulus 11 check. The reading of a file, its
mapping and this refusal are shared with the imports of providers and contracts (``contract_importing``).
"""

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from s75.agreements.models import Agreement
from s75.core.errors import Problem
from s75.core.money import MoneyError, parse_pence
from s75.ledger.import_files import LedgerFileError, file_facts, file_rows, heading_key

from .identifiers import is_nhs_number
from .models import Contract, EndReason, Package, RateUnit
from .services import CommissioningError, ShareSpec, package_change, package_create, package_end

# The package's fields and the heading each is found under by default.
DEFAULT_MAPPING = {
    "reference": "Package reference",
    "contract": "Contract",
    "unit": "Unit",
    "effective_from": "From",
    "rate": "Rate",
    "units_per_week": "Units a week",
    "funded_by": "Funded by",
    "end_date": "End date",
    "end_reason": "End reason",
}
REQUIRED = ("reference", "contract", "unit", "effective_from", "rate", "units_per_week", "funded_by")
NHS_HEADING = re.compile(r"\bnhs\b|nhs ?(no|number|num)", re.IGNORECASE)
BIRTH_HEADING = re.compile(r"\bdob\b|d\.o\.b|birth|\bborn\b", re.IGNORECASE)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


@dataclass
class ImportResult:
    packages_placed: int = 0
    changes: int = 0
    ends: int = 0
    rows_already_loaded: int = 0
    dry_run: bool = False


@dataclass(frozen=True)
class _Row:
    number: int
    reference: str
    contract: Contract
    unit: str
    effective_from: date
    pence_per_unit: int
    units_per_week: Decimal
    funding: list[ShareSpec]
    end_date: date | None
    end_reason: str


def read_rows(path: Path, filename: str) -> list[tuple[int, list]]:
    try:
        facts = file_facts(path, filename)
        with file_rows(path, facts.kind) as rows:
            return [(number, cells) for number, cells in rows if any(str(cell).strip() for cell in cells)]
    except LedgerFileError as exc:
        raise CommissioningError(str(exc), field="file") from None


def parse_date(value) -> date:
    if isinstance(value, date):
        return value
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(str(value).strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError


def identifier_problems(headings: list[str], body: list[tuple[int, list]]) -> list[Problem]:
    problems = []
    for column, heading in enumerate(headings):
        if NHS_HEADING.search(heading) or BIRTH_HEADING.search(heading):
            what = "an NHS number" if NHS_HEADING.search(heading) else "a date of birth"
            problems.append(Problem(f"column “{heading}” is headed as {what}: remove it, the file must carry "
                                    "pseudonymous package references only", "file"))
            continue
        for number, cells in body:
            if column < len(cells) and is_nhs_number(str(cells[column])):
                problems.append(Problem(f"column “{heading}” holds an NHS number (row {number}): remove the column, "
                                        "the file must carry pseudonymous package references only", "file"))
                break
    return problems


def mapped_rows(path: Path, filename: str, mapping: Mapping[str, str],
                required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """The file's rows after its headings, each as its number and its values by field (``""`` where the file has
    no column for a field); refused when the file is empty, carries a person's identifier or lacks a column of
    ``required``."""
    rows = read_rows(path, filename)
    if not rows:
        raise CommissioningError("the file has no rows", field="file")
    (_, headings), body = rows[0], rows[1:]
    headings = [str(heading).strip() for heading in headings]
    problems = identifier_problems(headings, body)
    columns = {heading_key(heading): position for position, heading in enumerate(headings)}
    missing = [mapping[name] for name in required if heading_key(mapping[name]) not in columns]
    if missing:
        problems.append(Problem(f"the file has no column {', '.join(f'“{name}”' for name in missing)}", "mapping"))
    if problems:
        raise CommissioningError(problems)
    positions = {name: columns.get(heading_key(heading)) for name, heading in mapping.items()}
    return [(number, {name: cells[position] if position is not None and position < len(cells) else ""
                      for name, position in positions.items()}) for number, cells in body]


def _funding(text: str, parties: Mapping[str, object]) -> list[ShareSpec]:
    """``Hampshire County Council`` or ``NHS Hampshire ICB=60; Hampshire County Council=40`` (percentages)."""
    shares = []
    parts = [part.strip() for part in text.split(";") if part.strip()]
    for part in parts:
        name, equals, percent = part.rpartition("=") if "=" in part else (part, "", "100")
        party = parties.get(heading_key(name))
        if party is None:
            raise ValueError(f"“{name.strip()}” is not a partner of the agreement")
        points = Decimal(percent.strip().rstrip("%")) * 100
        if points != points.to_integral_value():
            raise ValueError(f"the share “{percent}” has more than two decimal places")
        shares.append(ShareSpec(party, int(points)))
    if not shares:
        raise ValueError("name the partner funding the package")
    return shares


def _row(number: int, values: Mapping[str, str], contracts, parties) -> tuple[_Row | None, list[str]]:
    problems = []
    reference = str(values.get("reference", "")).strip()
    contract = contracts.get(str(values.get("contract", "")).strip())
    if contract is None:
        problems.append(f"no contract “{values.get('contract', '')}” under this agreement")
    unit = str(values.get("unit", "")).strip().lower()
    if unit not in RateUnit.values:
        problems.append(f"the unit “{values.get('unit', '')}” is not one of hour, week, night or band")
    try:
        effective_from = parse_date(values.get("effective_from", ""))
    except ValueError:
        effective_from = None
        problems.append(f"the date “{values.get('effective_from', '')}” is not a date (write 2024-04-01 or 01/04/2024)")
    try:
        pence = parse_pence(str(values.get("rate", "")))
    except MoneyError:
        pence = None
        problems.append(f"the rate “{values.get('rate', '')}” is not an amount in pounds and pence")
    try:
        units = Decimal(str(values.get("units_per_week", "")).strip())
    except InvalidOperation:
        units = None
        problems.append(f"the units a week “{values.get('units_per_week', '')}” is not a number")
    try:
        funding = _funding(str(values.get("funded_by", "")), parties)
    except (ValueError, InvalidOperation) as exc:
        funding = []
        problems.append(f"funded by: {exc}" if str(exc) else "funded by: a share is not a percentage")
    end_date, end_reason = None, str(values.get("end_reason", "")).strip().lower().replace(" ", "_")
    if str(values.get("end_date", "")).strip():
        try:
            end_date = parse_date(values["end_date"])
        except ValueError:
            problems.append(f"the end date “{values['end_date']}” is not a date")
        if end_reason not in EndReason.values:
            problems.append(f"the end reason “{values.get('end_reason', '')}” is not one of "
                            f"{', '.join(EndReason.values)}")
    if problems:
        return None, problems
    return _Row(number, reference, contract, unit, effective_from, pence, units, funding, end_date, end_reason), []


def packages_import(
    *, actor, agreement: Agreement, path: Path, filename: str = "", mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Load the packages of ``path`` into ``agreement``, all or nothing; with ``dry_run``, check every row and
    say what would be loaded, saving nothing. A refusal lists every problem, each naming its row."""
    body = mapped_rows(path, filename, {**DEFAULT_MAPPING, **(mapping or {})}, REQUIRED)
    problems = []
    contracts = {contract.reference: contract for contract in
                 Contract.objects.filter(schedule__agreement=agreement).select_related("schedule")}
    parties = {}
    for party in agreement.parties.select_related("organisation"):
        parties[heading_key(party.name_in_agreement)] = party
        parties.setdefault(heading_key(party.organisation.name), party)
    parsed: list[_Row] = []
    for number, values in body:
        row, row_problems = _row(number, values, contracts, parties)
        problems += [Problem(f"row {number}: {problem}", "file") for problem in row_problems]
        if row is not None:
            parsed.append(row)
    if problems:
        raise CommissioningError(problems)
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        problems = _load(actor, agreement, parsed, result)
        if problems:
            raise CommissioningError(problems)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _load(actor, agreement: Agreement, rows: list[_Row], result: ImportResult) -> list[Problem]:
    """Place, change and end the packages of ``rows``, each act in its own savepoint so that every row's refusal
    is heard; the caller rolls everything back when any is refused."""
    problems = []
    by_reference: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_reference[row.reference].append(row)
    for reference, versions in by_reference.items():
        versions.sort(key=lambda row: row.effective_from)
        package = Package.objects.filter(agreement=agreement, reference=reference).first()
        have = {version.effective_from: (version.pence_per_unit, version.units_per_week)
                for version in package.versions.all()} if package else {}
        for row in versions:
            try:
                if have.get(row.effective_from, (row.pence_per_unit, row.units_per_week)) != (
                        row.pence_per_unit, row.units_per_week):
                    problems.append(Problem(f"row {row.number}: {reference}'s version from "
                                            f"{row.effective_from:%-d %B %Y} is already loaded with other terms: "
                                            "record a change from a later date instead", "file"))
                elif row.effective_from in have:
                    result.rows_already_loaded += 1
                elif package is None:
                    package = package_create(actor=actor, contract=row.contract, reference=reference,
                                             unit=row.unit, effective_from=row.effective_from,
                                             pence_per_unit=row.pence_per_unit, units_per_week=row.units_per_week,
                                             funding=row.funding)
                    result.packages_placed += 1
                else:
                    package_change(actor=actor, package=package, effective_from=row.effective_from,
                                   pence_per_unit=row.pence_per_unit, units_per_week=row.units_per_week)
                    result.changes += 1
                if row.end_date is not None and package.end_date is None:
                    package = package_end(actor=actor, package=package, end_date=row.end_date,
                                          end_reason=row.end_reason)
                    result.ends += 1
            except CommissioningError as error:
                problems += [Problem(f"row {row.number}: {problem}", "file") for problem in error.problems]
                if package is None:
                    break
    return problems
