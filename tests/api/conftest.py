"""A fund with its column mapping and cost centres (``tests/ledger/importfiles.import_fund``), its manager and an
outsider, each with a token, and a client that sends a token."""

from datetime import date

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from s75.api.models import TokenScope
from s75.api.services import api_token_create
from s75.ledger.models import AccountRole
from s75.ledger.services import LineSpec, entry_post
from tests.factories import UserFactory
from tests.ledger.importfiles import import_fund


@pytest.fixture(autouse=True)
def rates_counted_afresh():
    """Each test counts its requests from nothing (the rate limit's counts are in the cache, by token id)."""
    cache.clear()


@pytest.fixture
def var_dir(settings, tmp_path):
    """Uploads wait in a folder of the test's own."""
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def fund(db):
    return import_fund()


@pytest.fixture
def host(fund):
    return fund.agreement.parties.get(is_host=True).organisation


@pytest.fixture
def manager(host):
    return UserFactory(role="Pooled fund manager", organisation=host, first_name="Maud", last_name="Okafor")


def token_client(user, *, scope: str = TokenScope.WRITE, name: str = "Finance system") -> APIClient:
    made = api_token_create(actor=user, name=name, scope=scope, days=30)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {made.secret}")
    client.token = made.token
    return client


@pytest.fixture
def writer(manager):
    """The fund's manager through a read-and-write token."""
    return token_client(manager)


@pytest.fixture
def reader(manager):
    """The fund's manager through a read-only token."""
    return token_client(manager, scope=TokenScope.READ, name="Reporting")


@pytest.fixture
def outsider(db):
    """A pooled fund manager of another council, through a read-and-write token: the fund is not theirs."""
    return token_client(UserFactory(role="Pooled fund manager"))


def spend(fund, pence: int, month: int, *, schedule: int = 1):
    """``pence`` spent on a schedule in a month of 2024-25, against the creditors."""
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE, schedule__number=schedule)
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    period = fund.periods.get(financial_year=2024, number=month)
    return entry_post(actor=None, fund=fund, period=period, description="Care packages", lines=[
        LineSpec(expenditure, pence, cost_centre="CC100", posting_date=date(2024, 3 + month, 15)),
        LineSpec(creditors, -pence, cost_centre="CC100"),
    ])
