"""Reads for the year-end settlement: a fund's year gathered as the allocation's inputs, the allocation's results
in the form a run keeps, the runs themselves and the partners' statements.

Inputs and results are plain JSON (money in pence, partners and schedules by id and number) so that a run keeps
exactly what it was computed from and a statement can be produced again from the run alone.
"""

from decimal import Decimal

from django.db.models import Sum

from s75.agreements.models import Agreement, FundingType, Party
from s75.agreements.selectors import agreements_visible_to, user_acts_for_party
from s75.budgets.models import Contribution, Receipt
from s75.commissioning.selectors import year_recharged
from s75.core.fiscal import FinancialYear
from s75.monitoring.selectors import monitoring_latest_period, monitoring_report
from s75.riskshare.allocation import Cap, Rules, ScheduleFigures, Terms, allocate
from s75.riskshare.selectors import allocation_terms

from .models import OutturnBasis, SettlementRun, SettlementStatus
from .permissions import APPROVE_SETTLEMENT


class SettlementUnavailable(Exception):
    """The year cannot be settled as asked; the message says why and what to do."""


def _terms_json(terms: Terms) -> dict:
    def rules(value: Rules) -> dict:
        return {"overspend": str(value.overspend), "underspend": str(value.underspend),
                "fixed_percent": {str(party): str(percent) for party, percent in value.fixed_percent.items()},
                "maladministration_borne_by_host": value.maladministration_borne_by_host,
                "recharges_pooled": value.recharges_pooled}

    return {
        "rules": rules(terms.rules),
        "schedule_rules": {str(number): rules(value) for number, value in terms.schedule_rules.items()},
        "offset_first": terms.offset_first,
        "contingency_reserve": terms.contingency_reserve,
        "caps": {str(party): {"pence": cap.pence, "percent": None if cap.percent is None else str(cap.percent)}
                 for party, cap in terms.caps.items()},
        "maladministration_borne_by_host": terms.maladministration_borne_by_host,
        "recharges_pooled": terms.recharges_pooled,
    }


def _terms_from_json(data: dict) -> Terms:
    def rules(value: dict) -> Rules:
        # Runs kept before a schedule's terms could say who bears its spend outside the agreement, or whether its
        # recharged care is pooled, have no such keys.
        return Rules(overspend=value["overspend"], underspend=value["underspend"],
                     fixed_percent={int(party): Decimal(percent) for party, percent in value["fixed_percent"].items()},
                     maladministration_borne_by_host=value.get("maladministration_borne_by_host"),
                     recharges_pooled=value.get("recharges_pooled"))

    return Terms(
        rules=rules(data["rules"]),
        schedule_rules={int(number): rules(value) for number, value in data["schedule_rules"].items()},
        offset_first=data["offset_first"],
        contingency_reserve=data["contingency_reserve"],
        caps={int(party): Cap(pence=cap["pence"], percent=None if cap["percent"] is None else Decimal(cap["percent"]))
              for party, cap in data["caps"].items()},
        maladministration_borne_by_host=data["maladministration_borne_by_host"],
        recharges_pooled=data.get("recharges_pooled", False),
    )


def settlement_inputs(
    *, agreement: Agreement, year: FinancialYear, outturn: str = OutturnBasis.ACTUAL,
    outside_agreement: dict[int, int] | None = None,
) -> dict:
    """The year's figures and terms as a run keeps them: contributions per schedule and partner, the outturn
    (the ledger's actual spend for the whole year, or the latest monitoring forecast), what each partner has paid
    in, spend outside the agreement per schedule number, and the care the lead commissioner bought on each
    partner's behalf and recharged to it in the year (its standing recharges). The ledger's expenditure is net of
    the recharges (a recharge credits it), so they are added back to make the schedule's outturn whole."""
    if outturn not in OutturnBasis.values:
        raise SettlementUnavailable(f"{outturn!r} is not an outturn: use actual or forecast")
    parties = list(agreement.parties.order_by("position", "id"))
    if not parties:
        raise SettlementUnavailable("the agreement has no partners to settle between")
    host = next((party for party in parties if party.is_host), None)
    if host is None:
        raise SettlementUnavailable("the agreement names no host partner to pay or be paid")
    if outturn == OutturnBasis.ACTUAL:
        month = 12
    else:
        latest = monitoring_latest_period(agreement=agreement)
        if latest is None or latest[0] != year:
            raise SettlementUnavailable(f"there is no monitoring for {year.label} to take a forecast from")
        month = latest[1]
    report = monitoring_report(agreement=agreement, year=year, month=month)
    lines = {line.number: line for line in report.schedules}
    contributions: dict[int, dict[str, int]] = {}
    for row in (Contribution.objects.filter(schedule__agreement=agreement, financial_year=year.start_year)
                .values("schedule__number", "party_id").annotate(total=Sum("amount_pence"))):
        contributions.setdefault(row["schedule__number"], {})[str(row["party_id"])] = row["total"]
    if not contributions:
        raise SettlementUnavailable(f"no partner contributes to the fund in {year.label}: there is nothing to settle")
    received = dict(
        Receipt.objects.filter(instalment__party__agreement=agreement, instalment__financial_year=year.start_year)
        .values("instalment__party_id").annotate(total=Sum("amount_pence"))
        .values_list("instalment__party_id", "total")
    )
    outside_agreement = outside_agreement or {}
    unknown = sorted(set(outside_agreement) - set(lines))
    if unknown:
        raise SettlementUnavailable(f"spend outside the agreement is given for schedule {unknown[0]}, which the "
                                    "agreement does not have")
    recharged = year_recharged(agreement=agreement, year=year)
    schedules = []
    for schedule in agreement.schedules.order_by("number"):
        line = lines[schedule.number]
        own = recharged.get(schedule.pk, {})
        schedules.append({
            "number": schedule.number, "title": schedule.title, "funding_type": schedule.funding_type,
            "lead_commissioner": schedule.lead_commissioner_id,
            "contributions": contributions.get(schedule.number, {}),
            "outturn": (line.actual_to_date if outturn == OutturnBasis.ACTUAL else line.forecast) + sum(own.values()),
            "outside_agreement": outside_agreement.get(schedule.number, 0),
            "recharged": {str(party): amount for party, amount in own.items()},
        })
    return {
        "financial_year": year.start_year,
        "outturn_basis": str(outturn),
        "as_at_month": month,
        "partners": [{"id": party.pk, "name": str(party), "is_host": party.is_host} for party in parties],
        "host": host.pk,
        "schedules": schedules,
        "received": {str(party.pk): received.get(party.pk, 0) for party in parties},
        "terms": _terms_json(allocation_terms(agreement=agreement, financial_year=year.start_year)),
    }


# The form of a run's results. Format 1 (runs kept before it had a number) gave each partner its underspends
# returned apart from those carried forward, and its aligned variance and spend outside the agreement apart from
# its shares; format 2 had no recharged care; settlement_results reads both as format 3.
RESULTS_FORMAT = 3


def _partner_line(schedule: dict, *, contribution: int, shared_overspend: int, shared_underspend: int,
                  carried: bool, own_variance: int, outside_agreement: int, recharged: int = 0) -> dict | None:
    """A partner's line for one schedule, such that ``share of spend = contribution + overspend share − underspend
    share``: its own variance on an aligned or non-pooled schedule is all its share of that schedule's overspend
    (or underspend), as is the care recharged to it that is its own (``recharged``), and the host's spend outside
    the agreement is its share of overspend."""
    if not (contribution or shared_overspend or shared_underspend or own_variance or outside_agreement or recharged):
        return None
    overspend = shared_overspend + max(own_variance, 0) + outside_agreement + recharged
    underspend = shared_underspend + max(-own_variance, 0)
    return {
        "number": schedule["number"], "title": schedule["title"], "funding_type": schedule["funding_type"],
        "contribution": contribution, "overspend_share": overspend, "underspend_share": underspend,
        "carried_forward": shared_underspend if carried else 0, "own_variance": own_variance,
        "outside_agreement": outside_agreement, "recharged": recharged,
        "share_of_spend": contribution + overspend - underspend,
    }


def _partner_figures(partner: dict, lines: list[dict], *, contributions: int, received: int, cap_adjustment: int,
                     final_share_of_spend: int, net_payment: int, recharges_billed: int = 0) -> dict:
    """A partner's figures of DESIGN.md §6 step 6 as every statement prints them: ``final share of spend =
    contributions + overspend share − underspend share`` and ``net payment = received − final share of spend −
    carried forward``, with what the shares include as their parts ("of which"); what it received includes
    ``recharges_billed``, the care recharged to it, which its recharges bill."""
    overspend = sum(line["overspend_share"] for line in lines) + cap_adjustment
    underspend = sum(line["underspend_share"] for line in lines)
    carried = sum(line["carried_forward"] for line in lines)
    own_overspend = sum(max(line["own_variance"], 0) for line in lines)
    own_underspend = sum(max(-line["own_variance"], 0) for line in lines)
    figures = {
        "id": partner["id"], "name": partner["name"], "is_host": partner["is_host"],
        "contributions": contributions, "received": received,
        "overspend_share": overspend, "cap_adjustment": cap_adjustment, "own_overspend": own_overspend,
        "outside_agreement": sum(line["outside_agreement"] for line in lines),
        "recharged_own": sum(line["recharged"] for line in lines), "recharges_billed": recharges_billed,
        "underspend_share": underspend, "underspend_returned": underspend - carried - own_underspend,
        "carried_forward": carried, "own_underspend": own_underspend,
        "final_share_of_spend": final_share_of_spend, "net_payment": net_payment, "schedules": lines,
    }
    # A statement that does not add up must never be kept or printed: a failure here is a fault in s75, not in the
    # figures, so it stops the run instead of showing the partners wrong sums.
    if final_share_of_spend != contributions + overspend - underspend or (
            net_payment != received - final_share_of_spend - carried):
        raise AssertionError(f"{partner['name']}'s settlement figures do not add up: {figures}")
    return figures


def settlement_results(*, run: SettlementRun) -> dict:
    """A run's results in the current format, every figure as it was computed (runs are never recomputed)."""
    results = run.results
    if results.get("format") == RESULTS_FORMAT:
        return results
    if results.get("format") == 2:
        return {**results, "format": RESULTS_FORMAT,
                "schedules": [{**schedule, "recharged": 0, "recharges_pooled": False}
                              for schedule in results["schedules"]],
                "partners": [{**partner, "recharged_own": 0, "recharges_billed": 0,
                              "schedules": [{**line, "recharged": 0} for line in partner["schedules"]]}
                             for partner in results["partners"]]}
    funding = {schedule["number"]: schedule["funding_type"] for schedule in results["schedules"]}
    partners = []
    for partner in results["partners"]:
        lines = [_partner_line(
            {"number": line["number"], "title": line["title"], "funding_type": funding[line["number"]]},
            contribution=line["contribution"], shared_overspend=line["overspend_share"],
            shared_underspend=line["underspend_share"] + line["carried_forward"],
            carried=bool(line["carried_forward"]), own_variance=line["own_variance"],
            outside_agreement=line["outside_agreement"],
        ) for line in partner["schedules"]]
        partners.append(_partner_figures(
            partner, [line for line in lines if line is not None], contributions=partner["contributions"],
            received=partner["received"], cap_adjustment=partner["cap_adjustment"],
            final_share_of_spend=partner["final_share_of_spend"], net_payment=partner["net_payment"],
        ))
    return {**results, "format": RESULTS_FORMAT, "partners": partners,
            "schedules": [{**schedule, "recharged": 0, "recharges_pooled": False} for schedule in results["schedules"]]}


def settlement_compute(*, inputs: dict) -> dict:
    """Run DESIGN.md §6 on a run's inputs; every figure of step 6 per partner and per schedule, in pence.

    Raises ``AllocationError`` where the terms cannot apply to the figures.
    """
    order = [partner["id"] for partner in inputs["partners"]]
    figures = [
        ScheduleFigures(
            key=schedule["number"],
            contributions={int(party): amount for party, amount in schedule["contributions"].items()},
            outturn=schedule["outturn"], funding_type=FundingType(schedule["funding_type"]),
            lead_commissioner=schedule["lead_commissioner"], outside_agreement=schedule["outside_agreement"],
            # Inputs kept before care was recharged have none.
            recharged={int(party): amount for party, amount in schedule.get("recharged", {}).items()},
        )
        for schedule in inputs["schedules"]
    ]
    received = {int(party): amount for party, amount in inputs["received"].items()}
    allocation = allocate(partners=order, host=inputs["host"], schedules=figures,
                          terms=_terms_from_json(inputs["terms"]), received=received)
    schedule_results = []
    for result, schedule in zip(allocation.schedules, inputs["schedules"], strict=True):
        schedule_results.append({
            "number": result.key, "title": schedule["title"], "funding_type": schedule["funding_type"],
            "budget": result.budget, "outturn": result.outturn, "variance": result.variance,
            "outside_agreement": result.outside_agreement,
            "overspend_to_share": result.overspend_to_share, "underspend_to_share": result.underspend_to_share,
            "carried_forward": result.carried_forward, "recharged": sum(result.recharged.values()),
            "recharges_pooled": result.recharges_pooled,
        })
    partners = []
    for partner, result in zip(inputs["partners"], allocation.partners, strict=True):
        by_schedule = []
        for schedule, schedule_result in zip(inputs["schedules"], allocation.schedules, strict=True):
            line = _partner_line(
                schedule, contribution=schedule["contributions"].get(str(partner["id"]), 0),
                shared_overspend=schedule_result.overspend_shares.get(partner["id"], 0),
                shared_underspend=schedule_result.underspend_shares.get(partner["id"], 0),
                carried=schedule_result.carried_forward,
                own_variance=schedule_result.own_variance.get(partner["id"], 0),
                outside_agreement=schedule_result.outside_agreement if partner["id"] == inputs["host"] else 0,
                recharged=0 if schedule_result.recharges_pooled else schedule_result.recharged.get(partner["id"], 0),
            )
            if line is not None:
                by_schedule.append(line)
        partners.append(_partner_figures(partner, by_schedule, contributions=result.contributions,
                                         received=result.received, cap_adjustment=result.cap_adjustment,
                                         net_payment=result.net_payment,
                                         final_share_of_spend=result.final_share_of_spend,
                                         recharges_billed=result.recharges_billed))
    host = next(partner for partner in inputs["partners"] if partner["id"] == inputs["host"])
    payments = []  # the host's own net payment is money it keeps or puts in: no payment between partners
    for partner in partners:
        if partner["id"] == host["id"] or not partner["net_payment"]:
            continue
        payer, payee = (partner, host) if partner["net_payment"] < 0 else (host, partner)
        payments.append({"payer": payer["id"], "payer_name": payer["name"], "payee": payee["id"],
                         "payee_name": payee["name"], "amount": abs(partner["net_payment"])})
    total_received = sum(partner["received"] for partner in partners)
    total_outturn = sum(schedule["outturn"] for schedule in schedule_results)
    net_payments = sum(partner["net_payment"] for partner in partners)
    carried = sum(partner["carried_forward"] for partner in partners)
    return {
        "format": RESULTS_FORMAT,
        "schedules": schedule_results,
        "partners": partners,
        "payments": payments,
        "reserve_used": allocation.reserve_used,
        "unfunded_overspend": allocation.unfunded_overspend,
        "check": {
            "received": total_received, "outturn": total_outturn, "net_payments": net_payments,
            "carried_forward": carried,
            "holds": net_payments + carried - allocation.unfunded_overspend - allocation.reserve_used
            == total_received - total_outturn,
        },
    }


def settlement_runs(*, agreement: Agreement, year: FinancialYear | None = None):
    runs = SettlementRun.objects.filter(agreement=agreement).prefetch_related(
        "approvals__party", "approvals__approved_by"
    )
    if year is not None:
        runs = runs.filter(financial_year=year.start_year)
    return runs.order_by("-financial_year", "-version")


def settlement_run_get(*, user, pk: int) -> SettlementRun:
    """A run of an agreement the user may see; ``SettlementRun.DoesNotExist`` otherwise."""
    return SettlementRun.objects.select_related("agreement").get(
        pk=pk, agreement__in=agreements_visible_to(user=user)
    )


def settlement_latest(*, agreement: Agreement, year: FinancialYear) -> SettlementRun | None:
    """The year's final run if there is one, else its latest draft."""
    runs = SettlementRun.objects.filter(agreement=agreement, financial_year=year.start_year)
    return runs.filter(status=SettlementStatus.FINAL).first() or runs.order_by("-version").first()


def settlement_final_years(*, agreement: Agreement) -> set[int]:
    """The financial years (by start year) whose settlement of the agreement is final."""
    return set(SettlementRun.objects.filter(agreement=agreement, status=SettlementStatus.FINAL)
               .values_list("financial_year", flat=True))


def settlement_runs_to_approve(*, user) -> list[tuple[SettlementRun, list[Party]]]:
    """Each draft the user may approve for a partner, with those partners: the latest version of a year not yet
    final, on an agreement the user may see, not yet approved by a partner the user is a finance lead of."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_perm(APPROVE_SETTLEMENT):
        return []
    runs = (SettlementRun.objects.filter(agreement__in=agreements_visible_to(user=user))
            .select_related("agreement").prefetch_related("approvals", "agreement__parties").defer("inputs", "results")
            .order_by("agreement__title", "agreement_id", "financial_year", "-version"))
    latest: dict[tuple[int, int], SettlementRun] = {}
    for run in runs:  # each year's versions latest first: the first is the one to approve
        latest.setdefault((run.agreement_id, run.financial_year), run)
    waiting = []
    for run in latest.values():
        if run.status == SettlementStatus.FINAL:
            continue
        approved = {approval.party_id for approval in run.approvals.all()}
        parties = [party for party in sorted(run.agreement.parties.all(), key=lambda party: (party.position, party.pk))
                   if party.pk not in approved
                   and user_acts_for_party(user=user, party=party, permission=APPROVE_SETTLEMENT)]
        if parties:
            waiting.append((run, parties))
    return waiting
