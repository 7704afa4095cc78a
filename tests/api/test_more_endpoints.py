"""Consents, settlement runs, report versions, Better Care Fund plans and consultations: each as its pages scope it
(another organisation's is a 404, or missing from the list)."""

import datetime

import pytest

from s75.bcf.services import plan_create
from s75.monitoring.models import ConsentDecision
from s75.monitoring.services import consent_record
from tests.bcf.conftest import bcf_area
from tests.consultations.conftest import consult
from tests.factories import UserFactory

from .conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["consents", "settlement-runs", "reports"])
def test_the_funds_lists_are_the_funds_partners_only(url, writer, outsider, fund):
    assert writer.get(f"/api/v1/funds/{fund.pk}/{url}/").json() == {"next": None, "previous": None, "results": []}
    assert outsider.get(f"/api/v1/funds/{fund.pk}/{url}/").status_code == 404
    assert outsider.get(f"/api/v1/funds/{fund.pk}/reports/1/pdf/").status_code == 404


def test_a_plan_is_seen_by_its_partners_only(outsider):
    area = bcf_area()
    plan = plan_create(actor=area.manager, hwb=area.council.organisation, year=area.year, agreement=area.agreement)
    manager = token_client(area.manager)
    assert [row["id"] for row in manager.get("/api/v1/bcf/plans/").json()["results"]] == [plan.pk]
    detail = manager.get(f"/api/v1/bcf/plans/{plan.pk}/").json()
    assert detail["financial_year"] == "2025-26"
    assert detail["totals"]["income"] == {"pence": 0, "formatted": "£0.00"}
    assert outsider.get("/api/v1/bcf/plans/").json()["results"] == []
    assert outsider.get(f"/api/v1/bcf/plans/{plan.pk}/").status_code == 404


def test_a_consultation_is_seen_by_the_consulting_partners_staff_only(writer, outsider, fund):
    consultation = consult(fund.agreement)
    assert [row["id"] for row in writer.get("/api/v1/consultations/").json()["results"]] == [consultation.pk]
    detail = writer.get(f"/api/v1/consultations/{consultation.pk}/").json()
    assert detail["status"] == "closed" and detail["responses"] == {}
    assert outsider.get(f"/api/v1/consultations/{consultation.pk}/").status_code == 404


def test_a_consent_decision_reads_with_its_amount(writer, fund):
    nhs = fund.agreement.parties.get(is_host=False)
    finance_lead = UserFactory(role="Partner finance lead", organisation=nhs.organisation)
    consent_record(actor=finance_lead, party=nhs, financial_year=2024, month=6, decision=ConsentDecision.AGREE,
                   decided_on=datetime.date(2024, 10, 1), up_to_pence=250_000, note="Agreed at the board.")
    [consent] = writer.get(f"/api/v1/funds/{fund.pk}/consents/").json()["results"]
    assert (consent["party_id"], consent["financial_year"], consent["decision"]) == (nhs.pk, "2024-25", "agree")
    assert consent["up_to"] == {"pence": 250_000, "formatted": "£2,500.00"}
    assert consent["decided_on"] == "2024-10-01"
