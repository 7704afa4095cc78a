"""The risk-share terms in the agreement file (``docs/agreement-file.md``): how they are written into the agreement's
document, checked in a file and loaded. Registered with the agreements app, which sits below riskshare, by
``RiskshareConfig.ready`` (``s75.agreements.file_parts``)."""

from decimal import Decimal

from django.db.models import F

from s75.agreements import file_checks
from s75.agreements.file_checks import FileChecks, is_int, parse_percent
from s75.agreements.file_loading import Loading
from s75.agreements.file_parts import FilePart
from s75.agreements.models import Agreement
from s75.core.fiscal import FinancialYear
from s75.core.money import format_percent, format_plain

from .models import RiskShareTerms
from .services import party_term_problems, risk_share_rule_problems, risk_share_terms_set


def risk_share_write(*, owner: Agreement, code_of: dict[int, str]) -> list[dict]:
    return [
        {
            "year": None if terms.financial_year is None else FinancialYear(terms.financial_year).label,
            "schedule": terms.schedule.number if terms.schedule_id else None,
            "overspend_rule": terms.overspend_rule,
            "underspend_rule": terms.underspend_rule,
            "offset_first": terms.offset_first,
            "contingency_reserve": format_plain(terms.contingency_reserve_pence),
            "maladministration_borne_by_host": terms.maladministration_borne_by_host,
            **({"recharges_pooled": True} if terms.recharges_pooled else {}),  # written only when set
            "parties": [
                {
                    "party": code_of[term.party_id],
                    "fixed_percent": None if term.fixed_percent is None else format_percent(term.fixed_percent),
                    "cap": None if term.cap_pence is None else format_plain(term.cap_pence),
                    "cap_percent": None if term.cap_percent is None else format_percent(term.cap_percent),
                }
                for term in terms.party_terms.order_by("party__position")
            ],
        }
        for terms in RiskShareTerms.objects.filter(agreement=owner).select_related("schedule").order_by(
            F("financial_year").asc(nulls_first=True), F("schedule__number").asc(nulls_first=True), "id"
        )
    ]


def risk_share_check(*, checks: FileChecks, path: str, entries) -> None:
    scopes: dict[tuple, int] = {}
    for index, terms in file_checks.entries(entries):
        at = f"{path}[{index}]"
        year_text, schedule = terms.get("year"), terms.get("schedule")
        year = None if year_text is None else checks.year(f"{at}.year", year_text)
        if is_int(schedule) and schedule not in checks.schedule_has_lead:
            checks.add(f"{at}.schedule", f"no schedule has the number {schedule}")
        if (year_text is None or year is not None) and (schedule is None or is_int(schedule)):
            if (year, schedule) in scopes:
                checks.add(at, f"{path}[{scopes[year, schedule]}] already sets the terms for the same year and "
                           f"schedule")
            else:
                scopes[year, schedule] = index
        reserve = checks.pence(f"{at}.contingency_reserve", terms.get("contingency_reserve"))
        if reserve is not None and reserve < 0:
            checks.add(f"{at}.contingency_reserve", "the contingency reserve cannot be negative")
        percents, unreadable = _party_terms_check(checks, at, terms.get("parties"))
        overspend_rule, underspend_rule = terms.get("overspend_rule"), terms.get("underspend_rule")
        if not (isinstance(overspend_rule, str) and isinstance(underspend_rule, str)):
            continue
        for field, message in risk_share_rule_problems(
            overspend_rule=overspend_rule, underspend_rule=underspend_rule, fixed_percents=percents,
            has_host=checks.has_host,
            schedule_has_lead_commissioner=checks.schedule_has_lead.get(schedule) if is_int(schedule) else None,
        ):
            if not (unreadable and field == "parties"):
                checks.add(f"{at}.{field}", message)


def _party_terms_check(checks: FileChecks, terms_path: str, party_terms) -> tuple[list[Decimal | None], bool]:
    """The fixed percentages read, and whether any could not be read (so their sum means nothing)."""
    seen: dict[str, int] = {}
    percents, unreadable = [], False
    for index, term in file_checks.entries(party_terms):
        path, party = f"{terms_path}.parties[{index}]", term.get("party")
        checks.party(f"{path}.party", party)
        if isinstance(party, str) and party in seen:
            checks.add(f"{path}.party", f"parties[{seen[party]}] already gives {party}'s terms")
        elif isinstance(party, str):
            seen[party] = index
        fixed = checks.percent(f"{path}.fixed_percent", term.get("fixed_percent"))
        unreadable = unreadable or (term.get("fixed_percent") is not None and fixed is None)
        cap = checks.pence(f"{path}.cap", term.get("cap"))
        cap_percent = checks.percent(f"{path}.cap_percent", term.get("cap_percent"))
        for field, message in party_term_problems(fixed_percent=fixed, cap_pence=cap, cap_percent=cap_percent):
            checks.add(f"{path}.{field}", message)
        percents.append(fixed)
    return percents, unreadable


def _optional(value, parse):
    return None if value is None else parse(value)


def risk_share_load(*, loading: Loading, path: str, entries: list, owner: Agreement) -> None:
    for index, entry in enumerate(entries):
        year, number, reserve = entry.get("year"), entry.get("schedule"), entry.get("contingency_reserve")
        with loading.at(f"{path}[{index}]"):
            risk_share_terms_set(
                actor=loading.actor, agreement=owner,
                financial_year=None if year is None else FinancialYear.parse(year).start_year,
                schedule=None if number is None else loading.schedules[number],
                overspend_rule=entry["overspend_rule"], underspend_rule=entry["underspend_rule"],
                offset_first=entry.get("offset_first", False),
                contingency_reserve_pence=0 if reserve is None else file_checks.pence(reserve),
                maladministration_borne_by_host=entry.get("maladministration_borne_by_host", True),
                recharges_pooled=entry.get("recharges_pooled", False),
                party_terms=[
                    {
                        "party": loading.parties[term["party"]],
                        "fixed_percent": _optional(term.get("fixed_percent"), parse_percent),
                        "cap_pence": _optional(term.get("cap"), file_checks.pence),
                        "cap_percent": _optional(term.get("cap_percent"), parse_percent),
                    }
                    for term in entry.get("parties", [])
                ],
            )


RISK_SHARE = FilePart(key="risk_share", in_schedule=False, write=risk_share_write, check=risk_share_check,
                      load=risk_share_load)
