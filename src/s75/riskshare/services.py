"""Writes to the risk-share terms: who bears an overspend and who gets an underspend back (DESIGN.md §6).

The rules that make a set of terms valid are plain functions (:func:`party_term_problems`,
:func:`risk_share_rule_problems`, :func:`schedule_override_problems`) so that the agreement file loader can check
a file against the same rules before it writes anything.
"""

from decimal import Decimal

from s75.agreements.models import Agreement, Party, Schedule
from s75.agreements.services import ChangeRefused, VariationDetails, agreement_change
from s75.audit.services import audit_record, snapshot
from s75.core.errors import Problem
from s75.core.fiscal import FinancialYear
from s75.core.money import format_gbp, format_percent, is_pence
from s75.core.users import acting_user

from .models import OverspendRule, PartyTerm, RiskShareTerms, UnderspendRule

PERCENT_PLACES = Decimal("0.0001")
MAX_CAP_PERCENT = Decimal("999.9999")


def _percent_problems(value, label: str, maximum: Decimal) -> list[str]:
    if not isinstance(value, Decimal) or not value.is_finite():
        return [f"{label} must be an exact number"]
    if not 0 <= value <= maximum:
        return [f"{label} must be between 0 and {format_percent(maximum)} per cent, not {format_percent(value)}"]
    if value != value.quantize(PERCENT_PLACES):
        return [f"{label} has at most four decimal places, not {format_percent(value)}"]
    return []


RESERVE = "contingency_reserve_pence"


def party_term_field(party: Party, field: str) -> str:
    """The name a refusal of one partner's term gives its field: ``party_terms.<party id>.<field>``, where the field
    is ``fixed_percent``, ``cap`` or ``cap_percent`` (as :func:`party_term_problems` names them)."""
    return f"party_terms.{party.pk}.{field}"


def party_term_problems(*, fixed_percent, cap_pence, cap_percent) -> list[tuple[str, str]]:
    """What is wrong with one partner's term, as ``(field, message)`` pairs; empty when it is valid."""
    problems = []
    if fixed_percent is not None:
        problems += [("fixed_percent", message) for message in
                     _percent_problems(fixed_percent, "a fixed percentage", Decimal(100))]
    if cap_pence is not None and not is_pence(cap_pence):
        problems.append(("cap", "a cap must be a whole number of pence"))
    elif cap_pence is not None and cap_pence < 0:
        problems.append(("cap", "a cap cannot be negative"))
    if cap_percent is not None:
        problems += [("cap_percent", message) for message in
                     _percent_problems(cap_percent, "a cap as a percentage", MAX_CAP_PERCENT)]
    if cap_pence is not None and cap_percent is not None:
        problems.append(("cap_percent", "a cap is an amount or a percentage of the partner's contribution, not both"))
    return problems


def risk_share_rule_problems(
    *, overspend_rule: str, underspend_rule: str, fixed_percents: list[Decimal | None], has_host: bool,
    schedule_has_lead_commissioner: bool | None,
) -> list[tuple[str, str]]:
    """What is wrong with the rules of one set of terms, as ``(field, message)`` pairs; empty when valid.

    ``schedule_has_lead_commissioner`` is ``None`` for terms that cover the whole fund.
    """
    problems = []
    if overspend_rule not in OverspendRule.values:
        problems.append(("overspend_rule", f"{overspend_rule!r} is not an overspend rule: use one of "
                         f"{', '.join(OverspendRule.values)}"))
    if underspend_rule not in UnderspendRule.values:
        problems.append(("underspend_rule", f"{underspend_rule!r} is not an underspend rule: use one of "
                         f"{', '.join(UnderspendRule.values)}"))
    fixed_rules = [kind for kind, rule in (("overspend", overspend_rule), ("underspend", underspend_rule))
                   if rule == "fixed"]
    given = [percent for percent in fixed_percents if isinstance(percent, Decimal) and percent.is_finite()]
    total = sum(given, Decimal(0))
    if fixed_rules and total != 100:
        problems.append(("parties", f"under the fixed {' and '.join(fixed_rules)} rule the partners' fixed "
                         f"percentages must add up to exactly 100, not {format_percent(total)}"))
    if given and not fixed_rules:
        problems.append(("parties", "fixed percentages apply only under a fixed rule: remove them or make a rule "
                         "fixed"))
    if not has_host:
        if overspend_rule == OverspendRule.HOST:
            problems.append(("overspend_rule", "the host bears overspends under this rule, but no party is the host"))
        if underspend_rule == UnderspendRule.HOST_RETAINS:
            problems.append(("underspend_rule", "the host retains underspends under this rule, but no party is the "
                             "host"))
    if overspend_rule == OverspendRule.LEAD_COMMISSIONER and schedule_has_lead_commissioner is False:
        problems.append(("overspend_rule", "the schedule's lead commissioner bears overspends under this rule, but "
                         "the schedule has no lead commissioner"))
    return problems


def schedule_override_problems(
    *, offset_first: bool, contingency_reserve_pence, capped_parties: list[str],
) -> list[tuple[str, str]]:
    """What one schedule's own terms may not carry, as ``(field, message)`` pairs; empty when they carry none of it.

    A schedule's terms choose how its own variance is shared. Caps, offsetting and the reserve work across the
    pooled schedules of the year (DESIGN.md §6 steps 2 and 4), so on one schedule they would mean nothing the
    settlement could apply; they are refused rather than kept and ignored (docs/risk-share.md).
    """
    problems = []
    if offset_first:
        problems.append(("offset_first", "offsetting first nets overspends against underspends across all the "
                         "pooled schedules, so it is set in the terms for the whole fund, not for one schedule"))
    if contingency_reserve_pence:
        problems.append(("contingency_reserve", "the contingency reserve is held in the pool for every schedule, "
                         "so it is set in the terms for the whole fund, not for one schedule"))
    problems += [("cap", f"{party}: a cap limits a partner's share of the year's overspends over the whole pool, so "
                  "it is set in the terms for the whole fund, not for one schedule") for party in capped_parties]
    return problems


def _optional_text(value: Decimal | None) -> str | None:
    return None if value is None else format_percent(value)


def _terms_snapshot(terms: RiskShareTerms) -> dict:
    return {
        **snapshot(terms, "financial_year", "schedule_id", "overspend_rule", "underspend_rule", "offset_first",
                   "contingency_reserve_pence", "maladministration_borne_by_host", "recharges_pooled"),
        "party_terms": [
            {"party": str(term.party), "fixed_percent": _optional_text(term.fixed_percent),
             "cap_pence": term.cap_pence, "cap_percent": _optional_text(term.cap_percent)}
            for term in terms.party_terms.select_related("party").order_by("party__position")
        ],
    }


def risk_share_terms_set(
    *, actor, agreement: Agreement, financial_year: int | None, schedule: Schedule | None = None,
    overspend_rule: str, underspend_rule: str, offset_first: bool = False, contingency_reserve_pence: int = 0,
    maladministration_borne_by_host: bool = True, recharges_pooled: bool = False, party_terms: list[dict],
    variation: VariationDetails | None = None,
) -> RiskShareTerms:
    """Set the terms for the fund (or one schedule), for every year (``financial_year=None``) or one year.

    ``party_terms`` holds one dict per partner with a fixed percentage or a cap: ``party`` and any of
    ``fixed_percent`` (``Decimal``), ``cap_pence`` (``int``), ``cap_percent`` (``Decimal``). The list replaces
    the partners' terms held before. A schedule's terms carry no caps, offsetting or reserve
    (:func:`schedule_override_problems`). Once the agreement is in force, the change is a variation.
    """
    with agreement_change(agreement=agreement, actor=actor, variation=variation) as locked:
        problems = []
        if not is_pence(contingency_reserve_pence):
            problems.append(Problem("the contingency reserve must be a whole number of pence", RESERVE))
        elif contingency_reserve_pence < 0:
            problems.append(Problem("the contingency reserve cannot be negative", RESERVE))
        if schedule is not None and schedule.agreement_id != locked.pk:
            problems.append(f"{schedule} is not part of this agreement")
        seen: set[int] = set()
        for term in party_terms:
            party: Party = term["party"]
            if party.agreement_id != locked.pk:
                problems.append(f"{party} is not a party to this agreement")
            elif party.pk in seen:
                problems.append(f"{party} has more than one term")
            seen.add(party.pk)
            problems += [Problem(f"{party}: {message}", party_term_field(party, field)) for field, message in
                         party_term_problems(fixed_percent=term.get("fixed_percent"), cap_pence=term.get("cap_pence"),
                                             cap_percent=term.get("cap_percent"))]
        problems += [Problem(message, field) for field, message in risk_share_rule_problems(
            overspend_rule=overspend_rule, underspend_rule=underspend_rule,
            fixed_percents=[term.get("fixed_percent") for term in party_terms],
            has_host=locked.parties.filter(is_host=True).exists(),
            schedule_has_lead_commissioner=None if schedule is None else schedule.lead_commissioner_id is not None,
        )]
        if schedule is not None:
            problems += [Problem(message, RESERVE if field == "contingency_reserve" else field)
                         for field, message in schedule_override_problems(
                offset_first=offset_first, contingency_reserve_pence=contingency_reserve_pence,
                capped_parties=[str(term["party"]) for term in party_terms
                                if term.get("cap_pence") is not None or term.get("cap_percent") is not None],
            )]
        if problems:
            raise ChangeRefused(problems)
        terms = RiskShareTerms.objects.select_for_update().filter(
            agreement=locked, financial_year=financial_year, schedule=schedule
        ).first()
        before = _terms_snapshot(terms) if terms else None
        if terms is None:
            terms = RiskShareTerms(agreement=locked, financial_year=financial_year, schedule=schedule,
                                   created_by=acting_user(actor))
        terms.overspend_rule, terms.underspend_rule = overspend_rule, underspend_rule
        terms.offset_first = offset_first
        terms.contingency_reserve_pence = contingency_reserve_pence
        terms.maladministration_borne_by_host = maladministration_borne_by_host
        terms.recharges_pooled = recharges_pooled
        terms.modified_by = acting_user(actor)
        terms.save()
        terms.party_terms.all().delete()
        PartyTerm.objects.bulk_create([
            PartyTerm(terms=terms, party=term["party"], fixed_percent=term.get("fixed_percent"),
                      cap_pence=term.get("cap_pence"), cap_percent=term.get("cap_percent"))
            for term in party_terms
        ])
        audit_record(actor=actor, action="risk_share_terms_set", obj=terms, agreement=locked, before=before,
                     after=_terms_snapshot(terms))
    return terms


_OVERSPEND_WORDS = {
    OverspendRule.CONTRIBUTION_SHARE: "shared in proportion to each partner's contribution to the schedule",
    OverspendRule.POOL_SHARE: "shared in proportion to each partner's total contribution to the pool",
    OverspendRule.LEAD_COMMISSIONER: "borne by the schedule's lead commissioner",
}
_UNDERSPEND_WORDS = {
    UnderspendRule.CONTRIBUTION_SHARE: "returned in proportion to each partner's contribution to the schedule",
    UnderspendRule.POOL_SHARE: "returned in proportion to each partner's total contribution to the pool",
    UnderspendRule.CARRY_FORWARD: "carried forward in the pool to the next year, credited to the partners in "
                                  "proportion to their contributions",
}


def _money(pence: int) -> str:
    return format_gbp(pence, show_pence=pence % 100 != 0)


def risk_share_summary(terms: RiskShareTerms) -> str:
    """The terms as one plain-English sentence, as an agreement or a report states them."""
    host = terms.agreement.host
    host_words = f"the host partner ({host})" if host else "the host partner"
    party_terms = list(terms.party_terms.select_related("party").order_by("party__position"))
    fixed = ", ".join(f"{term.party} {format_percent(term.fixed_percent)}%" for term in party_terms
                      if term.fixed_percent is not None)
    if terms.overspend_rule == OverspendRule.FIXED:
        overspend = f"shared in fixed percentages ({fixed})"
    elif terms.overspend_rule == OverspendRule.HOST:
        overspend = f"borne by {host_words}"
    else:
        overspend = _OVERSPEND_WORDS[terms.overspend_rule]
    if terms.underspend_rule == UnderspendRule.FIXED:
        underspend = f"returned in fixed percentages ({fixed})"
    elif terms.underspend_rule == UnderspendRule.HOST_RETAINS:
        underspend = f"retained by {host_words}"
    else:
        underspend = _UNDERSPEND_WORDS[terms.underspend_rule]
    clauses = [f"overspends are {overspend}", f"underspends are {underspend}"]
    if terms.offset_first:
        reserve = (f", then from the contingency reserve of {_money(terms.contingency_reserve_pence)}"
                   if terms.contingency_reserve_pence else "")
        clauses.append(f"an overspend is first met from underspends on other pooled schedules in the same year"
                       f"{reserve}, and only the rest is shared")
    caps = [
        f"{term.party}'s share of overspends is capped at "
        + (_money(term.cap_pence) if term.cap_pence is not None
           else f"{format_percent(term.cap_percent)}% of its total pooled contribution")
        for term in party_terms if term.cap_pence is not None or term.cap_percent is not None
    ]
    if caps:
        clauses.append(", and ".join(caps) + ", and what no partner can take is reported as an unfunded overspend")
    clauses.append("spend outside the agreement is borne by the host alone" if terms.maladministration_borne_by_host
                   else "spend outside the agreement is shared like any other overspend")
    if terms.recharges_pooled:
        clauses.append("care a lead commissioner buys on a partner's behalf and recharges to it is shared as pooled "
                       "spend")
    scope = []
    if terms.schedule_id:
        scope.append(f"for schedule {terms.schedule.number} ({terms.schedule.title})")
    if terms.financial_year is not None:
        scope.append(f"in {FinancialYear(terms.financial_year).label}")
    sentence = "; ".join(clauses)
    if scope:
        sentence = f"{' '.join(scope)}, {sentence}"
    return sentence[0].upper() + sentence[1:] + "."
