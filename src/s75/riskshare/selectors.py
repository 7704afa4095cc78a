"""Reads of risk-share terms, in the form the allocation functions take."""

from django.db.models import Q

from s75.agreements.models import Agreement

from .allocation import Cap, Rules, Terms
from .models import RiskShareTerms


def _rules(terms: RiskShareTerms) -> Rules:
    """The rules of one set of terms; a schedule's own also say who bears its spend outside the agreement and
    whether the care recharged on it is pooled."""
    fixed = {term.party_id: term.fixed_percent for term in terms.party_terms.all() if term.fixed_percent is not None}
    own = terms.schedule_id is not None
    return Rules(overspend=terms.overspend_rule, underspend=terms.underspend_rule, fixed_percent=fixed,
                 maladministration_borne_by_host=terms.maladministration_borne_by_host if own else None,
                 recharges_pooled=terms.recharges_pooled if own else None)


def allocation_terms(*, agreement: Agreement, financial_year: int) -> Terms:
    """The agreement's terms for the year, partners keyed by party id and schedules by number.

    Each scope (the fund, and each schedule with terms of its own) takes the year's own terms where set, else
    those for every year; with no fund terms recorded, shares follow each partner's contribution.
    """
    recorded = (
        RiskShareTerms.objects.filter(Q(financial_year=financial_year) | Q(financial_year__isnull=True),
                                      agreement=agreement)
        .select_related("schedule").prefetch_related("party_terms")
    )
    by_scope: dict[int | None, RiskShareTerms] = {}
    for terms in sorted(recorded, key=lambda terms: terms.financial_year is not None):  # the year's own win
        by_scope[terms.schedule.number if terms.schedule_id else None] = terms
    fund_terms = by_scope.pop(None, None)
    schedule_rules = {number: _rules(terms) for number, terms in by_scope.items()}
    if fund_terms is None:
        return Terms(schedule_rules=schedule_rules)
    caps = {
        term.party_id: Cap(pence=term.cap_pence, percent=term.cap_percent)
        for term in fund_terms.party_terms.all()
        if term.cap_pence is not None or term.cap_percent is not None
    }
    return Terms(
        rules=_rules(fund_terms),
        schedule_rules=schedule_rules,
        offset_first=fund_terms.offset_first,
        contingency_reserve=fund_terms.contingency_reserve_pence,
        caps=caps,
        maladministration_borne_by_host=fund_terms.maladministration_borne_by_host,
        recharges_pooled=fund_terms.recharges_pooled,
    )
