"""The Luton demo with its 2013/14 ledger (DESIGN.md §6's outturn) and both partners' contributions received."""

import pytest

from s75.agreements.models import Agreement, FundingType
from s75.demo.services import demo_load
from s75.organisations.selectors import organisation_get_by_code
from s75.riskshare.models import PartyTerm, RiskShareTerms
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


@pytest.fixture
def luton_capped(luton) -> Agreement:
    """Luton's 2013/14 with terms that exercise every line of a statement: the underspend carried forward, the
    LD NHS Purchasing Budget (the CCG's alone) aligned instead of pooled, the council's overspend share capped
    at £50,000 and the CCG's at £100,000, so that £28,000 of the £178,000 overspend is unfunded."""
    council, ccg = luton.parties.order_by("position")
    terms_changed(luton, underspend_rule="carry_forward")
    terms = RiskShareTerms.objects.get(agreement=luton, schedule=None)
    PartyTerm.objects.bulk_create([PartyTerm(terms=terms, party=council, cap_pence=50_000_00),
                                   PartyTerm(terms=terms, party=ccg, cap_pence=100_000_00)])
    assert luton.schedules.filter(number=5).update(funding_type=FundingType.ALIGNED) == 1
    return luton
