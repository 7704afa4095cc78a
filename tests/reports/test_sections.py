"""The report's sections: the consent section shows each partner's recovery position as the dashboard does."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from s75.core.fiscal import FinancialYear, Quarter
from s75.core.money import format_gbp
from s75.ledger.services import fund_open
from s75.monitoring.models import ManualForecast
from s75.monitoring.selectors import monitoring_report
from s75.monitoring.services import recovery_action_add
from s75.reports.sections import ReportContext, collect_consent
from tests.factories import UserFactory, complete_agreement

pytestmark = pytest.mark.django_db


def test_the_consent_section_and_the_dashboard_show_the_same_recovery_position():
    fund = fund_open(actor=None, agreement=complete_agreement())
    nhs = fund.agreement.parties.get(is_host=False)
    ManualForecast.objects.create(schedule=fund.agreement.schedules.get(), financial_year=2024, month=6,
                                  amount_pence=1_170_000_00)
    recovery_action_add(actor=None, party=nhs, financial_year=2024, description="Recycle equipment",
                        saving_pence=30_000_00, owner="Store manager", due_date=date(2025, 1, 31))
    report = monitoring_report(agreement=fund.agreement, year=FinancialYear(2024), month=6)
    consent = collect_consent(ReportContext(fund, Quarter.parse("2024-25/Q2"), report))
    [partner] = [partner for partner in consent["partners"] if partner["bound"]]
    assert (partner["excess"], partner["planned_savings"], partner["still_to_find"]) == (50_000_00, 30_000_00,
                                                                                         20_000_00)

    browser = Client()
    browser.force_login(UserFactory(role="Board member", organisation=nhs.organisation))
    page = browser.get(f"{reverse('monitoring:dashboard', args=[fund.pk])}?period=2024-25/M06").content.decode()
    money = [format_gbp(partner[key], show_pence=True) for key in ("planned_savings", "excess", "still_to_find")]
    assert "{} of savings planned against a projected excess of {}: {} still to find".format(*money) in page
