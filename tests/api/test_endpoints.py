"""The agreement and fund endpoints: the pages' scoping (another organisation's agreement or fund is a 404), tokens
refused when revoked, expired or read only on a write, the rate limit per token, and writes audited with the token's
name."""

from datetime import timedelta

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from s75.agreements.models import Agreement
from s75.api.models import ApiToken, TokenEvent, TokenScope
from s75.api.services import api_token_revoke
from s75.audit.models import AuditEvent
from s75.organisations.models import Organisation
from tests.agreements.agreementfiles import LUTON_FILE
from tests.factories import UserFactory

from .conftest import spend, token_client

pytestmark = pytest.mark.django_db


def test_the_register_lists_only_the_agreements_the_user_sees(writer, outsider, fund):
    listed = writer.get("/api/v1/agreements/").json()
    assert [row["id"] for row in listed["results"]] == [fund.agreement_id]
    assert listed["next"] is None
    assert outsider.get("/api/v1/agreements/").json()["results"] == []


@pytest.mark.parametrize("url", [
    "/api/v1/agreements/{agreement}/", "/api/v1/agreements/{agreement}/file/", "/api/v1/funds/{fund}/",
    "/api/v1/funds/{fund}/balances/", "/api/v1/funds/{fund}/lines/", "/api/v1/funds/{fund}/mappings/",
    "/api/v1/funds/{fund}/imports/", "/api/v1/funds/{fund}/monitoring/2024-25/1/",
])
def test_another_organisations_agreement_and_fund_are_404_as_on_the_pages(url, writer, outsider, fund):
    url = url.format(agreement=fund.agreement_id, fund=fund.pk)
    assert writer.get(url).status_code == 200
    refused = outsider.get(url)
    assert refused.status_code == 404
    assert refused.json() == {"detail": "No agreement found" if "/agreements/" in url else "No fund found"}


def test_an_agreement_reads_with_its_parties_schedules_and_fund(writer, fund):
    agreement = writer.get(f"/api/v1/agreements/{fund.agreement_id}/").json()
    assert agreement["reference"] == fund.agreement.reference
    assert agreement["start_date"] == "2024-04-01"
    assert agreement["fund_id"] == fund.pk
    assert [schedule["number"] for schedule in agreement["schedules"]] == [1, 2]
    assert sum(party["is_host"] for party in agreement["parties"]) == 1


def test_the_agreement_file_comes_out_as_yaml(writer, fund):
    response = writer.get(f"/api/v1/agreements/{fund.agreement_id}/file/")
    assert response["Content-Type"].startswith("application/yaml")
    document = yaml.safe_load(response.content)
    assert document["format"] == "s75-agreement/1"
    assert document["agreement"]["reference"] == fund.agreement.reference


@pytest.fixture
def luton_manager(db):
    return UserFactory(role="Pooled fund manager", organisation=Organisation.objects.get(ons_code="E06000032"))


def _upload(client, content: bytes, name: str = "luton.yaml"):
    return client.post("/api/v1/agreements/file/", {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_an_agreement_file_loads_through_the_service_and_its_audit_names_the_token(luton_manager):
    client = token_client(luton_manager, name="Contracts system")
    response = _upload(client, LUTON_FILE.read_bytes())
    assert response.status_code == 201, response.json()
    agreement = Agreement.objects.get(pk=response.json()["id"])
    events = AuditEvent.objects.filter(agreement=agreement)
    assert events.count() > 1
    assert set(events.values_list("actor", flat=True)) == {luton_manager.pk}
    linked = TokenEvent.objects.filter(event__in=events)
    assert linked.count() == events.count()
    assert set(linked.values_list("token_name", flat=True)) == {"Contracts system"}


def test_a_bad_agreement_file_loads_nothing_and_says_where_each_problem_is(luton_manager):
    client = token_client(luton_manager)
    before = (Agreement.objects.count(), AuditEvent.objects.count())
    document = yaml.safe_load(LUTON_FILE.read_bytes())
    document["agreement"]["end_date"] = "not a date"
    response = _upload(client, yaml.safe_dump(document).encode())
    assert response.status_code == 400
    assert response.json()["detail"] == "The agreement file has problems: nothing was loaded"
    assert any(problem["field"] == "agreement.end_date" for problem in response.json()["problems"])
    assert (Agreement.objects.count(), AuditEvent.objects.count()) == before
    assert _upload(client, b"a: [", "x.yaml").status_code == 400
    too_big = _upload(client, b"#" * (5 * 1024 * 1024 + 1))
    assert too_big.status_code == 400 and too_big.json()["problems"][0]["field"] == "file"


def test_a_user_who_is_not_a_party_may_not_load_the_file(writer):
    response = _upload(writer, LUTON_FILE.read_bytes())
    assert response.status_code == 403
    assert "not a party" in response.json()["detail"]


def test_a_read_only_token_is_refused_on_every_write(luton_manager, reader, fund):
    luton_reader = token_client(luton_manager, scope=TokenScope.READ)
    before = AuditEvent.objects.count()
    for client, url in ((luton_reader, "/api/v1/agreements/file/"), (reader, f"/api/v1/funds/{fund.pk}/import-runs/")):
        response = client.post(url, {"file": SimpleUploadedFile("f.yaml", LUTON_FILE.read_bytes())},
                               format="multipart")
        assert response.status_code == 403
        assert response.json()["detail"].startswith("This token is read only")
    assert AuditEvent.objects.count() == before
    assert reader.get(f"/api/v1/funds/{fund.pk}/").status_code == 200


def test_revoked_expired_and_unknown_tokens_are_refused(manager, fund):
    client = token_client(manager)
    url = f"/api/v1/funds/{fund.pk}/"
    assert client.get(url).status_code == 200
    assert ApiToken.objects.get(pk=client.token.pk).last_used_at is not None
    api_token_revoke(actor=manager, token=client.token)
    refused = client.get(url)
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == 'Bearer realm="s75"'
    assert "revoked, it expired" in refused.json()["detail"]

    expiring = token_client(manager, name="Short")
    ApiToken.objects.filter(pk=expiring.token.pk).update(created_at=timezone.now() - timedelta(days=31),
                                                         expires_at=timezone.now() - timedelta(seconds=1))
    assert expiring.get(url).status_code == 401

    for header in ("Bearer s75_not-a-token", "Bearer", "Bearer a b", "Token abc"):
        other = APIClient()
        other.credentials(HTTP_AUTHORIZATION=header)
        assert other.get(url).status_code == 401
    assert APIClient().get(url).status_code == 401

    live = token_client(manager, name="Live")
    manager.is_active = False
    manager.save()
    assert live.get(url).status_code == 401


def test_the_rate_limit_counts_each_token_apart(settings, manager, fund):
    settings.S75_API_RATE = "3/min"
    first, second = token_client(manager, name="First"), token_client(manager, name="Second")
    assert [first.get("/api/v1/funds/").status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = first.get("/api/v1/funds/")
    assert int(limited["Retry-After"]) > 0
    assert second.get("/api/v1/funds/").status_code == 200


def test_ledger_lines_filter_and_come_in_pages(writer, fund):
    for month in (1, 1, 2):
        spend(fund, 12_345, month)
    lines = writer.get(f"/api/v1/funds/{fund.pk}/lines/", {"period": "2024-25/M01", "page_size": 2}).json()
    assert len(lines["results"]) == 2
    assert lines["results"][0]["amount"] == {"pence": 12345, "formatted": "£123.45"}
    assert lines["results"][0]["period"] == "2024-25/M01"
    rest = writer.get(lines["next"]).json()
    assert len(rest["results"]) == 2 and rest["next"] is None
    credits = writer.get(f"/api/v1/funds/{fund.pk}/lines/", {"amount_pence": -12345}).json()["results"]
    assert [line["amount"]["formatted"] for line in credits] == ["(£123.45)"] * 3
    refused = writer.get(f"/api/v1/funds/{fund.pk}/lines/", {"period": "2024/M13", "amount_pence": "x"})
    assert refused.status_code == 400
    assert {problem["field"] for problem in refused.json()["problems"]} == {"period", "amount_pence"}
    assert writer.get(f"/api/v1/funds/{fund.pk}/lines/", {"period": "2040-41/M01"}).status_code == 404


def test_balances_are_the_trial_balance_in_pence(writer, fund):
    spend(fund, 100_050, 1)
    balances = writer.get(f"/api/v1/funds/{fund.pk}/balances/", {"year": "2024-25"}).json()
    assert balances["year"] == "2024-25"
    by_role = {row["role"]: row["balance"]["pence"] for row in balances["accounts"] if row["balance"]["pence"]}
    assert sum(by_role.values()) == 0
    assert 100_050 in by_role.values()
