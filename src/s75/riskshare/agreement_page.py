"""The risk share as the agreement's page states it: each set of terms, what it applies to, in one sentence."""

from dataclasses import dataclass

from s75.agreements.models import Agreement, Schedule
from s75.agreements.selectors import agreement_risk_share_terms
from s75.core.fiscal import FinancialYear

from .services import risk_share_summary


@dataclass(frozen=True)
class RiskShareLine:
    """One set of risk-share terms as the agreement page states them: what it covers and the terms in words."""

    schedule: Schedule | None
    year: FinancialYear | None
    summary: str


def risk_share_lines(*, agreement: Agreement) -> list[RiskShareLine]:
    """The terms for the whole fund first, then each schedule's; those for every year before those for one."""
    return [
        RiskShareLine(
            terms.schedule, None if terms.financial_year is None else FinancialYear(terms.financial_year),
            risk_share_summary(terms),
        )
        for terms in agreement_risk_share_terms(agreement=agreement)
    ]
