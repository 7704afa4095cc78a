"""Loading a lead commissioner's providers, and its contracts with their rates, from CSV or XLSX files as a
council's case-management or contracts system exports them, beside the package import (``importing``), whose
reading, column mapping and refusal of any personal identifier they share.

A provider file has a row per provider; a contract file a row per rate, the contract's own columns repeated on
each of its rows. Each load is all or nothing: every bad row is named with its number and reason and nothing is
saved. Each is idempotent: a provider already registered under the same name with the same details, or a contract
already placed with the same terms and rates, is counted, not loaded again; one registered with other details is a
problem of its row.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from s75.agreements.models import Agreement
from s75.core.errors import Problem
from s75.core.money import MoneyError, parse_pence

from .importing import mapped_rows, parse_date
from .models import Contract, Provider, ProviderType, RateUnit
from .services import (
    CommissioningError,
    RateSpec,
    contract_create,
    provider_create,
)

PROVIDER_MAPPING = {
    "name": "Provider",
    "provider_type": "Type",
    "companies_house_number": "Companies House number",
    "cqc_id": "CQC id",
    "framework_lot": "Framework lot",
}
PROVIDER_REQUIRED = ("name", "provider_type")
CONTRACT_MAPPING = {
    "reference": "Contract",
    "schedule": "Schedule",
    "provider": "Provider",
    "start_date": "Start",
    "end_date": "End",
    "ceiling": "Ceiling value",
    "unit": "Rate unit",
    "band_name": "Band",
    "rate": "Rate",
}
CONTRACT_REQUIRED = ("reference", "schedule", "provider", "start_date", "end_date", "ceiling", "unit", "rate")
# A provider's type as systems write it: ``home_care``, ``home care`` or ``Care at home``.
TYPE_WORDS = {word: value for value, label in ProviderType.choices
              for word in (value, value.replace("_", " "), label.lower())}


@dataclass
class LoadResult:
    """What a load placed and what it found already loaded; ``dry_run``: nothing was saved."""

    loaded: int = 0
    already_loaded: int = 0
    dry_run: bool = False


def _text(values: Mapping[str, object], name: str) -> str:
    return str(values.get(name, "") or "").strip()


def _saved(load, problems: list[Problem], dry_run: bool):
    """Run ``load`` (which adds to ``problems``) in one transaction, undone when there are problems or on a dry
    run."""
    with transaction.atomic():
        result = load()
        if problems:
            raise CommissioningError(problems)
        if dry_run:
            transaction.set_rollback(True)
    return result


def providers_import(*, actor, path: Path, filename: str = "", mapping: Mapping[str, str] | None = None,
                     dry_run: bool = False) -> LoadResult:
    """Register the providers of ``path``, all or nothing; with ``dry_run``, check every row and save nothing."""
    body = mapped_rows(path, filename, {**PROVIDER_MAPPING, **(mapping or {})}, PROVIDER_REQUIRED)
    problems: list[Problem] = []
    result = LoadResult(dry_run=dry_run)
    seen: dict[str, int] = {}

    def load() -> LoadResult:
        for number, values in body:
            name = _text(values, "name")
            provider_type = TYPE_WORDS.get(_text(values, "provider_type").lower(), "")
            details = {"provider_type": provider_type,
                       "companies_house_number": _text(values, "companies_house_number").upper(),
                       "cqc_id": _text(values, "cqc_id"), "framework_lot": _text(values, "framework_lot")}
            if name.lower() in seen:
                problems.append(Problem(f"row {number}: {name} is on row {seen[name.lower()]} too", "file"))
                continue
            seen[name.lower()] = number
            if not provider_type:
                problems.append(Problem(f"row {number}: the type “{_text(values, 'provider_type')}” is not one of "
                                        f"{', '.join(label.lower() for label in ProviderType.labels)}", "file"))
                continue
            existing = Provider.objects.filter(name__iexact=name).first() if name else None
            if existing is not None:
                if {field: getattr(existing, field) for field in details} != details:
                    problems.append(Problem(f"row {number}: {name} is already registered with other details: "
                                            "change it on its record, not by a file", "file"))
                else:
                    result.already_loaded += 1
                continue
            try:
                provider_create(actor=actor, name=name, **details)
            except CommissioningError as error:
                problems.extend(Problem(f"row {number}: {problem}", "file") for problem in error.problems)
            else:
                result.loaded += 1
        return result

    return _saved(load, problems, dry_run)


@dataclass(frozen=True)
class _ContractRow:
    number: int
    schedule: object
    provider: Provider
    start_date: date
    end_date: date
    ceiling_pence: int
    rate: RateSpec


def _contract_row(number: int, values, schedules, providers) -> tuple[_ContractRow | None, list[str]]:
    problems = []
    schedule = schedules.get(_text(values, "schedule"))
    if schedule is None:
        problems.append(f"no schedule “{_text(values, 'schedule')}” in this agreement (give its number)")
    provider = providers.get(_text(values, "provider").lower())
    if provider is None:
        problems.append(f"no provider “{_text(values, 'provider')}” is registered: load the providers first")
    dates = {}
    for field, words in (("start_date", "start"), ("end_date", "end")):
        try:
            dates[field] = parse_date(values.get(field, ""))
        except ValueError:
            problems.append(f"the {words} “{_text(values, field)}” is not a date (write 2024-04-01 or 01/04/2024)")
    amounts = {}
    for field, words in (("ceiling", "ceiling value"), ("rate", "rate")):
        try:
            amounts[field] = parse_pence(_text(values, field))
        except MoneyError:
            problems.append(f"the {words} “{_text(values, field)}” is not an amount in pounds and pence")
    unit = _text(values, "unit").lower()
    if unit not in RateUnit.values:
        problems.append(f"the rate unit “{_text(values, 'unit')}” is not one of hour, week, night or band")
    if problems:
        return None, problems
    return _ContractRow(number, schedule, provider, dates["start_date"], dates["end_date"], amounts["ceiling"],
                        RateSpec(unit, amounts["rate"], _text(values, "band_name"))), []


def _terms(row: _ContractRow) -> tuple:
    return row.schedule.pk, row.provider.pk, row.start_date, row.end_date, row.ceiling_pence


def contracts_import(*, actor, agreement: Agreement, path: Path, filename: str = "",
                     mapping: Mapping[str, str] | None = None, dry_run: bool = False) -> LoadResult:
    """Place the contracts of ``path`` (a row per rate) under ``agreement``'s schedules, all or nothing; with
    ``dry_run``, check every row and save nothing."""
    body = mapped_rows(path, filename, {**CONTRACT_MAPPING, **(mapping or {})}, CONTRACT_REQUIRED)
    schedules = {str(schedule.number): schedule for schedule in agreement.schedules.all()}
    providers = {provider.name.lower(): provider for provider in Provider.objects.all()}
    problems: list[Problem] = []
    by_reference: dict[str, list[_ContractRow]] = defaultdict(list)
    for number, values in body:
        row, row_problems = _contract_row(number, values, schedules, providers)
        problems += [Problem(f"row {number}: {problem}", "file") for problem in row_problems]
        if row is not None:
            by_reference[_text(values, "reference")].append(row)
    for reference, rows in by_reference.items():
        for row in rows[1:]:
            if _terms(row) != _terms(rows[0]):
                problems.append(Problem(f"row {row.number}: contract {reference}'s schedule, provider, dates or "
                                        f"ceiling differ from its row {rows[0].number}", "file"))
    if problems:
        raise CommissioningError(problems)
    result = LoadResult(dry_run=dry_run)

    def load() -> LoadResult:
        for reference, rows in by_reference.items():
            first = rows[0]
            rates = [row.rate for row in rows]
            existing = Contract.objects.filter(schedule=first.schedule, reference=reference).first()
            if existing is not None:
                have = sorted((rate.unit, rate.band_name, rate.pence_per_unit) for rate in existing.rates.all())
                wanted = sorted((rate.unit, rate.band_name.strip(), rate.pence_per_unit) for rate in rates)
                if (existing.provider_id, existing.start_date, existing.end_date, existing.ceiling_pence,
                        have) != (first.provider.pk, first.start_date, first.end_date, first.ceiling_pence, wanted):
                    problems.append(Problem(f"row {first.number}: contract {reference} is already placed with other "
                                            "terms or rates", "file"))
                else:
                    result.already_loaded += 1
                continue
            try:
                contract_create(actor=actor, schedule=first.schedule, provider=first.provider, reference=reference,
                                start_date=first.start_date, end_date=first.end_date,
                                ceiling_pence=first.ceiling_pence, rates=rates)
            except CommissioningError as error:
                problems.extend(Problem(f"row {first.number}: {problem}", "file") for problem in error.problems)
            else:
                result.loaded += 1
        return result

    return _saved(load, problems, dry_run)
