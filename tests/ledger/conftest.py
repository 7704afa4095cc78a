from datetime import date

import pytest

from s75.ledger.models import AccountRole
from s75.ledger.services import LineSpec, entry_post, fund_open
from tests.factories import complete_agreement


@pytest.fixture
def fund(db):
    """The ledger of a pooled fund hosted by a council with one NHS partner and one schedule, 2024-25 to 2026-27."""
    return fund_open(actor=None, agreement=complete_agreement())


def period(fund, month, year=2024):
    return fund.periods.get(financial_year=year, number=month)


def spend(fund, pence, month, cost_centre="CC100", year=2024):
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE)
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    return entry_post(
        actor=None, fund=fund, period=period(fund, month, year), description="Care packages",
        lines=[LineSpec(expenditure, pence, cost_centre=cost_centre, posting_date=date(2024, 3 + month, 15)
                        if month < 10 else None),
               LineSpec(creditors, -pence, cost_centre=cost_centre)],
    )


@pytest.fixture
def mapping(fund):
    """The import fund's column mapping (``import_fund`` in importfiles.py, which the import tests take as ``fund``)."""
    return fund.column_mappings.get(name="finance")


@pytest.fixture
def var_dir(settings, tmp_path):
    """Uploads wait in a folder of the test's own."""
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def spent(fund):
    """£1,000.50 spent in April (cost centre CC100), £250 in June (CC200)."""
    return [spend(fund, 100_050, 1), spend(fund, 25_000, 3, cost_centre="CC200")]
