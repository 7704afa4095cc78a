"""The national and regional page and its workbook: who may see them, what they show, the filters."""

import re
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from s75.bcf.checks import CHECKS, CONDITIONS_CONFIRMED
from s75.bcf.models import Allocation, ListName
from s75.bcf.national import national_inputs_version
from s75.bcf.services import condition_confirm
from s75.organisations.models import OrganisationKind
from s75.organisations.services import organisation_upsert
from tests.bcf.test_national import _second_plan
from tests.factories import NhsBodyFactory, OrganisationFactory, UserFactory


@pytest.fixture
def nhs_england(db):
    return UserFactory(organisation=OrganisationFactory(kind=OrganisationKind.NHS_ENGLAND, name="NHS England"),
                       role="NHS England")


def test_nhs_england_sees_every_plan(client, plan, nhs_england):
    other = _second_plan(icb=NhsBodyFactory(region="London"))
    client.force_login(nhs_england)
    response = client.get(reverse("bcf:national"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Plans in England" in page
    assert plan.hwb.name in page and other.hwb.name in page
    assert "£30,000,000.00" in page  # the income of both plans
    assert 'class="s75-chart s75-chart--bars"' in page and "Planned expenditure by scheme type" in page
    assert 'role="region" aria-label="Plans failing each check"' in page
    assert '<caption class="govuk-table__caption govuk-table__caption--m">Plans</caption>' in page
    filtered = client.get(reverse("bcf:national"), {"region": "London"}).content.decode()
    assert other.hwb.name in filtered and plan.hwb.name not in filtered


def test_icb_user_sees_only_its_areas(client, plan, area):
    other = _second_plan()
    client.force_login(UserFactory(organisation=area.icb.organisation, role="Partner finance lead"))
    page = client.get(reverse("bcf:national")).content.decode()
    assert "Plans of your Health and Wellbeing Board areas" in page
    assert plan.hwb.name in page and other.hwb.name not in page


@pytest.mark.parametrize("name", ["bcf:national", "bcf:national_xlsx"])
def test_council_user_refused(client, plan, area, name):
    client.force_login(area.manager)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["bcf:national", "bcf:national_xlsx"])
def test_anonymous_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_unknown_filter_is_an_error(client, plan, nhs_england):
    client.force_login(nhs_england)
    page = client.get(reverse("bcf:national"), {"status": "lost"}).content.decode()
    assert "There is a problem" in page and "Select a valid choice" in page
    assert plan.hwb.name in page  # every plan, unfiltered


def test_workbook_has_a_sheet_per_table(client, plan, nhs_england):
    client.force_login(nhs_england)
    response = client.get(reverse("bcf:national_xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Checks", "Sources", "Scheme types", "Areas of spend", "Commissioners",
                                   "Provider types", "Plans"]
    plans = workbook["Plans"]
    assert [cell.value for cell in plans[1]][:6] == ["Area", "ICBs", "Year", "Status", "Income",
                                                      "Planned expenditure"]
    row = [cell.value for cell in plans[2]]
    assert row[0] == plan.hwb.name and row[4] == 15_000_000 and row[5] == 15_000_000
    assert float(row[8]) == pytest.approx(0.45)
    types = {row[0].value: row[1].value for row in workbook["Scheme types"].iter_rows(min_row=2)}
    assert types == {"Home care or domiciliary care": 7_500_000, "Home-based intermediate care": 5_500_000,
                     "DFG related schemes": 2_000_000}


# Kept in the cache (docs/adr/0008) -----------------------------------------------------------------------------------

def _queries(client, url, **params) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return [query["sql"] for query in queries]


def test_a_second_request_reads_only_the_version(client, plan, nhs_england):
    client.force_login(nhs_england)
    url = reverse("bcf:national")
    first = _queries(client, url)
    again = _queries(client, url)
    assert any("bcf_expenditureline" in sql for sql in first)
    assert not any("bcf_expenditureline" in sql or "bcf_income" in sql for sql in again)
    assert len(again) < len(first) - 10
    workbook = reverse("bcf:national_xlsx")
    assert any("bcf_expenditureline" in sql for sql in _queries(client, workbook)), "its tables are kept apart"
    assert not any("bcf_expenditureline" in sql for sql in _queries(client, workbook))
    assert any("bcf_expenditureline" in sql for sql in _queries(client, url, status="draft")), "other filters"


def test_a_change_is_shown_on_the_next_request(client, area, plan, nhs_england):
    client.force_login(nhs_england)
    url = reverse("bcf:national")
    assert _plans_failing(client.get(url), CONDITIONS_CONFIRMED) == "0"
    condition_confirm(actor=None, plan=plan, condition=area.year.items.filter(
        list=ListName.NATIONAL_CONDITION).first(), confirmed=False)
    assert _plans_failing(client.get(url), CONDITIONS_CONFIRMED) == "1"
    organisation = area.council.organisation
    organisation_upsert(actor=None, kind=organisation.kind, name="Renamed Council", ons_code=organisation.ons_code,
                        ods_code=organisation.ods_code)
    assert "Renamed Council" in client.get(url).content.decode()


def test_readers_of_different_scopes_do_not_share_what_is_kept(client, plan, area, nhs_england):
    other = _second_plan()
    url = reverse("bcf:national")
    client.force_login(nhs_england)
    assert other.hwb.name in client.get(url).content.decode()
    client.force_login(UserFactory(organisation=area.icb.organisation, role="Partner finance lead"))
    page = client.get(url).content.decode()
    assert plan.hwb.name in page and other.hwb.name not in page
    client.force_login(nhs_england)
    assert other.hwb.name in client.get(url).content.decode()


def test_a_change_in_the_admin_moves_the_version_on(admin_client, area, plan):
    allocation = Allocation.objects.get(hwb=area.council.organisation, year=area.year)
    before = national_inputs_version()
    response = admin_client.post(f"/admin/bcf/allocation/{allocation.pk}/change/", {
        "hwb": allocation.hwb_id, "year": allocation.year_id, "nhs_minimum_pence": allocation.nhs_minimum_pence,
        "asc_minimum_pence": allocation.asc_minimum_pence + 1})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert national_inputs_version() != before


def _plans_failing(response, check: str) -> str:
    """The number of plans failing ``check`` in the page's table of checks."""
    page = re.sub(r">\s+<", "><", response.content.decode())
    return re.search(re.escape(CHECKS[check]) + r'</th><td class="[^"]*">(\d+)<', page)[1]
