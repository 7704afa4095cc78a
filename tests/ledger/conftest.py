import pytest

from s75.ledger.services import fund_open
from tests.factories import complete_agreement


@pytest.fixture
def fund(db):
    """The ledger of a pooled fund hosted by a council with one NHS partner and one schedule, 2024-25 to 2026-27."""
    return fund_open(actor=None, agreement=complete_agreement())
