"""Writes for contributions: a partner's contribution to a schedule (a change to the agreement, so a variation once
it is in force), and contributions in practice: instalment schedules and receipts against them.

When the agreement has a pooled fund, each instalment's receivable and each receipt is posted to its ledger in the
same transaction, through the hook of ``postings`` (the ledger says how it posts them); instalments set, or
receipts recorded, before the fund was opened are posted when it is.

Every operation is one transaction with its audit records; a refusal says every reason and changes nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from s75.agreements.models import Agreement, FundingType, Party, Schedule
from s75.agreements.services import ChangeRefused, VariationDetails, agreement_change
from s75.audit.services import audit_record, snapshot
from s75.core.errors import Problem, ServiceError
from s75.core.fiscal import FinancialYear, financial_years_between
from s75.core.money import format_gbp, is_pence, split_largest_remainder
from s75.core.users import acting_user

from .models import Contribution, FundingStream, Instalment, Receipt
from .postings import ledger_postings


class InstalmentError(ServiceError):
    """A refused instalment schedule or receipt; ``problems`` says every reason in words a finance officer can
    act on."""


# Due dates of the named patterns, as (month, day) in financial-year order. A pattern is configurable: pass
# ``pattern`` a list of (due date, share) pairs for any other timetable.
PATTERNS: dict[str, tuple[tuple[int, int], ...]] = {
    "quarterly": ((4, 1), (7, 1), (10, 1), (1, 1)),
    "monthly": tuple((month, 1) for month in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)),
    "annual": ((4, 1),),
}
PATTERN_LABELS = {
    "quarterly": "Four equal quarterly instalments (1 April, 1 July, 1 October, 1 January)",
    "monthly": "Twelve equal monthly instalments (on the 1st of each month)",
    "annual": "One instalment on 1 April",
}

Pattern = str | Sequence[tuple[date, int | Decimal | Fraction]]


@dataclass(frozen=True)
class InstalmentPlan:
    due_on: date
    amount_pence: int


def pattern_due_dates(*, pattern: str, year: FinancialYear) -> list[tuple[date, int]]:
    """The due dates of a named pattern in a financial year, each with an equal share."""
    if pattern not in PATTERNS:
        raise InstalmentError(f"{pattern!r} is not a pattern: choose one of {', '.join(PATTERNS)}", field="pattern")
    return [
        (date(year.start_year if month >= 4 else year.start_year + 1, month, day), 1)
        for month, day in PATTERNS[pattern]
    ]


def instalments_plan(*, total_pence: int, pattern: Pattern, year: FinancialYear) -> list[InstalmentPlan]:
    """Split ``total_pence`` over the pattern's due dates by the largest-remainder method: the instalments add up
    to the total exactly, the odd pennies going to the earliest instalments (of the largest shares). An
    instalment that would be nothing (a total of fewer pence than instalments) is left out."""
    dated = pattern_due_dates(pattern=pattern, year=year) if isinstance(pattern, str) else list(pattern)
    problems = []
    if not dated:
        problems.append("the pattern has no due dates")
    if len({due_on for due_on, _ in dated}) != len(dated):
        problems.append("two instalments fall due on the same date: give each a different date")
    for due_on, share in dated:
        if isinstance(share, float) or Fraction(share) < 0:
            problems.append(f"the share due on {due_on:%-d %B %Y} must be a whole number or a decimal, not negative")
    if not problems and sum(Fraction(share) for _, share in dated) == 0:
        problems.append("the shares add up to nothing")
    if problems:
        raise InstalmentError(problems, field="pattern")
    dated.sort(key=lambda pair: pair[0])
    amounts = split_largest_remainder(total_pence, [share for _, share in dated])
    return [InstalmentPlan(due_on, amount) for (due_on, _), amount in zip(dated, amounts, strict=True) if amount]


def _term_end_with_extensions(agreement: Agreement) -> date:
    months = agreement.end_date.month + agreement.extension_months_available
    year, month = agreement.end_date.year + (months - 1) // 12, (months - 1) % 12 + 1
    return date(year, month, 1)


def contribution_set(
    *, actor, schedule: Schedule, party: Party, financial_year: int, funding_stream: FundingStream, amount_pence: int,
    variation: VariationDetails | None = None,
) -> Contribution | None:
    """Set a partner's contribution to a schedule for a year and stream; zero removes it."""
    if not is_pence(amount_pence):
        raise ChangeRefused("a contribution must be a whole number of pence", field="amount_pence")
    if amount_pence < 0:
        raise ChangeRefused("a contribution cannot be negative", field="amount_pence")
    with agreement_change(agreement=schedule.agreement, actor=actor, variation=variation) as locked:
        problems = [] if party.agreement_id == locked.pk else [Problem(f"{party} is not a party to this agreement",
                                                                       "party")]
        years = financial_years_between(locked.start_date, _term_end_with_extensions(locked))
        if FinancialYear(financial_year) not in years:
            problems.append(Problem(f"{FinancialYear(financial_year).label} is outside the agreement's term "
                                    f"({years[0].label} to {years[-1].label}, with any extension)", "financial_year"))
        if problems:
            raise ChangeRefused(problems)
        existing = Contribution.objects.select_for_update().filter(
            schedule=schedule, party=party, financial_year=financial_year, funding_stream=funding_stream
        ).first()
        before = snapshot(existing) if existing else None
        if amount_pence == 0:
            if existing is None:
                return None
            audit_record(actor=actor, action="contribution_remove", obj=existing, agreement=locked, before=before)
            existing.delete()
            return None
        if existing is None:
            existing = Contribution(
                schedule=schedule, party=party, financial_year=financial_year, funding_stream=funding_stream,
                created_by=acting_user(actor),
            )
        existing.amount_pence = amount_pence
        existing.modified_by = acting_user(actor)
        existing.save()
        audit_record(actor=actor, action="contribution_set", obj=existing, agreement=locked, before=before,
                     after=snapshot(existing))
    return existing


def contribution_total(*, party: Party, year: FinancialYear, funding_stream: FundingStream | None = None) -> int:
    """What the partner puts into the pool for the year: its contributions to pooled schedules, in pence."""
    contributions = Contribution.objects.filter(
        party=party, financial_year=year.start_year, schedule__funding_type=FundingType.POOLED
    )
    if funding_stream is not None:
        contributions = contributions.filter(funding_stream=funding_stream)
    return contributions.aggregate(total=Sum("amount_pence"))["total"] or 0


def _schedule_problems(
    agreement: Agreement, party: Party, year: FinancialYear, stream: FundingStream | None
) -> list[str]:
    problems = []
    if party.agreement_id != agreement.pk:
        problems.append(Problem(f"{party} is not a party to this agreement", "party"))
    existing = Instalment.objects.filter(party=party, financial_year=year.start_year)
    if stream is None and existing.exists():
        problems.append(Problem(f"{party} already has instalments for {year.label}: replace them instead", "replace"))
    elif stream is not None and existing.filter(funding_stream__isnull=True).exists():
        problems.append(Problem(f"{party}'s {year.label} instalments already cover every funding stream: replace "
                                "them instead", "replace"))
    elif stream is not None and existing.filter(funding_stream=stream).exists():
        problems.append(Problem(f"{party} already has {stream} instalments for {year.label}: replace them instead",
                                "replace"))
    return problems


def _instalments_remove(*, actor, agreement: Agreement, instalments: list[Instalment], reason: str) -> None:
    """Take instalments away (nothing received against them): reverse their receivables, then delete them."""
    received = [instalment for instalment in instalments if instalment.receipts.exists()]
    if received:
        raise InstalmentError(
            f"money has been received against {', '.join(f'instalment {i.number}' for i in received)}: "
            "instalments with receipts cannot be replaced", field="replace",
        )
    for instalment in instalments:
        ledger_postings().withdrawn(actor=actor, instalment=instalment, reason=reason)
        audit_record(actor=actor, action="instalment_remove", obj=instalment, agreement=agreement,
                     before=snapshot(instalment, "financial_year", "number", "due_on", "amount_pence"), reason=reason)
        instalment.delete()


def instalment_set(
    *, actor, agreement: Agreement, party: Party, financial_year: int | FinancialYear, pattern: Pattern = "quarterly",
    funding_stream: FundingStream | None = None, replace: bool = False,
) -> list[Instalment]:
    """Set a partner's instalments for a year: its pooled contributions (one stream, or all) split over
    ``pattern`` by the largest-remainder method, so that they add up exactly.

    ``pattern`` is a named timetable (``quarterly``, the default: four equal instalments due 1 April, 1 July,
    1 October and 1 January; ``monthly``; ``annual``) or any list of ``(due date, share)`` pairs, so each
    agreement's own terms can be followed. With ``replace``, the partner's existing instalments for the year (of
    that stream) are replaced, their receivables reversed, provided nothing has been received against them.
    Where the agreement has a fund, each instalment's receivable is posted to the period it falls due in.
    """
    year = financial_year if isinstance(financial_year, FinancialYear) else FinancialYear(financial_year)
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        existing = list(
            Instalment.objects.select_for_update().filter(party=party, financial_year=year.start_year)
            .filter(**({} if funding_stream is None else {"funding_stream": funding_stream}))
        )
        if replace and existing:
            _instalments_remove(actor=actor, agreement=agreement, instalments=existing,
                                reason=f"replaced by a new {year.label} instalment schedule")
        problems = _schedule_problems(agreement, party, year, funding_stream)
        total = contribution_total(party=party, year=year, funding_stream=funding_stream)
        if total == 0 and not problems:
            stream = f" from {funding_stream}" if funding_stream else ""
            problems.append(Problem(f"{party} has no contribution{stream} to a pooled schedule for {year.label}: "
                                    "set its contributions first", "financial_year"))
        plans = instalments_plan(total_pence=total, pattern=pattern, year=year) if not problems else []
        outside = [plan.due_on for plan in plans if not agreement.start_date <= plan.due_on <= agreement.end_date]
        if outside:
            problems.append(Problem(f"{', '.join(f'{day:%-d %B %Y}' for day in outside)} "
                                    f"{'is' if len(outside) == 1 else 'are'} outside the agreement's term "
                                    f"({agreement.start_date:%-d %B %Y} to {agreement.end_date:%-d %B %Y})",
                                    "financial_year"))
        if problems:
            raise InstalmentError(problems)
        first_number = (
            Instalment.objects.filter(party=party, financial_year=year.start_year).order_by("-number")
            .values_list("number", flat=True).first() or 0
        ) + 1
        user = acting_user(actor)
        instalments = [
            Instalment.objects.create(
                party=party, financial_year=year.start_year, number=first_number + index, due_on=plan.due_on,
                amount_pence=plan.amount_pence, funding_stream=funding_stream, created_by=user, modified_by=user,
            )
            for index, plan in enumerate(plans)
        ]
        audit_record(
            actor=actor, action="instalment_set", obj=party, agreement=agreement,
            after={"year": year.label, "pattern": pattern if isinstance(pattern, str) else "custom",
                   "funding_stream": str(funding_stream or "all"), "total_pence": total,
                   "instalments": [[f"{i.due_on:%Y-%m-%d}", i.amount_pence] for i in instalments]},
        )
        for instalment in instalments:
            ledger_postings().due(actor=actor, instalment=instalment)
    return instalments


def instalments_generate(
    *, actor, agreement: Agreement, party: Party, financial_year: int | FinancialYear, pattern: Pattern = "quarterly",
    funding_stream: FundingStream | None = None,
) -> list[Instalment]:
    """Generate a partner's instalments for a year: four equal quarterly instalments by default (due 1 April,
    1 July, 1 October and 1 January); the pattern is configurable (``monthly``, ``annual`` or a list of
    ``(due date, share)`` pairs). See :func:`instalment_set`, which this calls."""
    return instalment_set(actor=actor, agreement=agreement, party=party, financial_year=financial_year,
                          pattern=pattern, funding_stream=funding_stream)


def instalment_received_pence(instalment: Instalment) -> int:
    return instalment.receipts.aggregate(total=Sum("amount_pence"))["total"] or 0


def receipt_record(
    *, actor, instalment: Instalment, received_on: date, amount_pence: int, reference: str = "",
) -> Receipt:
    """Record money received from a partner against an instalment, and post it to the fund's ledger if there is
    one (Dr cash, Cr the partner's contributions receivable, in the period of the receipt date).

    A receipt may pay part of an instalment; it may not pay more than is outstanding (record the rest against
    the next instalment), be dated in the future, or repeat a reference already recorded for the instalment.
    """
    reference = reference.strip()
    with transaction.atomic():
        # The agreement's row before the instalment's, in the order setting instalments and posting take them.
        Agreement.objects.select_for_update().get(pk=instalment.party.agreement_id)
        instalment = (
            Instalment.objects.select_for_update(of=("self",)).select_related("party__agreement").get(pk=instalment.pk)
        )
        agreement = instalment.party.agreement
        problems = []
        if not is_pence(amount_pence):
            problems.append(Problem("the amount must be a whole number of pence", "amount_pence"))
        elif amount_pence <= 0:
            problems.append(Problem("the amount received must be more than nothing", "amount_pence"))
        else:
            outstanding = instalment.amount_pence - instalment_received_pence(instalment)
            if outstanding == 0:
                problems.append(Problem(f"instalment {instalment.number} has been paid in full", "amount_pence"))
            elif amount_pence > outstanding:
                problems.append(Problem(
                    f"the amount is more than the {format_gbp(outstanding, show_pence=True)} outstanding on "
                    f"instalment {instalment.number}: record the rest against the next instalment", "amount_pence",
                ))
        if received_on > timezone.localdate():
            problems.append(Problem(f"the receipt date {received_on:%-d %B %Y} is in the future", "received_on"))
        if reference and instalment.receipts.filter(reference=reference).exists():
            problems.append(Problem(f"a receipt with the reference {reference} is already recorded for this "
                                    "instalment", "reference"))
        if problems:
            raise InstalmentError(problems)
        user = acting_user(actor)
        receipt = Receipt.objects.create(
            instalment=instalment, received_on=received_on, amount_pence=amount_pence, reference=reference,
            created_by=user, modified_by=user,
        )
        audit_record(actor=actor, action="receipt_record", obj=receipt, agreement=agreement,
                     after=snapshot(receipt, "instalment_id", "received_on", "amount_pence", "reference"))
        ledger_postings().received(actor=actor, receipt=receipt)
    return receipt
