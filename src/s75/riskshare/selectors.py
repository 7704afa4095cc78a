"""Reads of risk-share terms, in the form the allocation functions take."""

from django.db.models import Q

from s75.agreements.models import Agreement

from .allocation import Cap, Rules, Terms
from .models import RiskShareTerms


def _rules(terms: RiskShareTerms) -> Rules:
    fixed = {term.party_id: term.fixed_percent for term in terms.party_terms.all() if term.fixed_percent is not None}
    return Rules(overspend=terms.overspend_rule, underspend=terms.underspend_rule, fixed_percent=fixed)


def allocation_terms(*, agreement: Agreement, financial_year: int) -> Terms:
    """The agreement's terms for the year (the year's own where set, else those for every year), partners keyed by
    party id and schedules by number; with none recorded, shares follow each partner's contribution."""
    recorded = list(
        RiskShareTerms.objects.filter(Q(financial_year=financial_year) | Q(financial_year__isnull=True),
                                      agreement=agreement)
        .select_related("schedule").prefetch_related("party_terms")
    )
    year_specific = [terms for terms in recorded if terms.financial_year == financial_year]
    chosen = year_specific or [terms for terms in recorded if terms.financial_year is None]
    fund_terms = next((terms for terms in chosen if terms.schedule_id is None), None)
    if fund_terms is None:
        return Terms()
    caps = {
        term.party_id: Cap(pence=term.cap_pence, percent=term.cap_percent)
        for term in fund_terms.party_terms.all()
        if term.cap_pence is not None or term.cap_percent is not None
    }
    return Terms(
        rules=_rules(fund_terms),
        schedule_rules={terms.schedule.number: _rules(terms) for terms in chosen if terms.schedule_id is not None},
        offset_first=fund_terms.offset_first,
        contingency_reserve=fund_terms.contingency_reserve_pence,
        caps=caps,
        maladministration_borne_by_host=fund_terms.maladministration_borne_by_host,
    )
