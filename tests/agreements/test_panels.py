"""The agreement pages' panels that the apps above agreements fill: budgets' years and riskshare's terms (the page
as at a date is in tests/agreements/test_views.py)."""

import pytest

from s75.agreements.panels import detail_panels
from s75.core.fiscal import FinancialYear
from s75.riskshare.services import risk_share_terms_set
from tests.factories import complete_agreement

pytestmark = pytest.mark.django_db


def test_the_agreements_page_has_its_years_and_risk_share_from_the_apps_that_own_them():
    agreement = complete_agreement()
    risk_share_terms_set(actor=None, agreement=agreement, financial_year=None, overspend_rule="host",
                         underspend_rule="contribution_share", party_terms=[])
    panels = detail_panels(agreement=agreement)
    assert panels["years"] == [FinancialYear(2024), FinancialYear(2025), FinancialYear(2026)]
    [line] = panels["risk_shares"]
    assert (line.schedule, line.year) == (None, None) and "borne by the host partner" in line.summary

