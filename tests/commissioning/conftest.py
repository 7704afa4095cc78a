"""What the commissioning tests share: a council hosting a pooled fund with one NHS partner, whose schedule the
council commissions; a home-care provider and a contract with it; and a package placed under it."""

from datetime import date
from decimal import Decimal

import pytest

from s75.commissioning.models import ProviderType, RateUnit
from s75.commissioning.services import (
    RateSpec,
    ShareSpec,
    contract_create,
    package_create,
    provider_create,
)
from s75.ledger.services import fund_open
from tests.factories import complete_agreement


@pytest.fixture
def fund(db):
    return fund_open(actor=None, agreement=complete_agreement())


@pytest.fixture
def agreement(fund):
    return fund.agreement


@pytest.fixture
def council(agreement):
    return agreement.parties.get(is_host=True)


@pytest.fixture
def nhs(agreement):
    return agreement.parties.get(is_host=False)


@pytest.fixture
def schedule(agreement):
    return agreement.schedules.get()


@pytest.fixture
def provider(db):
    return provider_create(actor=None, name="Solent Home Care Ltd", provider_type=ProviderType.HOME_CARE,
                           companies_house_number="01234567", cqc_id="1-101234567", framework_lot="Lot 1")


@pytest.fixture
def contract(schedule, provider):
    return contract_create(actor=None, schedule=schedule, provider=provider, reference="HC-2024-001",
                           start_date=date(2024, 4, 1), end_date=date(2026, 3, 31), ceiling_pence=500_000_00,
                           rates=[RateSpec(RateUnit.HOUR, 2000), RateSpec(RateUnit.BAND, 95000, "Nursing band 2")])


def place(contract, reference, funding, *, start=date(2024, 4, 1), rate=2000, units=Decimal(10)):
    """A package at ``rate`` pence an hour for ``units`` hours a week from ``start``, funded by ``funding``
    (party, basis points) pairs."""
    return package_create(actor=None, contract=contract, reference=reference, unit=RateUnit.HOUR,
                          effective_from=start, pence_per_unit=rate, units_per_week=units,
                          funding=[ShareSpec(party, points) for party, points in funding])


@pytest.fixture
def package(contract, nhs):
    """PKG-0001: £20 an hour, 10 hours a week (£200 a week) from Monday 1 April 2024, funded by the NHS partner."""
    return place(contract, "PKG-0001", [(nhs, 10_000)])
