"""What the monitoring tests share: a council's pooled fund with one NHS partner and one schedule, and spend; and
the Luton demo's agreement with its fund opened."""

from datetime import date

import pytest

from s75.agreements.models import Agreement
from s75.commissioning.models import ProviderType
from s75.commissioning.services import contract_create, provider_create
from s75.demo.services import demo_load
from s75.ledger.models import AccountRole
from s75.ledger.services import LineSpec, entry_post, fund_open
from tests.factories import complete_agreement


@pytest.fixture
def fund(db):
    """A council hosts a pooled fund with one NHS partner (bound by a prior-agreement clause) and one schedule,
    Joint Equipment Store, £535,000 from each in 2024-25."""
    return fund_open(actor=None, agreement=complete_agreement())


@pytest.fixture
def host(fund):
    return fund.agreement.parties.get(is_host=True)


@pytest.fixture
def nhs(fund):
    return fund.agreement.parties.get(is_host=False)


@pytest.fixture
def schedule(fund):
    return fund.agreement.schedules.get()


def spend(fund, pounds, month):
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE)
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    period = fund.periods.get(financial_year=2024, number=month)
    pence = pounds * 100
    entry_post(actor=None, fund=fund, period=period, description="Equipment",
               lines=[LineSpec(expenditure, pence), LineSpec(creditors, -pence)])


@pytest.fixture
def spent(fund):
    """£50,000 in April and £40,000 in June: at M06 the run rate is £180,000."""
    spend(fund, 50_000, 1)
    spend(fund, 40_000, 3)


@pytest.fixture
def luton(db):
    """The Luton demo's agreement (DESIGN.md §6), its pooled fund opened."""
    demo_load()
    agreement = Agreement.objects.get(reference="luton-s75-s76-2013")
    fund_open(actor=None, agreement=agreement)
    return agreement


def contract_for(schedule):
    """A contract for care at home under ``schedule``, placed by its lead commissioner, for 2024-25 and 2025-26."""
    provider = provider_create(actor=None, name="Solent Home Care Ltd", provider_type=ProviderType.HOME_CARE)
    return contract_create(actor=None, schedule=schedule, provider=provider, reference="HC-2024-001",
                           start_date=date(2024, 4, 1), end_date=date(2026, 3, 31), ceiling_pence=500_000_00)


@pytest.fixture
def contract(schedule):
    return contract_for(schedule)
