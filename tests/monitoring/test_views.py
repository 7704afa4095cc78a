"""The monitoring pages: the dashboard from the running balances, its Excel tables, and the forms behind it. Each is
200 for a partner's staff, 404 for another organisation, 403 for a change the user's role does not allow; bad input
shows the GOV.UK error summary and saves nothing. DESIGN.md §6's Luton example runs through the pages."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from s75.accounts.models import User
from s75.agreements.models import Agreement
from s75.core.exports import XLSX_CONTENT_TYPE
from s75.core.fiscal import FinancialYear
from s75.core.money import format_finance
from s75.demo.services import demo_load
from s75.ledger.services import fund_open
from s75.monitoring.forecasting import budget_to_date
from s75.monitoring.models import (
    Commentary,
    Consent,
    ConsentAlert,
    ManualForecast,
    RecoveryAction,
    ScheduleYear,
)
from s75.monitoring.selectors import ConsentState
from s75.monitoring.services import schedule_forecast_set
from tests.commissioning.conftest import place
from tests.factories import UserFactory, complete_agreement
from tests.monitoring.conftest import spend
from tests.monitoring.luton import OUTTURN

pytestmark = pytest.mark.django_db
PERIOD = "2024-25/M06"


def signed_in(user) -> Client:
    """A browser of its own for each user, so that a test can compare what two of them may do."""
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def officer_client(host):
    return signed_in(UserFactory(role="Pooled fund manager", organisation=host.organisation))


@pytest.fixture
def reader_client(host):
    return signed_in(UserFactory(role="Board member", organisation=host.organisation))


def dashboard(fund, period=PERIOD):
    url = reverse("monitoring:dashboard", args=[fund.pk])
    return f"{url}?period={period}" if period else url


def page_url(name, fund, *args, period=PERIOD):
    return reverse(f"monitoring:{name}", args=[fund.pk, period, *args])


def section(page: str, start: str, end: str) -> str:
    """The part of the page from ``start`` to the next ``end``."""
    first = page.index(start)
    return page[first:page.index(end, first)]


def error_summary(response) -> str:
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    return section(page, "govuk-error-summary", "</ul>")


# The dashboard ---------------------------------------------------------------------------------------------------

def test_the_dashboard_shows_the_month_from_the_running_balances(officer_client, fund, schedule, spent):
    response = officer_client.get(dashboard(fund))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Budget monitoring 2024-25, M06 (Sep)" in page
    headline = section(page, 'id="headline"', 'id="by-month"')
    assert 'data-figure="budget">£1,070,000<' in headline
    assert 'data-figure="forecast">£180,000<' in headline
    assert 'data-figure="variance">£890,000<' in headline and "Underspend" in headline
    assert "govuk-tag--green" in headline
    # The schedule table: finance figures, an underspend in brackets, the actual leading to its ledger lines.
    table = section(page, 'id="schedules"', 'id="partners"')
    # Flat twelfths of a budget in whole pounds are whole pounds (the odd pounds in the first months), so the
    # table shows whole pounds: £1,070,000 to the end of M06 is six months of £89,167.
    assert ">535,002<" in table and ">(890,000)<" in table and "Run rate" in table
    lines = reverse("ledger:lines", args=[fund.pk])
    assert f'href="{lines}?year=2024-25&amp;schedule={schedule.pk}">90,000<' in table
    assert page_url("forecast", fund, 1) in table and page_url("profile", fund, 1) in table
    # Both charts are images with a title and a description, and the by-month figures are also a table.
    for chart in ("cumulative-chart", "variance-chart"):
        assert re.search(rf'<svg[^>]*role="img"[^>]*aria-labelledby="{chart}-title {chart}-desc"', page)
        assert f'<title id="{chart}-title">' in page and f'<desc id="{chart}-desc">' in page
    assert "Cumulative budget, actual and forecast by month, 2024-25</title>" in page
    assert "the budget to date is £535,002 and the actual to date £90,000" in page
    by_month = section(page, "The chart's figures as a table", 'id="variance"')
    assert "M06 (Sep)" in by_month and "90,000.00" in by_month and "1,070,000.00" in by_month
    for table_name in ("months", "schedules", "partners", "recovery"):
        assert page_url("table_xlsx", fund, table_name) in page


def test_the_consent_panel_shows_each_partner_and_its_state(officer_client, fund, schedule, nhs):
    ManualForecast.objects.create(schedule=schedule, financial_year=2024, month=6, amount_pence=1_170_000_00)
    page = officer_client.get(dashboard(fund)).content.decode()
    panel = section(page, 'id="partners"', 'id="commentary"')
    council, partner = panel.split('class="govuk-summary-card"')[1:]
    assert "(host)" in council and "Not bound by a prior-agreement clause" in council and "£50,000.00" in council
    assert "Consent required" in partner and "£50,000.00" in partner and "£585,000.00" in partner
    assert "No recovery plan yet" in partner and "No recovery plan yet" not in council
    assert page_url("recovery", fund, nhs.pk) in partner
    assert page_url("consent", fund, nhs.pk) not in partner  # a pooled fund manager does not record consent


def test_the_default_month_is_the_latest_with_postings_or_forecasts(officer_client, fund, schedule):
    years = [FinancialYear(2024), FinancialYear(2025), FinancialYear(2026)]
    today = FinancialYear.containing(date.today())
    expected = today if today in years else (years[0] if today < years[0] else years[-1])

    def heading() -> str:
        page = officer_client.get(dashboard(fund, None)).content.decode()
        return re.search(r"<h1[^>]*>(Budget monitoring [^<]*)", page)[1]

    assert heading() == f"Budget monitoring {expected.label}, M01 (Apr)"
    spend(fund, 1_000, 3)
    assert heading() == "Budget monitoring 2024-25, M03 (Jun)"
    schedule_forecast_set(actor=None, schedule=schedule, financial_year=2024, month=8, method="",
                          amount_pence=1_000_00)
    assert heading() == "Budget monitoring 2024-25, M08 (Nov)"


def test_anyone_at_a_partner_may_read_the_dashboard_but_no_one_else_may_find_it(reader_client, fund, spent,
                                                                               client, manager):
    response = reader_client.get(dashboard(fund))
    assert response.status_code == 200
    page = response.content.decode()
    assert page_url("forecast", fund, 1) not in page and page_url("commentary", fund) not in page
    for bad in ("2030-31/M01", "2024-25/M13", "nonsense"):
        assert reader_client.get(dashboard(fund, bad)).status_code == 404
    client.force_login(manager)
    assert client.get(dashboard(fund)).status_code == 404
    assert client.get(page_url("table_xlsx", fund, "schedules")).status_code == 404


@pytest.mark.parametrize("table", ["schedules", "partners", "purchases", "months", "recovery"])
def test_every_table_downloads_as_excel_under_its_name(reader_client, fund, table):
    response = reader_client.get(page_url("table_xlsx", fund, table))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    name = f"{fund.agreement.reference}-monitoring-2024-25-M06-{table}.xlsx"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def test_a_table_the_dashboard_has_not_is_not_found(reader_client, fund):
    assert reader_client.get(page_url("table_xlsx", fund, "nonsense")).status_code == 404
    assert reader_client.get(page_url("table_xlsx", fund, "schedules", period="2030-31/M01")).status_code == 404


# A schedule's forecast -------------------------------------------------------------------------------------------

def test_the_forecast_form_needs_the_pooled_fund_managers_permission(officer_client, fund, reader_client, client,
                                                                     manager):
    url = page_url("forecast", fund, 1)
    assert reader_client.get(url).status_code == 403
    assert reader_client.post(url, {"method": "manual", "amount": "£1"}).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 404
    assert officer_client.get(url).status_code == 200
    assert officer_client.get(page_url("forecast", fund, 9)).status_code == 404  # no schedule 9
    assert not ManualForecast.objects.exists()


def test_the_manager_enters_a_forecast_typed_in_pounds(officer_client, fund, schedule):
    response = officer_client.post(page_url("forecast", fund, 1), {
        "method": "manual", "amount": "£1,130,000.00", "commentary": "Demand from hospital discharges",
    })
    assert response.status_code == 302 and response["Location"] == f"{dashboard(fund)}#schedules"
    forecast = ManualForecast.objects.get()
    assert (forecast.month, forecast.amount_pence, forecast.commentary) == (6, 1_130_000_00,
                                                                             "Demand from hospital discharges")
    assert ScheduleYear.objects.get().method == "manual"
    page = officer_client.get(dashboard(fund)).content.decode()
    assert ">1,130,000.00<" in page and "Manager&#x27;s figure" in page and "Demand from hospital discharges" in page
    assert "£1,130,000.00" in officer_client.get(page_url("forecast", fund, 1)).content.decode()  # shown to change


@pytest.mark.parametrize(("data", "problem"), [
    ({"method": "manual", "amount": "£1,234.567"}, "has fractions of a penny"),
    ({"method": "manual", "amount": ""}, "Enter the forecast outturn, or choose another method"),
    ({"method": "run_rate", "amount": "1000"}, "is used only with the manager&#x27;s figure"),
    ({"method": "", "amount": "", "commentary": "Why"}, "enter the figure too"),
    ({"method": "manual", "amount": "-5"}, "not negative"),
    ({"method": "guess", "amount": "5"}, "Select a valid choice"),
])
def test_a_bad_forecast_shows_the_error_summary_and_saves_nothing(officer_client, fund, data, problem):
    summary = error_summary(officer_client.post(page_url("forecast", fund, 1), data))
    assert problem in summary
    assert not ManualForecast.objects.exists() and not ScheduleYear.objects.exists()


def test_choosing_a_method_keeps_the_profile(officer_client, fund, schedule):
    profile = [1] * 6 + [2] * 6
    ScheduleYear.objects.create(schedule=schedule, financial_year=2024, profile=profile)
    assert officer_client.post(page_url("forecast", fund, 1), {"method": "profile"}).status_code == 302
    row = ScheduleYear.objects.get()
    assert (row.method, row.profile) == ("profile", profile)


# The monthly profile -----------------------------------------------------------------------------------------

def weights(*values):
    return {f"M{month:02d}": value for month, value in enumerate(values, start=1)}


def test_the_manager_sets_a_monthly_profile(officer_client, fund, schedule, reader_client):
    url = page_url("profile", fund, 1)
    assert reader_client.get(url).status_code == 403
    response = officer_client.post(url, weights(*["1"] * 6, *["2"] * 6))
    assert response.status_code == 302
    assert ScheduleYear.objects.get().profile == [1] * 6 + [2] * 6
    page = officer_client.get(dashboard(fund)).content.decode()
    to_date = budget_to_date(1_070_000_00, 6, [1] * 6 + [2] * 6)  # six parts of eighteen, in whole pounds
    assert to_date == 356_666_00 and f">{format_finance(to_date)}<" in page
    officer_client.post(url, weights("8.5", *["8.3"] * 11))
    assert ScheduleYear.objects.get().profile == ["8.5", *["8.3"] * 11]
    officer_client.post(url, weights(*[""] * 12))
    assert ScheduleYear.objects.get().profile is None


@pytest.mark.parametrize(("values", "problem"), [
    (["x", *["1"] * 11], "Enter a weight for M01"),
    (["1", "", *["1"] * 10], "Enter a weight for M02"),
    (["-1", *["1"] * 11], "not negative"),
    (["0"] * 12, "cannot all be zero"),
])
def test_a_bad_profile_saves_nothing(officer_client, fund, values, problem):
    assert problem in error_summary(officer_client.post(page_url("profile", fund, 1), weights(*values)))
    assert not ScheduleYear.objects.exists()


# The month's commentary ------------------------------------------------------------------------------------------

def test_the_manager_writes_the_months_commentary(officer_client, fund, reader_client):
    url = page_url("commentary", fund)
    assert reader_client.get(url).status_code == 403
    assert "Enter the commentary" in error_summary(officer_client.post(url, {"text": "  "}))
    assert not Commentary.objects.exists()
    response = officer_client.post(url, {"text": "Equipment demand is up 8% on last year."})
    assert response["Location"] == f"{dashboard(fund)}#commentary"
    page = officer_client.get(dashboard(fund)).content.decode()
    assert "Equipment demand is up 8% on last year." in section(page, 'id="commentary"', "</main>")


# A partner's consent decision ------------------------------------------------------------------------------------

@pytest.fixture
def overspent(fund, schedule):
    """The forecast is £100,000 over: the NHS partner's £50,000 share needs its prior agreement."""
    ManualForecast.objects.create(schedule=schedule, financial_year=2024, month=6, amount_pence=1_170_000_00)


def consent_data(decision="agree", up_to="£60,000", day="20"):
    return {"decision": decision, "up_to": up_to, "decided_on-day": day, "decided_on-month": "9",
            "decided_on-year": "2024", "note": "Finance committee"}


def test_a_finance_lead_of_the_partner_records_its_decision(client, fund, nhs, overspent):
    client.force_login(UserFactory(role="Partner finance lead", organisation=nhs.organisation))
    url = page_url("consent", fund, nhs.pk)
    assert client.get(url).status_code == 200
    assert page_url("consent", fund, nhs.pk) in client.get(dashboard(fund)).content.decode()
    response = client.post(url, consent_data())
    assert response["Location"] == f"{dashboard(fund)}#partners"
    assert Consent.objects.get().up_to_pence == 60_000_00
    page = client.get(dashboard(fund)).content.decode()
    partner = section(page, 'id="partners"', 'id="commentary"').split('class="govuk-summary-card"')[2]
    assert "Consent given" in partner and "up to £60,000.00" in partner
    assert list(ConsentAlert.objects.filter(party=nhs).values_list("state", flat=True)) == [ConsentState.GIVEN]


@pytest.mark.parametrize(("data", "problem"), [
    (consent_data(up_to=""), "Say how much the partner agrees to fund"),
    (consent_data(decision="decline"), "A refusal has no amount"),
    (consent_data(up_to="lots"), "is not an amount"),
    (consent_data(day="31"), "Enter a real date"),
    ({}, "Select the partner&#x27;s decision"),
])
def test_a_bad_decision_saves_nothing(client, fund, nhs, overspent, data, problem):
    client.force_login(UserFactory(role="Partner finance lead", organisation=nhs.organisation))
    assert problem in error_summary(client.post(page_url("consent", fund, nhs.pk), data))
    assert not Consent.objects.exists()


@pytest.mark.parametrize(("data", "field"), [
    (consent_data(up_to=""), "up_to"),
    (consent_data(decision="decline"), "up_to"),
])
def test_a_refused_decision_links_each_problem_to_its_field(client, fund, nhs, overspent, data, field):
    client.force_login(UserFactory(role="Partner finance lead", organisation=nhs.organisation))
    assert f'<a href="#id_{field}">' in error_summary(client.post(page_url("consent", fund, nhs.pk), data))


def test_only_a_finance_lead_of_that_partner_may_record_its_decision(client, fund, host, nhs, officer_client,
                                                                   overspent):
    url = page_url("consent", fund, nhs.pk)
    assert officer_client.get(url).status_code == 403  # the pooled fund manager has not the permission
    client.force_login(UserFactory(role="Partner finance lead", organisation=host.organisation))
    assert client.get(url).status_code == 403  # the council's finance lead, for the NHS partner
    assert client.post(url, consent_data()).status_code == 403
    client.force_login(UserFactory(role="Partner finance lead"))
    assert client.get(url).status_code == 404  # another organisation cannot find the fund
    other = complete_agreement().parties.get(is_host=False)
    client.force_login(UserFactory(role="Partner finance lead", organisation=nhs.organisation))
    assert client.get(page_url("consent", fund, other.pk)).status_code == 404
    assert not Consent.objects.exists()


def test_the_host_not_bound_by_the_clause_has_no_decision_to_record(client, fund, host, overspent):
    client.force_login(UserFactory(role="Partner finance lead", organisation=host.organisation))
    assert "is not bound by a prior-agreement clause" in error_summary(
        client.post(page_url("consent", fund, host.pk), consent_data())
    )
    assert not Consent.objects.exists()


# A partner's recovery plan ---------------------------------------------------------------------------------------

def test_the_manager_attaches_a_recovery_plan(officer_client, fund, nhs, overspent, reader_client):
    url = page_url("recovery", fund, nhs.pk)
    data = {"description": "Recycle returned equipment", "saving": "£30,000", "owner": "Store manager",
            "due_date-day": "31", "due_date-month": "1", "due_date-year": "2025"}
    assert reader_client.post(url, data).status_code == 403
    assert officer_client.post(url, data).status_code == 302
    action = RecoveryAction.objects.get()
    assert (action.saving_pence, action.plan.party) == (30_000_00, nhs)
    page = reader_client.get(url).content.decode()
    assert reader_client.get(url).status_code == 200 and "Add an action" not in page
    assert "£30,000.00 of savings planned against a projected excess of £50,000.00: £20,000.00 still to find" in page
    status_url = reverse("monitoring:action_status", args=[fund.pk, PERIOD, nhs.pk, action.pk])
    assert reader_client.post(status_url, {"status": "done"}).status_code == 403
    assert officer_client.post(status_url, {"status": "dropped"}).status_code == 302
    action.refresh_from_db()
    assert action.status == "dropped"
    dashboard_page = officer_client.get(dashboard(fund)).content.decode()
    assert "£0.00 of savings planned against a projected excess of £50,000.00" in dashboard_page


def test_a_recovery_action_without_a_saving_saves_nothing(officer_client, fund, nhs, overspent):
    url = page_url("recovery", fund, nhs.pk)
    summary = error_summary(officer_client.post(url, {"description": "Something", "saving": "0", "owner": ""}))
    assert "Enter a saving of more than £0" in summary and "Enter who owns the action" in summary
    assert "Enter the date the action is due" in summary
    assert not RecoveryAction.objects.exists()


# Luton, DESIGN.md §6, through the pages --------------------------------------------------------------------------

def test_luton_year_end_through_the_pages(client):
    demo_load()
    luton = Agreement.objects.get(reference="luton-s75-s76-2013")
    fund = fund_open(actor=None, agreement=luton)
    client.force_login(User.objects.get(username="luton.manager"))
    for schedule in luton.schedules.all():
        response = client.post(page_url("forecast", fund, schedule.number, period="2013-14/M12"), {
            "method": "manual", "amount": f"£{OUTTURN[schedule.title] // 100:,}.00", "commentary": "Year-end",
        })
        assert response.status_code == 302
    page = client.get(dashboard(fund, "2013-14/M12")).content.decode()
    assert 'data-figure="budget">£6,596,000<' in page and 'data-figure="forecast">£6,739,000<' in page
    assert 'data-figure="variance">£143,000<' in page
    council, ccg = section(page, 'id="partners"', 'id="commentary"').split('class="govuk-summary-card"')[1:]
    assert "NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board (formerly NHS Luton CCG)" in ccg
    assert "Consent required" in ccg and "£64,981.55" in ccg
    assert "Luton Borough Council (host)" in council and "£78,018.45" in council
    assert "Not bound by a prior-agreement clause" in council and "govuk-tag" not in section(
        council, "Prior agreement", "</dl>")

    # The CCG's functions passed to the BLMK ICB: its finance lead records the CCG's consent up to £70,000.
    client.force_login(User.objects.get(username="blmk.finance"))
    ccg_party = luton.parties.get(is_host=False)
    response = client.post(page_url("consent", fund, ccg_party.pk, period="2013-14/M12"), {
        "decision": "agree", "up_to": "£70,000", "decided_on-day": "20", "decided_on-month": "3",
        "decided_on-year": "2014",
    })
    assert response.status_code == 302
    page = client.get(dashboard(fund, "2013-14/M12")).content.decode()
    ccg = section(page, 'id="partners"', 'id="commentary"').split('class="govuk-summary-card"')[2]
    assert "Consent given" in ccg and "up to £70,000.00" in ccg and "Consent required" not in ccg


# The care bought on each partner's behalf ----------------------------------------------------------------------

def test_the_dashboard_shows_each_partner_what_was_bought_and_committed_for_it(reader_client, fund, spent,
                                                                                contract, nhs):
    page = reader_client.get(dashboard(fund)).content.decode()
    assert "Care bought on its behalf" not in page  # no packages: nothing to show
    place(contract, "PKG-A", [(nhs, 10_000)])  # £200 a week from Monday 1 April 2024
    page = reader_client.get(dashboard(fund)).content.decode()
    panel = section(page, f"<h3 class=\"govuk-summary-card__title\">{nhs.display_name}", "</dl>")
    assert "Care bought on its behalf, 2024-25 to the end of 2024-25/M06" in panel
    assert "£5,228.58" in panel and "£5,200.00" in panel  # 26 weeks and a day; 26 weeks to 31 March
    table = section(page, 'id="bought"', "</table>")
    rows = [" ".join(re.sub(r"<[^>]+>", " ", "<tr" + row).split()) for row in table.split("<tr")[2:]]
    assert rows == [f"{fund.agreement.parties.get(is_host=True).display_name} (host) 0.00 0.00 0.00",
                    f"{nhs.display_name} 5,228.58 5,200.00 10,428.58", "Total 5,228.58 5,200.00 10,428.58"]
    assert reverse("commissioning:packages", args=[fund.agreement.pk]) in section(page, 'id="partners"',
                                                                                 'id="commentary"')
