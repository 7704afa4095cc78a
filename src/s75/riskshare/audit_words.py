"""How the audit trail words the acts of this app's services (registered in ``RiskshareConfig.ready``)."""

from s75.audit.values import money_words, value_words
from s75.audit.wording import ActionWords


def _terms_set(event) -> str:
    year = event.after["financial_year"]
    scope = f"for {value_words(year, name='financial_year')}" if year else "for every year"
    return f"set the terms of the {event.object_repr[0].lower()}{event.object_repr[1:]} {scope}"


def _party_terms(value: list) -> str:
    lines = []
    for term in value:
        parts = [f"{term['fixed_percent']}%" if term["fixed_percent"] else "",
                 f"capped at {money_words(term['cap_pence'])}" if term["cap_pence"] is not None else "",
                 f"capped at {term['cap_percent']}%" if term["cap_percent"] else ""]
        lines.append(f"{term['party']}: {', '.join(part for part in parts if part) or 'no fixed share or cap'}")
    return "; ".join(lines)


RISKSHARE_WORDS = (
    ActionWords("risk_share_terms_set", "Risk-share terms set", _terms_set, labels={
        "schedule_id": "Schedule", "overspend_rule": "Overspend", "underspend_rule": "Underspend",
        "offset_first": "Overspends and underspends offset first", "contingency_reserve_pence": "Contingency reserve",
        "maladministration_borne_by_host": "Host bears the cost of maladministration",
        "recharges_pooled": "Recharged care shared as pooled spend",
        "party_terms": "Each partner's share and cap",
    }, values={"party_terms": _party_terms}),
)
