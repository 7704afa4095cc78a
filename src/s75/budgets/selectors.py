"""Reads of budgets: the financial schedule of an agreement for a year (from the database, or from an agreement
document as a variation recorded it), and the years it has figures for."""

from dataclasses import dataclass

from django.db.models import Sum

from s75.agreements.models import Agreement, FundingType, Party
from s75.core.fiscal import FinancialYear, financial_years_between
from s75.core.money import parse_pence

from .models import Contribution


def agreement_years(*, agreement: Agreement) -> list[FinancialYear]:
    """Financial years in the term, plus any other year that has contributions recorded."""
    years = set(financial_years_between(agreement.start_date, agreement.end_date))
    recorded = Contribution.objects.filter(schedule__agreement=agreement).values_list("financial_year", flat=True)
    years.update(FinancialYear(year) for year in recorded)
    return sorted(years)


@dataclass
class FinancialScheduleRow:
    number: int
    title: str
    funding_type: str
    amounts: list[int | None]
    total: int


@dataclass
class FinancialSchedule:
    """Rows are schedules, columns are parties (in the agreement's order); all amounts in pence."""

    year: FinancialYear
    parties: list[Party]
    rows: list[FinancialScheduleRow]
    party_totals: list[int]
    total: int


def financial_schedule(*, agreement: Agreement, year: FinancialYear) -> FinancialSchedule:
    parties = list(agreement.parties.order_by("position", "id"))
    sums = {
        (row["schedule_id"], row["party_id"]): row["amount"]
        for row in Contribution.objects.filter(schedule__agreement=agreement, financial_year=year.start_year)
        .values("schedule_id", "party_id")
        .annotate(amount=Sum("amount_pence"))
    }
    rows = []
    for schedule in agreement.schedules.order_by("number"):
        amounts = [sums.get((schedule.pk, party.pk)) for party in parties]
        rows.append(FinancialScheduleRow(
            schedule.number, schedule.title, schedule.get_funding_type_display(), amounts,
            sum(amount or 0 for amount in amounts),
        ))
    party_totals = [sum(row.amounts[i] or 0 for row in rows) for i in range(len(parties))]
    return FinancialSchedule(year, parties, rows, party_totals, sum(party_totals))


@dataclass
class DocumentFinancialSchedule:
    """:class:`FinancialSchedule` read from an agreement document (what a variation recorded) rather than the
    database: columns are the document's parties, by the names the agreement gives them; amounts in pence."""

    year: FinancialYear
    party_names: list[str]
    rows: list[FinancialScheduleRow]
    party_totals: list[int]
    total: int


def document_financial_schedules(*, document: dict) -> list[DocumentFinancialSchedule]:
    """One financial schedule per year that ``document`` has contributions for, in year order."""
    codes = [party["organisation"] for party in document["parties"]]
    names = [party["name"] for party in document["parties"]]
    sums: dict[tuple[str, int, str], int] = {}
    for schedule in document["schedules"]:
        for contribution in schedule["contributions"]:
            key = (contribution["year"], schedule["number"], contribution["party"])
            sums[key] = sums.get(key, 0) + parse_pence(contribution["amount"])
    schedules = []
    for year in sorted({FinancialYear.parse(label) for label, _, _ in sums}):
        rows = []
        for schedule in document["schedules"]:
            amounts = [sums.get((year.label, schedule["number"], code)) for code in codes]
            rows.append(FinancialScheduleRow(
                schedule["number"], schedule["title"], FundingType(schedule["funding_type"]).label, amounts,
                sum(amount or 0 for amount in amounts),
            ))
        party_totals = [sum(row.amounts[i] or 0 for row in rows) for i in range(len(codes))]
        schedules.append(DocumentFinancialSchedule(year, names, rows, party_totals, sum(party_totals)))
    return schedules
