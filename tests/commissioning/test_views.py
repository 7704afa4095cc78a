"""The lead-commissioning pages: 200 for a user of a partner, 404 for an outsider, 403 for a change without the
permission; the filters, the change form and the statement."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify
from openpyxl import load_workbook

from s75.commissioning.models import Provider, Recharge
from s75.core.fiscal import FinancialMonth, FinancialYear
from tests.factories import UserFactory

from .conftest import place

APRIL = FinancialMonth(FinancialYear(2024), 1)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(council):
    return signed_in(UserFactory(role="Pooled fund manager", organisation=council.organisation))


@pytest.fixture
def board(council):
    """Sees the agreement, may not change a package."""
    return signed_in(UserFactory(role="Board member", organisation=council.organisation))


@pytest.fixture
def outsider(db):
    return signed_in(UserFactory(role="Pooled fund manager"))


@pytest.fixture
def urls(agreement, package, nhs):
    return {
        "packages": reverse("commissioning:packages", args=[agreement.pk]),
        "packages_xlsx": reverse("commissioning:packages_xlsx", args=[agreement.pk]),
        "package": reverse("commissioning:package", args=[agreement.pk, package.pk]),
        "statement": reverse("commissioning:statement", args=[agreement.pk, nhs.pk, APRIL]),
        "statement_xlsx": reverse("commissioning:statement_xlsx", args=[agreement.pk, nhs.pk, APRIL]),
        "statement_pdf": reverse("commissioning:statement_pdf", args=[agreement.pk, nhs.pk, APRIL]),
    }


@pytest.mark.parametrize("page", ["packages", "packages_xlsx", "package", "statement", "statement_xlsx",
                                  "statement_pdf"])
def test_each_page_is_shown_to_a_partners_user_and_is_a_404_to_an_outsider(urls, board, outsider, page):
    assert board.get(urls[page]).status_code == 200
    assert outsider.get(urls[page]).status_code == 404


def test_the_statement_links_to_its_pdf_which_is_a_pdf_named_for_the_partner_and_month(urls, board, nhs):
    assert urls["statement_pdf"] in board.get(urls["statement"]).content.decode()
    response = board.get(urls["statement_pdf"])
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].endswith(f'-recharge-{slugify(nhs.name_in_agreement)}-2024-25-m01.pdf"')


def test_the_statements_linked_are_of_the_last_month_ended_or_of_the_terms_last_month(agreement, package, board):
    page = board.get(reverse("commissioning:packages", args=[agreement.pk])).content.decode()
    last = FinancialMonth.containing(date.today().replace(day=1) - timedelta(days=1))
    if date.today() <= agreement.end_date:
        assert f"/{last.label}/" in page
    agreement.__class__.objects.filter(pk=agreement.pk).update(end_date=date(2025, 3, 31))
    page = board.get(reverse("commissioning:packages", args=[agreement.pk])).content.decode()
    assert "/2024-25/M12/" in page and f"/{last.label}/" not in page


def test_the_agreement_page_links_to_the_packages(agreement, package, board):
    page = board.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert "1 care package placed" in page
    assert reverse("commissioning:packages", args=[agreement.pk]) in page


def test_the_packages_list_filters_by_partner_and_reference(agreement, package, contract, council, urls, board):
    place(contract, "JOINT-7", [(council, 5000), (package.funding.get().party, 5000)])
    everything = board.get(urls["packages"]).content.decode()
    assert "PKG-0001" in everything and "JOINT-7" in everything and "2 packages" in everything
    councils = board.get(urls["packages"], {"partner": council.pk}).content.decode()
    assert "JOINT-7" in councils and "PKG-0001" not in councils
    sheet = load_workbook(io.BytesIO(
        board.get(urls["packages_xlsx"], {"reference": "joint"}).content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["JOINT-7"]


def test_a_change_is_recorded_from_the_package_page_and_moves_the_statement(package, urls, manager):
    before = manager.get(urls["statement"]).content.decode()
    assert "£857.15" in before
    response = manager.post(urls["package"], {"effective_from-day": "15", "effective_from-month": "4",
                                              "effective_from-year": "2024", "rate": "£21.00",
                                              "units_per_week": "10"})
    assert response.status_code == 302
    assert list(package.versions.values_list("effective_from", "pence_per_unit")) == [
        (date(2024, 4, 1), 2000), (date(2024, 4, 15), 2100)]
    # 1-14 April at £200 a week (£400), 15-30 April at £210 a week: two weeks and two days (£480).
    assert "£880.00" in manager.get(urls["statement"]).content.decode()


def test_a_refused_change_is_shown_beside_its_field(package, urls, manager):
    response = manager.post(urls["package"], {"effective_from-day": "1", "effective_from-month": "4",
                                              "effective_from-year": "2024", "rate": "21",
                                              "units_per_week": "ten"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the units a week as a number" in page
    assert package.versions.count() == 1


def test_a_change_without_the_permission_is_refused(package, urls, board):
    page = board.get(urls["package"]).content.decode()
    assert "Record a change" not in page
    assert board.post(urls["package"], {"rate": "21"}).status_code == 403


def test_the_statement_shows_its_lines_total_and_a_chooser_of_the_terms_months(urls, board, contract, nhs):
    place(contract, "PKG-0002", [(nhs, 10_000)], rate=3000, units=Decimal(7))
    page = board.get(urls["statement"]).content.decode()
    assert "PKG-0001" in page and "PKG-0002" in page
    assert "£1,757.15" in page  # £857.15 + 30 days at £30
    assert '<option value="2024-25/M02">May (2024-25/M02)</option>' in page
    assert '<option value="2026-27/M12">' in page and "2027-28/M01" not in page  # the term's months only
    chosen = board.get(urls["statement"], {"month": "2024-25/M02"})
    assert chosen["Location"] == urls["statement"].replace("2024-25/M01", "2024-25/M02")
    assert board.get(urls["statement"], {"month": "May"}).status_code == 200


@pytest.fixture
def statement_actions(agreement, nhs):
    def url(name, *extra):
        return reverse(f"commissioning:{name}", args=[agreement.pk, nhs.pk, APRIL, *extra])
    return url


def test_the_manager_disputes_a_line_resolves_it_posts_and_reverses_from_the_statement(
        package, contract, nhs, urls, manager, statement_actions):
    other = place(contract, "PKG-0002", [(nhs, 10_000)], rate=3000, units=Decimal(7))
    page = manager.get(urls["statement"]).content.decode()
    assert "Dispute a line" in page and "Post the recharge of £1,757.15" in page
    manager.post(statement_actions("dispute_mark"), {"package": other.pk, "reason": "Not delivered"})
    page = manager.get(urls["statement"]).content.decode()
    assert "Post the recharge of £857.15" in page and "Not delivered" in page
    dispute = other.disputes.get()
    manager.post(statement_actions("dispute_resolve", dispute.pk), {"outcome": "withdrawn"})
    dispute.refresh_from_db()
    assert dispute.outcome == "withdrawn"
    response = manager.post(statement_actions("recharge_post"), follow=True)
    assert "The recharge for 2024-25/M01 was posted to the ledger" in response.content.decode()
    assert Recharge.objects.get().total_pence == 85715
    response = manager.post(statement_actions("recharge_reverse"), {"reason": ""})
    assert "Say why the recharge is reversed" in response.content.decode()
    manager.post(statement_actions("recharge_reverse"), {"reason": "Wrong rate"})
    assert Recharge.objects.get().reversal is not None


def test_a_refused_posting_is_shown_on_the_statement(package, nhs, manager, statement_actions):
    manager.post(statement_actions("recharge_post"))
    response = manager.post(statement_actions("recharge_post"), follow=True)
    assert "already posted" in response.content.decode()
    assert Recharge.objects.count() == 1


@pytest.mark.parametrize("action", ["recharge_post", "recharge_reverse", "dispute_mark"])
def test_the_statements_acts_need_the_permission(package, board, outsider, statement_actions, action):
    assert board.post(statement_actions(action), {"reason": "x"}).status_code == 403
    assert outsider.post(statement_actions(action), {"reason": "x"}).status_code == 404
    assert not Recharge.objects.exists()


def test_a_file_is_loaded_from_the_import_page_by_the_manager_only(agreement, package, manager, board, outsider,
                                                                   tmp_path):
    url = reverse("commissioning:import", args=[agreement.pk])
    assert url in manager.get(reverse("commissioning:packages", args=[agreement.pk])).content.decode()
    assert url not in board.get(reverse("commissioning:packages", args=[agreement.pk])).content.decode()
    assert board.get(url).status_code == 403 and outsider.get(url).status_code == 404
    providers = io.BytesIO(b"Provider,Type\nMeon Care Ltd,home care\nBad Ltd,hospital\n")
    providers.name = "providers.csv"
    page = manager.post(url, {"kind": "providers", "file": providers}).content.decode()
    assert "Row 3: the type “hospital” is not one of" in page and "There is a problem" in page
    assert not Provider.objects.filter(name="Meon Care Ltd").exists()
    checked = io.BytesIO(b"Provider,Type\nMeon Care Ltd,home care\n")
    checked.name = "providers.csv"
    response = manager.post(url, {"kind": "providers", "file": checked, "dry_run": "on"}, follow=True)
    assert "providers.csv was checked, and nothing saved: 1 providers loaded" in response.content.decode()
    assert not Provider.objects.filter(name="Meon Care Ltd").exists()
    contracts = io.BytesIO("Contract,Schedule,Provider,Start,End,Ceiling value,Rate unit,Band,Rate\n"
                           f"HC-9,1,{package.contract.provider.name},2024-04-01,2025-03-31,90000,hour,,22.00\n"
                           .encode())
    contracts.name = "contracts.csv"
    response = manager.post(url, {"kind": "contracts", "file": contracts}, follow=True)
    assert "contracts.csv was loaded: 1 contracts loaded, 0 already loaded" in response.content.decode()
    assert agreement.schedules.get().contracts.get(reference="HC-9").rates.get().pence_per_unit == 2200
