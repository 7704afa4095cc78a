"""The Luton demo with its 2013/14 ledger (DESIGN.md §6's outturn) and both partners' contributions received."""

import pytest

from s75.agreements.models import Agreement
from s75.demo.services import demo_load
from s75.organisations.selectors import organisation_get_by_code
from s75.riskshare.models import RiskShareTerms
from tests.factories import UserFactory


@pytest.fixture
def luton(db) -> Agreement:
    demo_load()
    return Agreement.objects.get(reference="luton-s75-s76-2013")


@pytest.fixture
def finance_leads(luton):
    """A finance lead for each partner: the council's, and the ICB's (the CCG's successor)."""
    council, ccg = luton.parties.order_by("position")
    return {
        council.pk: UserFactory(role="Partner finance lead", organisation=council.organisation),
        ccg.pk: UserFactory(role="Partner finance lead", organisation=organisation_get_by_code(code="QHG")),
    }


def terms_changed(agreement: Agreement, **fields) -> None:
    """Give the demo's fund-wide terms other rules. The demo agreement has ended, and an ended agreement's terms
    cannot be varied through the service, so the test writes them directly."""
    assert RiskShareTerms.objects.filter(agreement=agreement, schedule=None).update(**fields) == 1
