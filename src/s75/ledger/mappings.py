"""How a finance system's export maps to a fund: which column holds each field (column mappings, saved by name)
and which schedule each cost centre's spend belongs to (the cost-centre mapping)."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from s75.agreements.models import Schedule
from s75.audit.services import audit_record
from s75.core.users import acting_user

from .import_files import heading_key
from .models import ColumnMapping, CostCentreMapping, Fund
from .services import LedgerError

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
# The longest text a field may hold (as the ledger's columns do).
MAX_LENGTHS = {"cost_centre": 50, "subjective": 50, "description": 500, "source_line_id": 100}


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


def mappings_version(*, fund: Fund, mapping: ColumnMapping) -> dict[str, str]:
    """A fingerprint of the column mapping and of the fund's cost-centre mapping as they stand, each: a file checked
    with one pair of versions is posted from its check only while both still hold."""

    def digest(value) -> str:
        return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()

    cost_centres = sorted(fund.cost_centres.values_list("cost_centre", "schedule_id"))
    return {"column_mapping": digest([mapping.pk, mapping.name, mapping.columns]),
            "cost_centres": digest(cost_centres)}


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
