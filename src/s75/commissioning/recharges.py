"""Writes for the monthly recharge: posting a partner's month to the ledger, putting it right by a correcting
entry, and the partner's disputes of a month's lines.

A month is posted once it has ended, once for each partner (the database holds one standing recharge per
agreement, partner and month): Dr the partner's recharges receivable, Cr each schedule's expenditure, with the
statement's charged lines kept as :class:`RechargeLine` rows. It is never changed: a mistake is put right by
:func:`recharge_reverse`, a correcting entry, after which the month may be posted again.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from s75.agreements.models import Agreement, Party
from s75.audit.services import audit_record
from s75.core.errors import Problem
from s75.core.fiscal import FinancialMonth, FinancialYear
from s75.core.users import acting_user
from s75.ledger.models import AccountRole, EntryKind, Fund, Period, PeriodStatus
from s75.ledger.services import LineSpec, entry_post, entry_reverse, fund_open

from .costing import month_days
from .models import Dispute, DisputeOutcome, Package, Recharge, RechargeLine
from .selectors import LineStatus, recharge_standing, recharge_statement
from .services import CommissioningError


def _open_period_from(fund: Fund, month: FinancialMonth) -> Period | None:
    """The month's period, or the first open one after it when it is closed."""
    return (fund.periods.filter(status=PeriodStatus.OPEN, financial_year__gte=month.year.start_year)
            .exclude(financial_year=month.year.start_year, number__lt=month.month)
            .order_by("financial_year", "number").first())


@transaction.atomic
def recharge_post(*, actor, agreement: Agreement, party: Party, month: FinancialMonth, today: date) -> Recharge:
    """Post ``party``'s recharge for ``month`` (ended before ``today``) to the fund's ledger, once."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    problems = []
    if party.agreement_id != agreement.pk:
        problems.append(Problem(f"{party} is not a partner of this agreement", "party"))
    if month_days(month)[1] >= today:
        problems.append(Problem(f"{month} has not ended: a month is recharged once it is over", "month"))
    fund = Fund.objects.filter(agreement=agreement).first()
    if fund is None:
        problems.append("the agreement's ledger is not open: open the pooled fund's ledger first")
    period = _open_period_from(fund, month) if fund else None
    if fund and period is None:
        problems.append(Problem(f"the ledger has no open period for {month} or after", "month"))
    if recharge_standing(agreement=agreement, party=party, month=month):
        problems.append(Problem(f"{party}'s recharge for {month} is already posted: reverse it to post it again",
                                "month"))
    statement = recharge_statement(agreement=agreement, party=party, month=month) if not problems else None
    if statement is not None and statement.total_pence <= 0:
        problems.append(Problem(f"nothing is recharged to {party} for {month}", "month"))
    if problems:
        raise CommissioningError(problems)
    if not fund.accounts.filter(role=AccountRole.RECHARGES_RECEIVABLE, party=party).exists():
        fund_open(actor=actor, agreement=agreement)  # the chart's accounts added since the fund was opened
    charged = [line for line in statement.lines if line.charged]
    by_schedule: dict[int, int] = {}
    for line in charged:
        schedule_id = line.package.contract.schedule_id
        by_schedule[schedule_id] = by_schedule.get(schedule_id, 0) + line.amount_pence
    expenditure = {account.schedule_id: account
                   for account in fund.accounts.filter(role=AccountRole.EXPENDITURE, schedule_id__in=by_schedule)}
    receivable = fund.accounts.get(role=AccountRole.RECHARGES_RECEIVABLE, party=party)
    last_day = month_days(month)[1]
    lines = [LineSpec(receivable, statement.total_pence, f"Recharge for {month}", posting_date=last_day)]
    lines += [LineSpec(expenditure[schedule_id], -pence, f"Recharged to {party} for {month}",
                       posting_date=last_day) for schedule_id, pence in sorted(by_schedule.items())]
    entry = entry_post(actor=actor, fund=fund, period=period, kind=EntryKind.RECHARGE, lines=lines,
                       description=f"Recharge to {party} for care bought on its behalf in {month}")
    recharge = Recharge.objects.create(agreement=agreement, party=party, financial_year=month.year.start_year,
                                       month=month.month, total_pence=statement.total_pence, entry=entry,
                                       posted_by=acting_user(actor))
    RechargeLine.objects.bulk_create([
        RechargeLine(recharge=recharge, package=line.package, version=line.version,
                     cost_year=line.cost_month.year.start_year, cost_month=line.cost_month.month, days=line.days,
                     amount_pence=line.amount_pence) for line in charged
    ])
    carried = {(line.package.pk, line.cost_month) for line in charged if line.status == LineStatus.CARRIED_CHARGED}
    for package_id, cost_month in carried:
        Dispute.objects.filter(package_id=package_id, party=party, financial_year=cost_month.year.start_year,
                               month=cost_month.month).update(charged_in=recharge)
    audit_record(actor=actor, action="recharge_post", obj=recharge, agreement=agreement,
                 after={"month": month.label, "party": str(party), "total_pence": recharge.total_pence,
                        "lines": len(charged), "entry": entry.pk})
    return recharge


@transaction.atomic
def recharge_reverse(*, actor, recharge: Recharge, reason: str) -> Recharge:
    """Put right a posted recharge by a correcting entry (in its own period, or the first open one after); the
    disputes it charged are to be charged again, and the month may be posted again."""
    recharge = Recharge.objects.select_for_update().select_related("entry__period").get(pk=recharge.pk)
    if recharge.reversal_id is not None:
        raise CommissioningError("this recharge has already been reversed")
    if not reason.strip():
        raise CommissioningError("say why the recharge is reversed", field="reason")
    month = FinancialMonth(FinancialYear(recharge.entry.period.financial_year), recharge.entry.period.number)
    period = _open_period_from(recharge.entry.fund, month)
    if period is None:
        raise CommissioningError(f"the ledger has no open period for {month} or after to post the correction in")
    reversal = entry_reverse(actor=actor, entry=recharge.entry, period=period, reason=reason.strip())
    recharge.reversal = reversal
    recharge.save(update_fields=["reversal"])
    recharge.disputes_charged.update(charged_in=None)
    audit_record(actor=actor, action="recharge_reverse", obj=recharge, agreement=recharge.agreement,
                 reason=reason.strip(), after={"month": f"{FinancialYear(recharge.financial_year).label}/"
                                                        f"M{recharge.month:02d}", "reversal": reversal.pk})
    return recharge


@transaction.atomic
def dispute_mark(*, actor, package: Package, party: Party, month: FinancialMonth, reason: str) -> Dispute:
    """``party`` disputes ``package``'s cost for ``month``, before the month is posted: it is held back from that
    recharge and carried to each later statement until resolved."""
    problems = []
    if not package.funding.filter(party=party).exists():
        problems.append(Problem(f"{party} does not fund the package {package}", "party"))
    if recharge_standing(agreement=package.agreement, party=party, month=month):
        problems.append(Problem(f"{month} is already recharged to {party}: reverse it first to dispute a line of "
                                "it", "month"))
    if Dispute.objects.filter(package=package, party=party, financial_year=month.year.start_year,
                              month=month.month).exists():
        problems.append(Problem(f"the package's {month} is already disputed", "month"))
    if not reason.strip():
        problems.append(Problem("say why the line is disputed", "reason"))
    if problems:
        raise CommissioningError(problems)
    dispute = Dispute.objects.create(package=package, party=party, financial_year=month.year.start_year,
                                     month=month.month, reason=reason.strip(), created_by=acting_user(actor),
                                     modified_by=acting_user(actor))
    audit_record(actor=actor, action="dispute_mark", obj=dispute, agreement=package.agreement, reason=reason.strip(),
                 after={"reference": package.reference, "month": month.label, "party": str(party)})
    return dispute


@transaction.atomic
def dispute_resolve(*, actor, dispute: Dispute, outcome: str) -> Dispute:
    """Resolve a dispute: ``charge`` (it goes into the next recharge posted) or ``withdrawn`` (never charged)."""
    dispute = Dispute.objects.select_for_update().select_related("package__agreement").get(pk=dispute.pk)
    problems = []
    if dispute.outcome:
        problems.append(Problem("the dispute is already resolved", "outcome"))
    if outcome not in (DisputeOutcome.CHARGE, DisputeOutcome.WITHDRAWN):
        problems.append(Problem("choose whether the line is to be recharged or not", "outcome"))
    if problems:
        raise CommissioningError(problems)
    dispute.outcome, dispute.resolved_at, dispute.modified_by = outcome, timezone.now(), acting_user(actor)
    dispute.save(update_fields=["outcome", "resolved_at", "modified_by", "modified_at"])
    month = f"{FinancialYear(dispute.financial_year).label}/M{dispute.month:02d}"
    audit_record(actor=actor, action="dispute_resolve", obj=dispute, agreement=dispute.package.agreement,
                 after={"reference": dispute.package.reference, "month": month,
                        "outcome": DisputeOutcome(outcome).label})
    return dispute
