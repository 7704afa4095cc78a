"""The budgets pages: a year's financial schedule and a contribution set in pounds and pence; the instalment pages,
each partner's schedule with what has been received, setting instalments, recording a receipt typed as £1,234.56,
and the overdue instalments of every agreement the user may see; with downloads."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from s75.budgets.models import Contribution, FundingStream, Instalment, Receipt
from s75.budgets.services import contribution_set, instalment_set, receipt_record
from s75.ledger.models import AccountRole, Balance
from s75.ledger.services import fund_open
from tests.factories import UserFactory, complete_agreement

pytestmark = pytest.mark.django_db

@pytest.fixture
def officer_client(client, finance_officer):
    client.force_login(finance_officer)
    return client


@pytest.fixture
def reader_client(client, council):
    client.force_login(UserFactory(role="Board member", organisation=council.organisation))
    return client


@pytest.fixture
def instalments(agreement, nhs):
    return instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024)


def url(name, agreement, *args):
    return reverse(f"budgets:{name}", args=[agreement.pk, *args])


def test_the_schedule_shows_each_instalment_with_its_status(officer_client, agreement, nhs, instalments):
    receipt_record(actor=None, instalment=instalments[0], received_on=date(2024, 4, 1), amount_pence=13_375_000)
    receipt_record(actor=None, instalment=instalments[1], received_on=date(2024, 7, 1), amount_pence=123_456)
    response = officer_client.get(url("instalments", agreement))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{nhs}, 2024-25" in page
    assert "1 April 2024" in page and "1 January 2025" in page
    assert "£133,750.00" in page and "£1,234.56" in page and "£132,515.44" in page
    assert 'govuk-tag--green">Paid' in page
    # The agreement's dates are long past, so what is still owed is overdue.
    assert page.count('govuk-tag--red">Overdue') == 3
    assert page.count("Record a receipt<span") == 3  # not for the instalment paid in full
    assert "£535,000.00" in page and "£134,984.56" in page and "£400,015.44" in page  # the year's totals
    assert url("instalments_xlsx", agreement) in page and url("instalments_generate", agreement) in page


def test_instalments_that_no_longer_match_the_contributions_are_flagged(officer_client, agreement, nhs, instalments):
    from s75.budgets.models import FundingStream
    from s75.budgets.services import contribution_set

    contribution_set(actor=None, schedule=agreement.schedules.get(), party=nhs, financial_year=2024,
                     funding_stream=FundingStream.objects.get(code="dfg"), amount_pence=50_000)
    page = officer_client.get(url("instalments", agreement)).content.decode()
    assert "The instalments add up to £535,000.00, but" in page and "are £535,500.00" in page


def test_a_board_member_may_read_but_not_change_and_others_cannot_find_it(reader_client, agreement, instalments,
                                                                         client, manager):
    page = reader_client.get(url("instalments", agreement)).content.decode()
    assert "Record a receipt" not in page and "Set a partner" not in page
    assert reader_client.get(url("instalments_generate", agreement)).status_code == 403
    assert reader_client.post(url("instalments_generate", agreement), {}).status_code == 403
    receipt = url("receipt_record", agreement, instalments[0].pk)
    assert reader_client.get(receipt).status_code == 403
    assert reader_client.post(receipt, {"amount": "1.00"}).status_code == 403
    client.force_login(manager)
    for each in (url("instalments", agreement), url("instalments_xlsx", agreement),
                 url("instalments_generate", agreement), receipt):
        assert client.get(each).status_code == 404, each
    assert not Receipt.objects.exists()


def test_a_manager_sets_quarterly_instalments_and_they_post_to_the_ledger(officer_client, agreement, council):
    fund = fund_open(actor=None, agreement=agreement)
    form = officer_client.get(url("instalments_generate", agreement)).content.decode()
    assert 'value="quarterly"' in form and "checked" in form and '<option value="2024-25"' in form
    response = officer_client.post(url("instalments_generate", agreement), {
        "party": council.pk, "financial_year": "2024-25", "pattern": "quarterly",
    })
    assert response.status_code == 302 and response["Location"] == url("instalments", agreement)
    assert [i.amount_pence for i in Instalment.objects.filter(party=council)] == [13_375_000] * 4
    assert "4 instalments set for" in officer_client.get(response["Location"]).content.decode()
    income = Balance.objects.filter(fund=fund, account__role=AccountRole.CONTRIBUTIONS, account__party=council)
    assert sum(income.values_list("amount_pence", flat=True)) == -53_500_000


def test_a_year_without_contributions_or_already_set_is_refused_in_the_error_summary(officer_client, agreement,
                                                                                    nhs, instalments):
    response = officer_client.post(url("instalments_generate", agreement), {
        "party": nhs.pk, "financial_year": "2025-26", "pattern": "annual",
    })
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "has no contribution to a pooled schedule for 2025-26" in page
    assert '<a href="#id_financial_year">' in page  # each problem beside the field it concerns
    response = officer_client.post(url("instalments_generate", agreement), {
        "party": nhs.pk, "financial_year": "2024-25", "pattern": "monthly",
    })
    page = response.content.decode()
    assert "already has instalments for 2024-25: replace them instead" in page
    assert '<a href="#id_replace">' in page
    response = officer_client.post(url("instalments_generate", agreement), {
        "party": nhs.pk, "financial_year": "2024-25", "pattern": "monthly", "replace": "on",
    })
    assert response.status_code == 302 and Instalment.objects.filter(party=nhs).count() == 12


def test_a_receipt_typed_in_pounds_is_recorded_and_posted(officer_client, agreement, nhs, instalments):
    fund = fund_open(actor=None, agreement=agreement)  # posts the instalments set before it
    receipt_url = url("receipt_record", agreement, instalments[0].pk)
    page = officer_client.get(receipt_url).content.decode()
    assert "Record a receipt" in page and "£133,750.00" in page
    response = officer_client.post(receipt_url, {
        "received_on-day": "15", "received_on-month": "4", "received_on-year": "2024", "amount": "£1,234.56",
        "reference": "REM-1",
    })
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    assert (receipt.amount_pence, receipt.received_on, receipt.reference) == (123_456, date(2024, 4, 15), "REM-1")
    cash = Balance.objects.get(fund=fund, account__role=AccountRole.CASH)
    assert (cash.amount_pence, cash.period.label) == (123_456, "2024-25/M01")
    assert "£1,234.56 received from" in officer_client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        ("12.345", "has fractions of a penny"),
        ("", "Enter the amount received"),
        ("twelve", "is not an amount"),
        ("-5", "The amount received must be more than nothing"),
        ("£133,750.01", "The amount is more than the £133,750.00 outstanding on instalment 1"),
    ],
)
def test_a_bad_amount_shows_the_error_and_saves_nothing(officer_client, agreement, instalments, amount, problem):
    response = officer_client.post(url("receipt_record", agreement, instalments[0].pk), {
        "received_on-day": "15", "received_on-month": "4", "received_on-year": "2024", "amount": amount,
    })
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert problem in page
    assert '<a href="#id_amount">' in page  # the summary links to the amount
    assert not Receipt.objects.exists()


def test_a_receipt_for_an_instalment_of_another_agreement_is_not_found(officer_client, agreement):
    other = complete_agreement()
    foreign = instalment_set(actor=None, agreement=other, party=other.parties.get(is_host=False),
                             financial_year=2024)[0]
    assert officer_client.get(url("receipt_record", agreement, foreign.pk)).status_code == 404


def test_the_instalments_download_as_a_workbook(officer_client, agreement, nhs, instalments):
    receipt_record(actor=None, instalment=instalments[0], received_on=date(2024, 4, 1), amount_pence=50)
    response = officer_client.get(url("instalments_xlsx", agreement))
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Partner", "Financial year", "No.", "Funding stream", "Due on", "Amount", "Received",
                       "Outstanding", "Status")
    assert rows[1][:4] == (str(nhs), "2024-25", 1, "All streams")
    assert rows[1][4].date() == date(2024, 4, 1)
    assert rows[1][5:] == (133_750, Decimal("0.50"), Decimal("133749.50"), "Overdue")
    assert len(rows) == 5


def test_overdue_instalments_of_every_visible_agreement(officer_client, agreement, nhs, instalments, client,
                                                        manager):
    receipt_record(actor=None, instalment=instalments[0], received_on=date(2024, 4, 1), amount_pence=13_375_000)
    response = officer_client.get(reverse("ledger:instalments_overdue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 overdue instalments" in page and agreement.title in page
    assert "1 July 2024" not in page and "1 Jul 2024" in page
    response = officer_client.get(reverse("ledger:instalments_overdue_xlsx"))
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Agreement" and rows[0][-1] == "Days overdue"
    assert [row[3] for row in rows[1:]] == [2, 3, 4]
    client.force_login(manager)
    assert "No instalment is overdue" in client.get(reverse("ledger:instalments_overdue")).content.decode()
    rows = list(load_workbook(BytesIO(client.get(reverse("ledger:instalments_overdue_xlsx")).content))
                .active.iter_rows(values_only=True))
    assert len(rows) == 1


# The financial schedule of an agreement for a year: the page, and the workbook a finance officer downloads.

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


# Setting a contribution in pounds and pence from the schedule's page.

def _contribution(luton, amount: str) -> dict:
    return {
        "schedule": str(luton.schedules.get(number=1).pk), "party": str(luton.parties.get(is_host=True).pk),
        "financial_year": "2014-15", "funding_stream": str(FundingStream.objects.get(code="core").pk),
        "amount": amount,
    }


def test_set_a_contribution_in_pounds_and_pence(manager_client, luton):
    response = manager_client.post(reverse("budgets:contribution_set", args=[luton.pk]),
                                   _contribution(luton, "£1,234.56"))
    assert response.url == reverse("agreements:schedule_detail", args=[luton.pk, 1])
    contribution = Contribution.objects.get(financial_year=2014)
    assert contribution.amount_pence == 123456


def test_a_bad_amount_shows_the_money_error_and_saves_nothing(manager_client, luton):
    before = Contribution.objects.count()
    response = manager_client.post(reverse("budgets:contribution_set", args=[luton.pk]),
                                   _contribution(luton, "£12.345"))
    assert response.status_code == 200
    page = response.content.decode()
    message = "&#x27;£12.345&#x27; has fractions of a penny: give at most two decimal places"
    assert f'<a href="#id_amount">{message}</a>' in page
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in page
    assert 'class="govuk-input govuk-input--width-10 govuk-input--error"' in page
    assert Contribution.objects.count() == before


def test_a_bad_year_and_a_negative_amount_are_explained(manager_client, luton):
    data = {**_contribution(luton, "100"), "financial_year": "2014-16"}
    page = manager_client.post(reverse("budgets:contribution_set", args=[luton.pk]), data).content.decode()
    assert "the second year must follow the first" in page
    page = manager_client.post(reverse("budgets:contribution_set", args=[luton.pk]),
                               _contribution(luton, "(100.00)")).content.decode()
    assert '<li><a href="#id_amount">A contribution cannot be negative</a></li>' in page
