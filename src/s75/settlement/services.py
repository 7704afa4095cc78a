"""Writes for the year-end settlement: computing a run, the partners' approvals, and, when the last partner
approves, locking the run, posting it to the ledger and opening the next year with what is carried forward.

The settlement entry, in the year's last month (M12), turns each partner's contributions in the ledger into its
final share of spend: ``overspend share − underspend returned + own variance + spend outside the agreement`` is
invoiced to the partner (or credited, when negative) through its contributions receivable, so that what is left
receivable is ``−net payment``; its share of underspends carried forward moves from its contributions to the
carried-forward reserve; the contingency reserve used is released into the year. The carry-forward entry, in the
next year's first month, credits each partner's carried-forward share to its contributions for that year.
"""

from django.db import transaction
from django.utils import timezone

from s75.agreements.models import Agreement, Party
from s75.agreements.selectors import user_acts_for_party
from s75.audit.services import audit_record
from s75.core.errors import ServiceError
from s75.core.fiscal import FinancialYear
from s75.core.money import format_gbp, is_pence
from s75.core.users import acting_user
from s75.ledger.models import Account, AccountRole, EntryKind, Fund, Period, PeriodStatus
from s75.ledger.services import LedgerError, LineSpec, entry_post, fund_open
from s75.riskshare.allocation import AllocationError

from .models import OutturnBasis, SettlementApproval, SettlementRun, SettlementStatus
from .permissions import APPROVE_SETTLEMENT
from .selectors import SettlementUnavailable, settlement_compute, settlement_inputs, settlement_results


class SettlementRefused(ServiceError):
    """A refused settlement step; ``problems`` says every reason in words the pooled fund manager can act on."""


@transaction.atomic
def settlement_run_create(
    *, actor, agreement: Agreement, year: FinancialYear, outturn: str = OutturnBasis.ACTUAL,
    outside_agreement: dict[int, int] | None = None,
) -> SettlementRun:
    """Compute the year's settlement as a new draft version, keeping its inputs and every figure."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if SettlementRun.objects.filter(agreement=agreement, financial_year=year.start_year,
                                    status=SettlementStatus.FINAL).exists():
        raise SettlementRefused([f"the {year.label} settlement is final: it is not computed again"])
    problems = [f"schedule {number}: spend outside the agreement must be whole pence, not negative"
                for number, amount in (outside_agreement or {}).items()
                if not is_pence(amount) or amount < 0]
    if problems:
        raise SettlementRefused(problems)
    try:
        inputs = settlement_inputs(agreement=agreement, year=year, outturn=outturn,
                                   outside_agreement=outside_agreement)
        results = settlement_compute(inputs=inputs)
    except (SettlementUnavailable, AllocationError) as exc:
        raise SettlementRefused([str(exc)]) from exc
    latest = (SettlementRun.objects.filter(agreement=agreement, financial_year=year.start_year)
              .order_by("-version").values_list("version", flat=True).first())
    run = SettlementRun.objects.create(
        agreement=agreement, financial_year=year.start_year, version=(latest or 0) + 1, outturn_basis=outturn,
        inputs=inputs, results=results, created_by=acting_user(actor),
    )
    audit_record(actor=actor, action="settlement_run_create", obj=run, agreement=agreement, after={
        "year": year.label, "version": run.version, "outturn": outturn,
        "net_payments_pence": {partner["name"]: partner["net_payment"] for partner in results["partners"]},
        "unfunded_overspend_pence": results["unfunded_overspend"], "reserve_used_pence": results["reserve_used"],
    })
    return run


def _period(fund: Fund, year: int, month: int) -> Period | None:
    return fund.periods.filter(financial_year=year, number=month).first()


def _party_accounts(fund: Fund, party_id: int) -> tuple[Account, Account]:
    accounts = {account.role: account for account in fund.accounts.filter(party_id=party_id)}
    return accounts[AccountRole.CONTRIBUTIONS_RECEIVABLE], accounts[AccountRole.CONTRIBUTIONS]


def _fund_account(fund: Fund, role: str) -> Account:
    return fund.accounts.get(role=role, party__isnull=True, schedule__isnull=True)


def _settlement_lines(fund: Fund, run: SettlementRun) -> list[LineSpec]:
    lines = []
    for partner in settlement_results(run=run)["partners"]:
        receivable, contributions = _party_accounts(fund, partner["id"])
        # Its contributions become its final share of spend once the part carried forward has moved out of them.
        invoiced = partner["final_share_of_spend"] - partner["contributions"] + partner["carried_forward"]
        if invoiced:
            words = "invoice" if invoiced > 0 else "credit note"
            description = f"{partner['name']}: settlement {words} for {run.year_label}"
            lines += [LineSpec(receivable, invoiced, description), LineSpec(contributions, -invoiced, description)]
        if partner["carried_forward"]:
            description = f"{partner['name']}: share of underspend carried forward from {run.year_label}"
            lines += [LineSpec(contributions, partner["carried_forward"], description),
                      LineSpec(_fund_account(fund, AccountRole.CARRY_FORWARD), -partner["carried_forward"],
                               description)]
    if run.results["reserve_used"]:
        description = f"Contingency reserve used to meet the {run.year_label} overspend"
        lines += [LineSpec(_fund_account(fund, AccountRole.CONTINGENCY_RESERVE), run.results["reserve_used"],
                           description),
                  LineSpec(_fund_account(fund, AccountRole.RESERVE_TRANSFERS), -run.results["reserve_used"],
                           description)]
    return lines


def _carry_forward_lines(fund: Fund, run: SettlementRun) -> list[LineSpec]:
    next_year = FinancialYear(run.financial_year + 1)
    lines = []
    for partner in run.results["partners"]:
        if partner["carried_forward"]:
            _, contributions = _party_accounts(fund, partner["id"])
            description = f"{partner['name']}: carried forward from {run.year_label} into {next_year.label}"
            lines += [LineSpec(_fund_account(fund, AccountRole.CARRY_FORWARD), partner["carried_forward"],
                               description),
                      LineSpec(contributions, -partner["carried_forward"], description)]
    return lines


def _post(*, actor, run: SettlementRun) -> list[str]:
    """Post the final run; returns what the pooled fund manager should know (nothing to post, no next year)."""
    agreement = run.agreement
    fund = Fund.objects.filter(agreement=agreement).first()
    if fund is None:
        raise SettlementRefused(["the agreement has no pooled-fund ledger to post the settlement to: open it first"])
    fund_open(actor=actor, agreement=agreement)  # accounts for partners and schedules added since it was opened
    notes = []
    year_end = _period(fund, run.financial_year, 12)
    if year_end is None or year_end.status != PeriodStatus.OPEN:
        label = f"{run.year_label}/M12"
        raise SettlementRefused([f"period {label} is {'closed' if year_end else 'missing'}: the settlement is posted "
                                 "to the year's last month, so keep it open until every partner has approved"])
    settlement_lines = _settlement_lines(fund, run)
    if settlement_lines:
        run.settlement_entry = entry_post(
            actor=actor, fund=fund, period=year_end, kind=EntryKind.SETTLEMENT, lines=settlement_lines,
            description=f"Year-end settlement of {run.year_label} (version {run.version})",
        )
    else:
        notes.append("nothing to post: every partner's share of spend equals its contributions")
    carry_lines = _carry_forward_lines(fund, run)
    if carry_lines:
        opening = _period(fund, run.financial_year + 1, 1)
        if opening is None:
            notes.append("the agreement's term ends with this year: what is carried forward stays in the "
                         "carried-forward reserve")
        elif opening.status != PeriodStatus.OPEN:
            raise SettlementRefused([f"period {opening} is closed: the carried-forward balances open the next year "
                                     "in its first month"])
        else:
            run.carry_forward_entry = entry_post(
                actor=actor, fund=fund, period=opening, kind=EntryKind.CARRY_FORWARD, lines=carry_lines,
                description=f"Opening balances carried forward from {run.year_label}",
            )
    return notes


@transaction.atomic
def settlement_approve(*, actor, run: SettlementRun, party: Party) -> SettlementRun:
    """A partner's finance lead approves the year's latest draft; the last approval makes it final, posted and
    locked. Only a finance lead of the partner (or of the body that took on its functions) may approve."""
    run = SettlementRun.objects.select_for_update().select_related("agreement").get(pk=run.pk)
    problems = []
    if not user_acts_for_party(user=actor, party=party, permission=APPROVE_SETTLEMENT):
        problems.append(f"only a finance lead of {party}, or of the body that took on its functions, may approve "
                        "its settlement")
    if party.agreement_id != run.agreement_id:
        problems.append(f"{party} is not a party to this agreement")
    if run.status == SettlementStatus.FINAL:
        problems.append(f"{run} is already final")
    latest = (SettlementRun.objects.filter(agreement=run.agreement, financial_year=run.financial_year)
              .order_by("-version").first())
    if latest.pk != run.pk:
        problems.append(f"version {run.version} has been replaced by version {latest.version}: approve that one")
    if run.approvals.filter(party=party).exists():
        problems.append(f"{party} has already approved version {run.version}")
    if problems:
        raise SettlementRefused(problems)
    approval = SettlementApproval.objects.create(run=run, party=party, approved_by=acting_user(actor))
    audit_record(actor=actor, action="settlement_approve", obj=approval, agreement=run.agreement,
                 after={"run": str(run), "party": str(party)})
    waiting = run.agreement.parties.exclude(pk__in=run.approvals.values("party"))
    if waiting.exists():
        return run
    try:
        notes = _post(actor=actor, run=run)
    except LedgerError as exc:
        raise SettlementRefused(exc.problems) from exc
    run.status, run.finalised_at = SettlementStatus.FINAL, timezone.now()
    run.save(update_fields=["status", "finalised_at", "settlement_entry", "carry_forward_entry"])
    audit_record(actor=actor, action="settlement_finalise", obj=run, agreement=run.agreement, after={
        "run": str(run), "settlement_entry": run.settlement_entry_id, "carry_forward_entry": run.carry_forward_entry_id,
        "payments": [f"{payment['payer_name']} pays {payment['payee_name']} "
                     f"{format_gbp(payment['amount'], show_pence=True)}" for payment in run.results["payments"]],
        "notes": notes,
    })
    return run

