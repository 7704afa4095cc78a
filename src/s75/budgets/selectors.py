"""Reads of budgets: the financial schedule of an agreement for a year (from the database, or from an agreement
document as a variation recorded it), the years it has figures for, and instalments with what has been received
against them."""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from s75.agreements.models import Agreement, FundingType, Party
from s75.agreements.selectors import agreements_visible_to
from s75.core.fiscal import FinancialYear, financial_years_between
from s75.core.money import parse_pence

from .models import Contribution, Instalment


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


class InstalmentStatus(models.TextChoices):
    """Where an instalment stands on a day: paid in full; overdue (its due date has passed and something is
    still outstanding); part paid (something received, not yet overdue); due (nothing received, not yet
    overdue)."""

    PAID = "paid", "Paid"
    OVERDUE = "overdue", "Overdue"
    PART_PAID = "part_paid", "Part paid"
    DUE = "due", "Due"


def instalment_status(*, amount_pence: int, received_pence: int, due_on: date, today: date) -> InstalmentStatus:
    if received_pence >= amount_pence:
        return InstalmentStatus.PAID
    if due_on < today:
        return InstalmentStatus.OVERDUE
    return InstalmentStatus.PART_PAID if received_pence else InstalmentStatus.DUE


@dataclass(frozen=True)
class InstalmentRow:
    """An instalment with what has been received against it, in pence, and its status on the day asked about."""

    instalment: Instalment
    received_pence: int
    status: InstalmentStatus
    days_overdue: int

    @property
    def outstanding_pence(self) -> int:
        return self.instalment.amount_pence - self.received_pence


def _with_received(instalments: QuerySet[Instalment]) -> QuerySet[Instalment]:
    return instalments.annotate(
        received_pence=Coalesce(Sum("receipts__amount_pence"), Value(0), output_field=models.BigIntegerField())
    )


def _rows(instalments, today: date) -> list[InstalmentRow]:
    rows = []
    for instalment in instalments:
        status = instalment_status(amount_pence=instalment.amount_pence, received_pence=instalment.received_pence,
                                   due_on=instalment.due_on, today=today)
        days = (today - instalment.due_on).days if status == InstalmentStatus.OVERDUE else 0
        rows.append(InstalmentRow(instalment, instalment.received_pence, status, days))
    return rows


@dataclass(frozen=True)
class InstalmentSchedule:
    """One partner's instalments for one year, with totals and its pooled contributions to compare them with."""

    party: Party
    year: FinancialYear
    rows: list[InstalmentRow]
    contributions_pence: int

    @property
    def amount_pence(self) -> int:
        return sum(row.instalment.amount_pence for row in self.rows)

    @property
    def received_pence(self) -> int:
        return sum(row.received_pence for row in self.rows)

    @property
    def outstanding_pence(self) -> int:
        return self.amount_pence - self.received_pence

    @property
    def matches_contributions(self) -> bool:
        return self.amount_pence == self.contributions_pence


def agreement_instalments(*, agreement: Agreement, today: date) -> list[InstalmentSchedule]:
    """Every instalment of the agreement, a schedule per year and partner (years in order, partners in the
    agreement's order), each instalment with what has been received and its status on ``today``."""
    instalments = _with_received(
        Instalment.objects.filter(party__agreement=agreement).select_related("party", "funding_stream")
    ).order_by("financial_year", "party__position", "party_id", "number")
    contributions = {
        (row["party_id"], row["financial_year"]): row["total"]
        for row in Contribution.objects.filter(schedule__agreement=agreement, schedule__funding_type=FundingType.POOLED)
        .values("party_id", "financial_year").annotate(total=Sum("amount_pence"))
    }
    schedules: dict[tuple[int, int], list[InstalmentRow]] = {}
    parties: dict[int, Party] = {}
    for row in _rows(instalments, today):
        key = (row.instalment.financial_year, row.instalment.party_id)
        schedules.setdefault(key, []).append(row)
        parties[row.instalment.party_id] = row.instalment.party
    return [
        InstalmentSchedule(parties[party_id], FinancialYear(year), rows, contributions.get((party_id, year), 0))
        for (year, party_id), rows in schedules.items()
    ]


@dataclass(frozen=True)
class InstalmentYear:
    """The partners' instalment schedules of one year, in the agreement's order of partners, with their totals."""

    year: FinancialYear
    schedules: list[InstalmentSchedule]

    @property
    def amount_pence(self) -> int:
        return sum(schedule.amount_pence for schedule in self.schedules)

    @property
    def received_pence(self) -> int:
        return sum(schedule.received_pence for schedule in self.schedules)

    @property
    def outstanding_pence(self) -> int:
        return sum(schedule.outstanding_pence for schedule in self.schedules)


def instalments_by_year(schedules: list[InstalmentSchedule]) -> list[InstalmentYear]:
    """``agreement_instalments``'s schedules a year at a time, years in order."""
    years: dict[FinancialYear, list[InstalmentSchedule]] = {}
    for schedule in schedules:
        years.setdefault(schedule.year, []).append(schedule)
    return [InstalmentYear(year, each) for year, each in sorted(years.items())]


def instalment_get(*, user, agreement: Agreement, pk: int) -> Instalment:
    """An instalment of an agreement the user may see; ``Instalment.DoesNotExist`` otherwise."""
    return Instalment.objects.select_related("party__agreement", "funding_stream").get(
        pk=pk, party__agreement=agreement, party__agreement__in=agreements_visible_to(user=user)
    )


def instalment_row(*, instalment: Instalment, today: date) -> InstalmentRow:
    return _rows(_with_received(Instalment.objects.filter(pk=instalment.pk)).select_related("party"), today)[0]


def instalments_overdue(*, user, today: date) -> list[InstalmentRow]:
    """Every instalment the user may see whose due date has passed with money still outstanding, oldest first."""
    instalments = _with_received(
        Instalment.objects.filter(due_on__lt=today, party__agreement__in=agreements_visible_to(user=user))
        .select_related("party__agreement", "funding_stream")
    ).filter(received_pence__lt=F("amount_pence"))
    return _rows(instalments.order_by("due_on", "party__agreement__title", "party__position", "number"), today)
