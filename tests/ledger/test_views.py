"""The ledger pages: the fund's year from the running balances, the lines behind any figure, one entry and its
reversal, closing periods, opening a fund's ledger. Each is 200 for a partner's staff, 404 for another
organisation, 403 for a change the user's role does not allow."""

from io import BytesIO

import pytest
from django.urls import reverse

from s75.core.exports import XLSX_CONTENT_TYPE
from s75.ledger import views
from s75.ledger.models import AccountRole, EntryKind, JournalEntry, PeriodStatus
from tests.factories import UserFactory, complete_agreement
from tests.ledger.conftest import period, spend

pytestmark = pytest.mark.django_db


@pytest.fixture
def host(fund):
    return fund.agreement.parties.get(is_host=True)


@pytest.fixture
def officer(host):
    return UserFactory(role="Pooled fund manager", organisation=host.organisation)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def reader_client(client, host):
    client.force_login(UserFactory(role="Board member", organisation=host.organisation))
    return client


@pytest.fixture
def outsider_client(client, manager):
    client.force_login(manager)
    return client


def fund_url(fund, **query):
    url = reverse("ledger:fund", args=[fund.pk])
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def lines_url(fund):
    return reverse("ledger:lines", args=[fund.pk])


# The fund's year -----------------------------------------------------------------------------------------------

def test_the_fund_page_shows_the_year_from_the_running_balances(officer_client, fund, spent):
    response = officer_client.get(fund_url(fund, year="2024-25"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pooled fund ledger 2024-25" in page
    trial = page[page.index('id="trial-balance"'):page.index('id="periods"')]
    assert "Expenditure: Joint Equipment Store" in trial and "£1,250.50" in trial
    totals = trial[trial.index("<tfoot>"):trial.index("</tfoot>")]
    assert totals.count("£1,250.50") == 2  # debits equal credits
    matrix = page[page.index('id="expenditure"'):page.index('id="trial-balance"')]
    assert "£1,000.50" in matrix and "£250.00" in matrix and "£0.00" in matrix
    # Each figure leads to its lines: April's spend on the schedule, and the account's lines for the year.
    schedule = fund.agreement.schedules.get()
    assert f"{lines_url(fund)}?year=2024-25&amp;period=M01&amp;schedule={schedule.pk}" in matrix
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE)
    assert f"{lines_url(fund)}?year=2024-25&amp;account={expenditure.pk}" in trial
    assert reverse("ledger:expenditure_xlsx", args=[fund.pk, "2024-25"]) in page
    assert reverse("ledger:trial_balance_xlsx", args=[fund.pk, "2024-25"]) in page


def test_the_year_selector_moves_between_the_years_of_the_fund(officer_client, fund, spent):
    page = officer_client.get(fund_url(fund, year="2025-26")).content.decode()
    assert "Pooled fund ledger 2025-26" in page and 'aria-current="page">2025-26</a>' in page
    assert "£1,000.50" not in page
    assert f'{fund_url(fund)}?year=2024-25" rel="prev"' in page and f'{fund_url(fund)}?year=2026-27" rel="next"' in page
    assert officer_client.get(fund_url(fund, year="2030-31")).status_code == 404
    assert officer_client.get(fund_url(fund, year="nonsense")).status_code == 404
    # Without a year, the current year when the fund has it, else its nearest.
    assert officer_client.get(fund_url(fund)).status_code == 200


def test_anyone_at_a_partner_may_read_the_fund_but_no_one_else_may_find_it(reader_client, fund, spent, client,
                                                                          manager):
    response = reader_client.get(fund_url(fund, year="2024-25"))
    assert response.status_code == 200
    assert "Close<span" not in response.content.decode()  # no close buttons without the permission
    client.force_login(manager)
    for url in (fund_url(fund), lines_url(fund), reverse("ledger:entry", args=[fund.pk, spent[0].pk]),
                reverse("ledger:trial_balance_xlsx", args=[fund.pk, "2024-25"]),
                reverse("ledger:expenditure_xlsx", args=[fund.pk, "2024-25"]),
                reverse("ledger:lines_xlsx", args=[fund.pk])):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("ledger:fund", args=[fund.pk + 1000])).status_code == 404


def test_signing_in_is_needed(client, fund):
    response = client.get(fund_url(fund))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "args", "filename"), [
    ("ledger:trial_balance_xlsx", ["2024-25"], "trial-balance-2024-25.xlsx"),
    ("ledger:expenditure_xlsx", ["2024-25"], "expenditure-2024-25.xlsx"),
    ("ledger:lines_xlsx", [], "ledger-lines.xlsx"),
])
def test_each_workbook_downloads_under_its_name(reader_client, fund, spent, name, args, filename):
    response = reader_client.get(reverse(name, args=[fund.pk, *args]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{fund.agreement.reference}-{filename}"'
    if args:
        assert reader_client.get(reverse(name, args=[fund.pk, "2031-32"])).status_code == 404


# Closing periods ------------------------------------------------------------------------------------------------

def test_a_manager_closes_periods_in_order_and_a_refusal_is_in_the_error_summary(officer_client, fund):
    url = reverse("ledger:period_close", args=[fund.pk])
    response = officer_client.post(url, {"period": "2024-25/M02"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Close the earlier periods first: 2024-25/M01" in page
    assert period(fund, 2).status == PeriodStatus.OPEN
    response = officer_client.post(url, {"period": "2024-25/M01"})
    assert response.status_code == 302 and response["Location"].endswith("?year=2024-25#periods")
    assert period(fund, 1).status == PeriodStatus.CLOSED
    page = officer_client.get(response["Location"]).content.decode()
    assert "Period 2024-25/M01 is closed" in page
    response = officer_client.post(url, {"period": "2024-25/M01"})
    assert "Period 2024-25/M01 is already closed" in response.content.decode()
    response = officer_client.post(url, {"period": "2099-00/M01"})
    assert "is not a period of this fund" in response.content.decode()


def test_closing_needs_the_permission(reader_client, fund, client, manager):
    url = reverse("ledger:period_close", args=[fund.pk])
    assert reader_client.post(url, {"period": "2024-25/M01"}).status_code == 403
    assert reader_client.get(url).status_code == 405
    client.force_login(manager)
    assert client.post(url, {"period": "2024-25/M01"}).status_code == 404
    assert period(fund, 1).status == PeriodStatus.OPEN


# The lines behind a figure -------------------------------------------------------------------------------------

def listed(response) -> int:
    return response.context["page"].paginator.count


def test_the_lines_filter_by_period_schedule_partner_cost_centre_and_account(reader_client, fund, spent):
    schedule = fund.agreement.schedules.get()
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    assert listed(reader_client.get(lines_url(fund))) == 4
    assert listed(reader_client.get(lines_url(fund), {"year": "2024-25", "period": "M01"})) == 2
    assert listed(reader_client.get(lines_url(fund), {"year": "2025-26"})) == 0
    assert listed(reader_client.get(lines_url(fund), {"schedule": schedule.pk})) == 2
    assert listed(reader_client.get(lines_url(fund), {"cost_centre": "CC200"})) == 2
    assert listed(reader_client.get(lines_url(fund), {"account": creditors.pk, "year": "2024-25"})) == 2
    assert listed(reader_client.get(lines_url(fund), {"partner": fund.agreement.parties.first().pk})) == 0


def test_a_drill_down_from_the_fund_page_lands_on_the_lines_behind_the_figure(officer_client, fund, spent):
    page = officer_client.get(fund_url(fund, year="2024-25")).content.decode()
    schedule = fund.agreement.schedules.get()
    link = f"{lines_url(fund)}?year=2024-25&amp;period=M03&amp;schedule={schedule.pk}"
    assert link in page
    response = officer_client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.line.amount_pence for row in rows] == [25_000]
    page = response.content.decode()
    assert "Financial year: 2024-25; Month: M03; Schedule: 1. Joint Equipment Store" in page
    assert '<option value="M03" selected>' in page


def test_a_month_needs_its_year(reader_client, fund):
    response = reader_client.get(lines_url(fund), {"period": "M03"})
    assert response.status_code == 200
    assert "Choose the financial year of the month" in response.content.decode()
    assert "page" not in response.context
    assert reader_client.get(lines_url(fund), {"schedule": "999999"}).context.get("page") is None


def test_the_lines_come_a_page_at_a_time_keeping_the_filters(reader_client, fund):
    for month in range(1, 31):
        spend(fund, 100 + month, (month - 1) % 12 + 1, cost_centre="CC300" if month % 2 else "CC400")
    response = reader_client.get(lines_url(fund), {"cost_centre": "CC300"})
    assert listed(response) == 30 and len(response.context["rows"]) == 30
    response = reader_client.get(lines_url(fund))
    assert listed(response) == 60 and len(response.context["rows"]) == views.LINES_PER_PAGE
    page = response.content.decode()
    assert "page 1 of 2" in page and 'href="?page=2"' in page
    response = reader_client.get(lines_url(fund), {"year": "2024-25", "page": 2})
    assert len(response.context["rows"]) == 10 and 'href="?year=2024-25&amp;page=1"' in response.content.decode()


def test_a_page_past_the_end_is_the_last_and_one_that_is_not_a_number_the_first(reader_client, fund):
    for month in range(1, 31):
        spend(fund, 100 + month, (month - 1) % 12 + 1)
    last = reader_client.get(lines_url(fund), {"page": "99999999999999999999"})
    assert last.status_code == 200 and last.context["page"].number == 2
    first = reader_client.get(lines_url(fund), {"page": "abc"})
    assert first.status_code == 200 and first.context["page"].number == 1
    page = first.content.decode()
    assert 'aria-label="Page 1" aria-current="page">1</a>' in page and 'href="?page=2" aria-label="Page 2"' in page


@pytest.fixture
def supplier_invoice(fund, spent):
    """A supplier's invoice of £1,234.56 in May, its lines described and referenced by the finance system."""
    from s75.ledger.services import LineSpec, entry_post

    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE)
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    return entry_post(actor=None, fund=fund, period=period(fund, 2), description="Invoices May", lines=[
        LineSpec(expenditure, 123_456, description="Acme Mobility Ltd: hoists", source_line_id="AP-2024-00017"),
        LineSpec(creditors, -123_456, description="Acme Mobility Ltd: hoists", source_line_id="AP-2024-00018"),
    ])


def test_the_lines_are_found_by_description_reference_and_amount(reader_client, fund, supplier_invoice):
    assert listed(reader_client.get(lines_url(fund), {"search": "acme mobility"})) == 2
    assert listed(reader_client.get(lines_url(fund), {"search": "AP-2024-00017"})) == 1
    assert listed(reader_client.get(lines_url(fund), {"search": "care packages"})) == 4  # the entries' description
    assert listed(reader_client.get(lines_url(fund), {"amount": "1,234.56"})) == 2
    assert listed(reader_client.get(lines_url(fund), {"amount": "£1234.56"})) == 2
    response = reader_client.get(lines_url(fund), {"amount": "(1,234.56)", "year": "2024-25"})
    assert [row.line.amount_pence for row in response.context["rows"]] == [-123_456]
    page = response.content.decode()
    assert "Amount: (1,234.56)" in page and 'value="(1,234.56)"' in page
    page = reader_client.get(lines_url(fund), {"amount": "1234.56"}).content.decode()
    assert "Amount: 1,234.56, debit or credit" in page
    response = reader_client.get(lines_url(fund), {"search": "wheelchairs"})
    assert listed(response) == 0 and "No lines match these filters." in response.content.decode()


@pytest.mark.parametrize(("query", "message"), [
    ({"amount": "abc"}, "is not an amount: write it like £1,234.56, 1234.56 or (1,234.56)"),
    ({"amount": "12.345"}, "has fractions of a penny"),
    ({"search": "x" * 201}, "Search for at most 200 characters"),
])
def test_a_search_that_cannot_be_read_is_refused_with_a_message(reader_client, fund, spent, query, message):
    response = reader_client.get(lines_url(fund), query)
    assert response.status_code == 200 and "page" not in response.context
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    for name in ("ledger:lines_xlsx", "ledger:lines_csv"):
        assert reader_client.get(reverse(name, args=[fund.pk]), query).status_code == 404


def test_the_totals_of_the_lines_found_are_shown_and_equal_their_sum(reader_client, fund, supplier_invoice):
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE)
    response = reader_client.get(lines_url(fund), {"account": expenditure.pk})
    amounts = [row.line.amount_pence for row in response.context["rows"]]
    totals = response.context["totals"]
    assert totals.debit_pence == sum(amounts) == 100_050 + 25_000 + 123_456 and totals.credit_pence == 0
    footer = response.content.decode().split("<tfoot>")[1].split("</tfoot>")[0]
    assert "£2,485.06" in footer and "Net debit" in footer
    response = reader_client.get(lines_url(fund), {"search": "acme"})
    footer = response.content.decode().split("<tfoot>")[1].split("</tfoot>")[0]
    assert footer.count("£1,234.56") == 2 and ">Net<" in footer


def test_the_totals_are_of_every_page_not_only_the_one_shown(reader_client, fund, monkeypatch):
    monkeypatch.setattr(views, "LINES_PER_PAGE", 3)
    for month in range(1, 6):
        spend(fund, 100 * month, month)
    response = reader_client.get(lines_url(fund), {"page": 2})
    assert len(response.context["rows"]) == 3
    totals = response.context["totals"]
    assert (totals.debit_pence, totals.credit_pence) == (1_500, 1_500)
    assert "Total of all 10 lines" in response.content.decode()


def test_the_downloads_carry_the_search_and_end_with_the_totals(reader_client, fund, supplier_invoice):
    from openpyxl import load_workbook

    query = {"search": "acme", "amount": "(1,234.56)"}
    page = reader_client.get(lines_url(fund), query).content.decode()
    carried = "?search=acme&amp;amount=%281%2C234.56%29"
    for name in ("ledger:lines_xlsx", "ledger:lines_csv"):
        assert f'{reverse(name, args=[fund.pk])}{carried}"' in page
    text = b"".join(reader_client.get(reverse("ledger:lines_csv", args=[fund.pk]), query).streaming_content)
    rows = text.decode("utf-8").strip().splitlines()
    assert len(rows) == 1 + 1 + 2 and "AP-2024" not in rows[0] and "Acme Mobility Ltd: hoists" in rows[1]
    assert rows[2] == "Total" + "," * 11 + "0.00,1234.56" and rows[3] == "Net credit" + "," * 12 + "1234.56"
    response = reader_client.get(reverse("ledger:lines_xlsx", args=[fund.pk]), query)
    sheet = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in sheet] == ["Period", "2024-25/M02", "Total", "Net credit"]


def test_a_listing_larger_than_the_export_limit_says_so(reader_client, fund, spent, monkeypatch):
    monkeypatch.setattr(views, "LINES_EXPORT_LIMIT", 3)
    page = reader_client.get(lines_url(fund)).content.decode()
    assert "The spreadsheet holds the first 3 of these 4 lines" in page


# One entry, and reversing it -----------------------------------------------------------------------------------

def test_an_entry_shows_its_lines_and_a_manager_may_reverse_it(officer_client, fund, spent):
    entry = spent[0]
    url = reverse("ledger:entry", args=[fund.pk, entry.pk])
    page = officer_client.get(url).content.decode()
    assert f"Journal entry {entry.pk}" in page and "Care packages" in page
    assert page.count("£1,000.50") == 4  # two lines, and the debit and credit totals
    assert "Reverse this entry" in page
    response = officer_client.post(reverse("ledger:entry_reverse", args=[fund.pk, entry.pk]), {"reason": ""})
    assert response.status_code == 200 and "Say why the entry is reversed" in response.content.decode()
    response = officer_client.post(reverse("ledger:entry_reverse", args=[fund.pk, entry.pk]),
                                   {"reason": "Posted to the wrong fund"})
    reversal = JournalEntry.objects.get(reverses=entry)
    assert response.status_code == 302 and response["Location"] == reverse("ledger:entry", args=[fund.pk, reversal.pk])
    assert reversal.description == f"Reversal of entry {entry.pk}: Posted to the wrong fund"
    page = officer_client.get(url).content.decode()
    assert "Reversed by" in page and "Reverse this entry" not in page
    response = officer_client.post(reverse("ledger:entry_reverse", args=[fund.pk, entry.pk]), {"reason": "Again"})
    assert f"Entry {entry.pk} has already been reversed" in response.content.decode()


def test_a_reversal_of_an_entry_in_a_closed_period_goes_to_an_open_one(officer_client, fund, spent):
    from s75.ledger.services import period_close

    period_close(actor=None, period=period(fund, 1))
    url = reverse("ledger:entry_reverse", args=[fund.pk, spent[0].pk])
    response = officer_client.post(url, {"reason": "Wrong"})
    assert "Period 2024-25/M01 is closed: post to an open period" in response.content.decode()
    response = officer_client.post(url, {"reason": "Wrong", "period": period(fund, 2).pk})
    assert response.status_code == 302
    assert JournalEntry.objects.get(reverses=spent[0]).period == period(fund, 2)


def test_reversing_needs_the_permission(reader_client, fund, spent, client, manager):
    url = reverse("ledger:entry_reverse", args=[fund.pk, spent[0].pk])
    page = reader_client.get(reverse("ledger:entry", args=[fund.pk, spent[0].pk])).content.decode()
    assert "Reverse this entry" not in page
    assert reader_client.post(url, {"reason": "Wrong"}).status_code == 403
    client.force_login(manager)
    assert client.post(url, {"reason": "Wrong"}).status_code == 404
    assert not JournalEntry.objects.filter(kind=EntryKind.REVERSAL).exists()


def test_an_entry_of_another_fund_is_not_found_here(officer_client, fund, spent):
    other = fund_open_for(complete_agreement())
    assert officer_client.get(reverse("ledger:entry", args=[other.pk, spent[0].pk])).status_code == 404
    assert officer_client.get(reverse("ledger:entry", args=[fund.pk, 10**9])).status_code == 404


def fund_open_for(agreement):
    from s75.ledger.services import fund_open

    return fund_open(actor=None, agreement=agreement)


def test_an_entry_posted_from_instalments_is_changed_through_them(officer_client, fund):
    from s75.budgets.services import instalment_set

    instalment = instalment_set(actor=None, agreement=fund.agreement, party=fund.agreement.parties.last(),
                                financial_year=2024)[0]
    entry = instalment.due_entry
    page = officer_client.get(reverse("ledger:entry", args=[fund.pk, entry.pk])).content.decode()
    assert "Reverse this entry" not in page and "posted from the partners' instalments" in page
    response = officer_client.post(reverse("ledger:entry_reverse", args=[fund.pk, entry.pk]), {"reason": "x"})
    assert "change the instalments instead" in response.content.decode()
    assert not JournalEntry.objects.filter(reverses=entry).exists()


# Opening a fund's ledger from its agreement --------------------------------------------------------------------

def test_a_manager_opens_the_ledger_from_the_agreement_page(client):
    agreement = complete_agreement()
    officer = UserFactory(role="Pooled fund manager", organisation=agreement.parties.get(is_host=True).organisation)
    client.force_login(officer)
    detail = reverse("agreements:detail", args=[agreement.pk])
    page = client.get(detail).content.decode()
    assert "Open the fund&#x27;s ledger" in page or "Open the fund's ledger" in page
    response = client.post(reverse("ledger:fund_open", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == reverse("ledger:fund", args=[agreement.fund.pk])
    page = client.get(detail).content.decode()
    assert "Pooled fund ledger" in page and "Open the fund" not in page


def test_opening_the_ledger_needs_the_permission_and_a_host(client, manager):
    agreement = complete_agreement()
    council = agreement.parties.get(is_host=True).organisation
    client.force_login(UserFactory(role="Board member", organisation=council))
    assert "Open the fund" not in client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert client.post(reverse("ledger:fund_open", args=[agreement.pk])).status_code == 403
    client.force_login(manager)
    assert client.post(reverse("ledger:fund_open", args=[agreement.pk])).status_code == 404
    neither = complete_agreement(pooled_fund=False, lead_commissioning=False, integrated_provision=True)
    client.force_login(UserFactory(role="Pooled fund manager",
                                   organisation=neither.parties.get(is_host=True).organisation))
    response = client.post(reverse("ledger:fund_open", args=[neither.pk]))
    assert response.status_code == 200 and "The agreement has no pooled fund, nor a lead commissioner" in \
        response.content.decode()


def test_the_filtered_lines_stream_as_csv(reader_client, fund, spent):
    response = reader_client.get(reverse("ledger:lines_csv", args=[fund.pk]), {"year": "2024-25", "period": "M01"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{fund.agreement.reference}-ledger-lines.csv"'
    assert len(b"".join(response.streaming_content).decode("utf-8").strip().splitlines()) == 1 + 2 + 2  # and totals
    assert reader_client.get(reverse("ledger:lines_csv", args=[fund.pk]), {"period": "M01"}).status_code == 404


def test_the_fund_page_opens_on_the_latest_year_with_postings_when_today_is_outside_the_term(client, django_user_model):
    """Luton's term ended in 2016; its demo ledger has 2013-14 postings, so that is the year a user lands on."""
    from s75.agreements.models import Agreement
    from s75.demo.services import demo_load

    demo_load()
    luton = Agreement.objects.get(reference="luton-s75-s76-2013")
    client.force_login(django_user_model.objects.get(username="luton.manager"))
    page = client.get(f"/funds/{luton.fund.pk}/").content.decode()
    assert "Pooled fund ledger 2013-14" in page
