"""The dashboard's fund, commentary and body are kept in the cache under the version of their data: every service that
changes an input of the page moves the version on, so the page after a posting, a forecast, a consent decision or
any other change shows it; readers with different rights each see their own links, and whether a reader sees the fund
at all is decided on every request."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from s75.agreements.services import agreement_update, party_add, party_update, schedule_update
from s75.budgets.models import FundingStream
from s75.budgets.services import contribution_set
from s75.ledger.models import AccountRole, Balance
from s75.ledger.services import LineSpec, entry_post, fund_open
from s75.monitoring.selectors import monitoring_inputs_version
from s75.monitoring.services import (
    commentary_set,
    consent_record,
    recovery_action_add,
    recovery_action_status_set,
    schedule_forecast_set,
    schedule_profile_set,
)
from s75.organisations.services import succession_record
from s75.riskshare.services import risk_share_terms_set
from tests.commissioning.conftest import place
from tests.factories import OrganisationFactory, UserFactory, complete_agreement
from tests.monitoring.conftest import contract_for

pytestmark = pytest.mark.django_db
PERIOD = "2024-25/M06"


def post(fund, pounds: int, month: int = 3) -> None:
    accounts = {account.role: account for account in fund.accounts.filter(
        role__in=[AccountRole.EXPENDITURE, AccountRole.CREDITORS])}
    entry_post(actor=None, fund=fund, period=fund.periods.get(financial_year=2024, number=month),
               description="Equipment", lines=[LineSpec(accounts[AccountRole.EXPENDITURE], pounds * 100),
                                               LineSpec(accounts[AccountRole.CREDITORS], -pounds * 100)])


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def dashboard(fund) -> str:
    return f"{reverse('monitoring:dashboard', args=[fund.pk])}?period={PERIOD}"


def body(response) -> str:
    page = response.content.decode()
    return page[page.index('<span class="govuk-caption-l">'):page.index('id="commentary"')]


def headline(client, fund) -> str:
    page = client.get(dashboard(fund)).content.decode()
    return page[page.index('id="headline"'):page.index('id="by-month"')]


# The version -----------------------------------------------------------------------------------------------------

def _forecast_changed(fund, schedule, nhs):
    schedule_forecast_set(actor=None, schedule=schedule, financial_year=2024, month=6, method="",
                          amount_pence=1_000_000_00)
    return lambda: schedule_forecast_set(actor=None, schedule=schedule, financial_year=2024, month=6, method="",
                                         amount_pence=1_000_000_01)


def _action_done(fund, schedule, nhs):
    action = recovery_action_add(actor=None, party=nhs, financial_year=2024, description="Fewer hoists",
                                 saving_pence=5_000_00, owner="Store manager", due_date=date(2024, 12, 31))
    return lambda: recovery_action_status_set(actor=None, action=action, status="done")


def _consent_recorded(fund, schedule, nhs):
    lead = UserFactory(role="Partner finance lead", organisation=nhs.organisation)
    return lambda: consent_record(actor=lead, party=nhs, financial_year=2024, month=6, decision="agree",
                                  up_to_pence=60_000_00, decided_on=date(2024, 9, 20))


def _partner_joined(fund, schedule, nhs):
    return lambda: party_add(actor=None, agreement=fund.agreement, organisation=OrganisationFactory())


def _author_renamed(fund, schedule, nhs):
    author = UserFactory(first_name="Ada", last_name="Byron")
    commentary_set(actor=author, agreement=fund.agreement, financial_year=2024, month=6, text="Winter is coming")

    def change():
        author.last_name = "Lovelace"
        author.save()
    return change


def _year_added(fund, schedule, nhs):
    agreement_update(actor=None, agreement=fund.agreement, end_date=date(2028, 3, 31))
    return lambda: fund_open(actor=None, agreement=fund.agreement)


CHANGES = {
    "a posting": lambda fund, schedule, nhs: lambda: post(fund, 10),
    "a manual forecast": lambda fund, schedule, nhs: lambda: schedule_forecast_set(
        actor=None, schedule=schedule, financial_year=2024, month=6, method="", amount_pence=1_000_000_00),
    "a manual forecast changed": _forecast_changed,
    "the forecast method": lambda fund, schedule, nhs: lambda: schedule_forecast_set(
        actor=None, schedule=schedule, financial_year=2024, month=6, method="profile"),
    "the monthly profile": lambda fund, schedule, nhs: lambda: schedule_profile_set(
        actor=None, schedule=schedule, financial_year=2024, month=6, profile=[1] * 11 + [2]),
    "a care package": lambda fund, schedule, nhs: (
        lambda contract: lambda: place(contract, "PKG-0042", [(nhs, 10_000)]))(contract_for(schedule)),
    "a consent decision": _consent_recorded,
    "a recovery action": lambda fund, schedule, nhs: lambda: recovery_action_add(
        actor=None, party=nhs, financial_year=2024, description="Fewer hoists", saving_pence=5_000_00,
        owner="Store manager", due_date=date(2024, 12, 31)),
    "a recovery action's status": _action_done,
    "a contribution": lambda fund, schedule, nhs: lambda: contribution_set(
        actor=None, schedule=schedule, party=nhs, financial_year=2024, amount_pence=600_000_00,
        funding_stream=FundingStream.objects.filter(contributions__schedule=schedule).first()),
    "the risk-share terms": lambda fund, schedule, nhs: lambda: risk_share_terms_set(
        actor=None, agreement=fund.agreement, financial_year=None, overspend_rule="host",
        underspend_rule="contribution_share", party_terms=[]),
    "a schedule's title": lambda fund, schedule, nhs: lambda: schedule_update(
        actor=None, schedule=schedule, title="Community Equipment Store"),
    "a partner's name": lambda fund, schedule, nhs: lambda: party_update(
        actor=None, party=nhs, name_in_agreement="The ICB"),
    "a partner joining": _partner_joined,
    "the agreement's title": lambda fund, schedule, nhs: lambda: agreement_update(
        actor=None, agreement=fund.agreement, title="Community equipment partnership"),
    "a commentary": lambda fund, schedule, nhs: lambda: commentary_set(
        actor=None, agreement=fund.agreement, financial_year=2024, month=6, text="Winter is coming"),
    "a commentary's author's name": _author_renamed,
    "another year of periods": _year_added,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_input_of_the_report_moves_the_version(fund, schedule, nhs, change):
    make_change = change(fund, schedule, nhs)
    before = monitoring_inputs_version(fund_id=fund.pk)
    assert before[0] == fund.agreement_id
    assert monitoring_inputs_version(fund_id=fund.pk) == before
    make_change()
    assert monitoring_inputs_version(fund_id=fund.pk) != before


def test_a_change_to_another_fund_leaves_the_version(fund, schedule):
    other = fund_open(actor=None, agreement=complete_agreement())
    before = monitoring_inputs_version(fund_id=fund.pk)
    post(other, 10)
    commentary_set(actor=UserFactory(), agreement=other.agreement, financial_year=2024, month=6, text="Elsewhere")
    assert monitoring_inputs_version(fund_id=fund.pk) == before


def test_signing_in_does_not_move_the_version(fund, client):
    author = UserFactory(role="Pooled fund manager", organisation=fund.agreement.host.organisation)
    commentary_set(actor=author, agreement=fund.agreement, financial_year=2024, month=6, text="Winter is coming")
    before = monitoring_inputs_version(fund_id=fund.pk)
    assert client.login(username=author.username, password="correct horse battery")
    assert monitoring_inputs_version(fund_id=fund.pk) == before


def test_there_is_no_version_of_a_fund_that_does_not_exist(fund):
    assert monitoring_inputs_version(fund_id=fund.pk + 1) is None


# The page --------------------------------------------------------------------------------------------------------

def test_the_body_is_kept_until_a_service_moves_the_version(fund, schedule):
    """A figure changed behind the services' back (here the running balance itself) does not show, because the page
    is kept; the next posting moves the version and the page shows both."""
    manager = signed_in(UserFactory(role="Pooled fund manager", organisation=fund.agreement.host.organisation))
    post(fund, 90_000)
    first = body(manager.get(dashboard(fund)))
    assert 'data-figure="forecast">£180,000<' in first  # run rate: £90,000 ÷ 6 × 12
    expenditure = Balance.objects.filter(fund=fund, account__role=AccountRole.EXPENDITURE)
    expenditure.update(amount_pence=120_000_00)
    assert body(manager.get(dashboard(fund))) == first  # the page around it differs: its own masked CSRF token
    post(fund, 30_000)
    assert 'data-figure="forecast">£300,000<' in headline(manager, fund)  # £120,000 + £30,000, ÷ 6 × 12


def test_the_kept_page_changes_after_a_posting_a_forecast_and_a_consent(fund, schedule, nhs):
    manager = signed_in(UserFactory(role="Pooled fund manager", organisation=fund.agreement.host.organisation))
    post(fund, 90_000)
    assert 'data-figure="forecast">£180,000<' in headline(manager, fund)  # run rate: £90,000 ÷ 6 × 12
    post(fund, 30_000)
    assert 'data-figure="forecast">£240,000<' in headline(manager, fund)
    response = manager.post(reverse("monitoring:forecast", args=[fund.pk, PERIOD, schedule.number]),
                            {"method": "manual", "amount": "£1,170,000", "commentary": "Winter pressures"})
    assert response.status_code == 302
    assert 'data-figure="forecast">£1,170,000<' in headline(manager, fund)
    page = manager.get(dashboard(fund)).content.decode()
    assert "Consent required" in page and "Consent given" not in page
    lead = signed_in(UserFactory(role="Partner finance lead", organisation=nhs.organisation))
    response = lead.post(reverse("monitoring:consent", args=[fund.pk, PERIOD, nhs.pk]), {
        "decision": "agree", "up_to": "£60,000", "decided_on-day": "20", "decided_on-month": "9",
        "decided_on-year": "2024", "note": "Finance committee"})
    assert response.status_code == 302
    page = manager.get(dashboard(fund)).content.decode()
    assert "Consent given" in page and "up to £60,000.00" in page


def test_the_commentary_and_its_authors_name_show_as_soon_as_they_change(fund, schedule):
    manager = signed_in(UserFactory(role="Pooled fund manager", organisation=fund.agreement.host.organisation))
    assert "No commentary for this month yet." in manager.get(dashboard(fund)).content.decode()
    author = UserFactory(first_name="Ada", last_name="Byron")
    commentary_set(actor=author, agreement=fund.agreement, financial_year=2024, month=6, text="Winter is coming")
    page = manager.get(dashboard(fund)).content.decode()
    assert "Winter is coming" in page[page.index('id="commentary"'):]
    assert "Ada Byron" in page[page.index('id="commentary"'):]
    author.last_name = "Lovelace"
    author.save()
    page = manager.get(dashboard(fund)).content.decode()
    assert "Ada Lovelace" in page[page.index('id="commentary"'):]


def test_whether_a_reader_sees_the_kept_fund_follows_its_partners(fund, schedule, nhs):
    """The fund is kept with the organisations party to its agreement; an organisation that joins the agreement gains
    the page at once, and so does one that succeeds a partner."""
    newcomer, successor = OrganisationFactory(), OrganisationFactory()
    reader = signed_in(UserFactory(role="Board member", organisation=newcomer))
    partner = signed_in(UserFactory(role="Board member", organisation=nhs.organisation))
    heir = signed_in(UserFactory(role="Board member", organisation=successor))
    assert partner.get(dashboard(fund)).status_code == 200
    assert reader.get(dashboard(fund)).status_code == 404
    assert heir.get(dashboard(fund)).status_code == 404
    party_add(actor=None, agreement=fund.agreement, organisation=newcomer)
    assert reader.get(dashboard(fund)).status_code == 200
    succession_record(actor=None, predecessor=nhs.organisation, successor=successor, effective_on=date(2024, 7, 1))
    assert heir.get(dashboard(fund)).status_code == 200


def test_each_reader_sees_the_links_of_their_own_rights(fund, schedule, nhs):
    post(fund, 90_000)
    schedule_forecast_set(actor=None, schedule=schedule, financial_year=2024, month=6, method="",
                          amount_pence=1_170_000_00)
    host = fund.agreement.host.organisation
    forecast = reverse("monitoring:forecast", args=[fund.pk, PERIOD, schedule.number])
    consent = reverse("monitoring:consent", args=[fund.pk, PERIOD, nhs.pk])
    readers = {
        "manager": signed_in(UserFactory(role="Pooled fund manager", organisation=host)),
        "board": signed_in(UserFactory(role="Board member", organisation=host)),
        "nhs lead": signed_in(UserFactory(role="Partner finance lead", organisation=nhs.organisation)),
    }
    for _ in range(2):  # the second round is served from the cache
        pages = {name: client.get(dashboard(fund)).content.decode() for name, client in readers.items()}
        assert forecast in pages["manager"] and consent not in pages["manager"]
        assert forecast not in pages["board"] and consent not in pages["board"]
        assert forecast not in pages["nhs lead"] and consent in pages["nhs lead"]
        assert all("£1,170,000" in page for page in pages.values())
