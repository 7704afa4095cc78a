"""The financial schedule of an agreement for a year: the page, and the workbook a finance officer downloads."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from s75.budgets.models import FundingStream
from s75.budgets.services import contribution_set

pytestmark = pytest.mark.django_db


def test_shows_each_partners_contributions_and_the_totals(manager_client, luton):
    response = manager_client.get(reverse("budgets:financial_schedule", args=[luton.pk, "2013-14"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Financial schedule 2013-14" in page
    totals = page[page.index("<tfoot>"):page.index("</tfoot>")]
    cells = [cell.split("</td>")[0] for cell in totals.split('govuk-table__cell--numeric">')[1:]]
    assert cells == ["£3,102,500", "£3,493,500", "£6,596,000"]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">—</td>' in page  # the council's blank line
    assert "£4,182,000" in page  # LD Pooled Purchasing Budget, both partners


def test_a_table_with_any_pence_shows_pence_throughout_so_that_it_adds_up(manager_client, luton, luton_manager):
    contribution_set(actor=luton_manager, schedule=luton.schedules.get(number=1), party=luton.parties.get(is_host=True),
                     financial_year=2013, funding_stream=FundingStream.objects.get(code="additional"),
                     amount_pence=50)
    page = manager_client.get(reverse("budgets:financial_schedule", args=[luton.pk, "2013-14"])).content.decode()
    totals = page[page.index("<tfoot>"):page.index("</tfoot>")]
    cells = [cell.split("</td>")[0] for cell in totals.split('govuk-table__cell--numeric">')[1:]]
    assert cells == ["£3,102,500.50", "£3,493,500.00", "£6,596,000.50"]
    assert "£44,500.50" in page and "£89,000.50" in page  # schedule 1: the council's share, and the row's total
    assert "£535,000.00" in page
    # Another year's table has only whole pounds, so it shows whole pounds.
    page = manager_client.get(reverse("budgets:financial_schedule", args=[luton.pk, "2014-15"])).content.decode()
    totals = page[page.index("<tfoot>"):page.index("</tfoot>")]
    assert "£0<" in totals and "£0.00" not in totals


def test_switches_between_the_years_of_the_term(manager_client, luton):
    page = manager_client.get(reverse("budgets:financial_schedule", args=[luton.pk, "2014-15"])).content.decode()
    assert 'aria-current="page">2014-15</a>' in page
    assert reverse("budgets:financial_schedule", args=[luton.pk, "2013-14"]) in page
    assert reverse("budgets:financial_schedule", args=[luton.pk, "2015-16"]) in page


def test_a_board_member_may_read_it_but_another_organisation_cannot_find_it(board_client, luton, client, manager):
    url = reverse("budgets:financial_schedule", args=[luton.pk, "2013-14"])
    assert board_client.get(url).status_code == 200
    client.force_login(manager)
    assert client.get(url).status_code == 404
    assert client.get(reverse("budgets:financial_schedule_xlsx", args=[luton.pk, "2013-14"])).status_code == 404


def test_a_year_that_is_not_a_financial_year_is_not_found(manager_client, luton):
    assert manager_client.get(f"/agreements/{luton.pk}/finance/2013-15/").status_code == 404


def test_the_workbook_holds_pounds_as_numbers_and_totals_as_sums(manager_client, luton, luton_manager):
    contribution_set(actor=luton_manager, schedule=luton.schedules.get(number=1), party=luton.parties.get(is_host=True),
                     financial_year=2013, funding_stream=FundingStream.objects.get(code="additional"),
                     amount_pence=50)
    response = manager_client.get(reverse("budgets:financial_schedule_xlsx", args=[luton.pk, "2013-14"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="luton-s75-s76-2013-financial-schedule-2013-14.xlsx"'
    )
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["2013-14"]
    sheet = workbook["2013-14"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("No.", "Schedule", "Funding type", "Luton Borough Council",
                       "NHS Luton Clinical Commissioning Group", "Total")
    assert rows[1] == (1, "Head of Adult Joint Commissioning", "Pooled", Decimal("44500.50"), 44500, "=SUM(D2:E2)")
    assert rows[2] == (2, "Joint Equipment Store", "Pooled", 535000, 535000, "=SUM(D3:E3)")
    assert rows[5] == (5, "LD NHS Purchasing Budget", "Aligned", None, 540000, "=SUM(D6:E6)")
    assert rows[6] == (None, "Total", None, "=SUM(D2:D6)", "=SUM(E2:E6)", "=SUM(F2:F6)")
    assert all(cell.font.bold for cell in sheet[7]) and all(cell.font.bold for cell in sheet[1])
    assert sheet["D2"].number_format == "#,##0.00;(#,##0.00)"
    assert sheet["F7"].number_format == "#,##0.00;(#,##0.00)"
    assert sheet.freeze_panes == "A2"
    money = [cell for row in sheet.iter_rows(min_row=2, max_row=6, min_col=4, max_col=5, values_only=True)
             for cell in row if cell is not None]
    assert sum(Decimal(str(value)) for value in money) == Decimal("6596000.50")


def test_the_year_pagination_links_to_each_year_of_the_term(manager_client, luton):
    page = manager_client.get(f"/agreements/{luton.pk}/finance/2013-14/").content.decode()
    assert f'href="/agreements/{luton.pk}/finance/2014-15/" rel="next"' in page
    assert 'aria-current="page">2013-14</a>' in page
