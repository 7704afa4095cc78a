"""Reads of budgets: the financial schedule of an agreement for a year, and the years it has figures for."""

from dataclasses import dataclass

from django.db.models import Sum

from s75.agreements.models import Agreement, Party
from s75.core.fiscal import FinancialYear, financial_years_between

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
