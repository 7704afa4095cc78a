"""Care a lead commissioner bought on a partner's behalf and recharged to it, at the year end: that partner's own
(not shared), as DESIGN.md §6 treats an aligned line, unless the risk-share terms say it is pooled. Its recharges
bill it, so what they billed counts with what it paid in; a worked example by hand, the same year gathered from the
ledger and the recharges, and hypothesis: the shares and the pool's check still hold to the penny."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from s75.commissioning.recharges import recharge_post
from s75.core.fiscal import FinancialMonth, FinancialYear
from s75.ledger.models import AccountRole
from s75.ledger.services import LineSpec, entry_post, fund_open
from s75.riskshare.models import OverspendRule, UnderspendRule
from s75.riskshare.services import risk_share_summary, risk_share_terms_set
from s75.settlement.selectors import settlement_compute, settlement_inputs
from s75.settlement.statements import statement_lines
from tests.commissioning.conftest import place
from tests.factories import complete_agreement
from tests.monitoring.conftest import contract_for

COUNCIL, CCG = 1, 2


def year_inputs(*, pooled: bool, schedule_pooled: bool | None = None, funding_type: str = "pooled",
                recharged: dict | None = None) -> dict:
    """One schedule of £100,000 from each partner; an outturn of £230,000, of which £20,000 is care the council,
    as lead commissioner, bought on the CCG's behalf and recharged to it (continuing healthcare); each paid its
    contribution in."""
    rules = {"overspend": "contribution_share", "underspend": "contribution_share", "fixed_percent": {},
             "maladministration_borne_by_host": None, "recharges_pooled": None}
    return {
        "financial_year": 2024, "outturn_basis": "actual", "as_at_month": 12,
        "partners": [{"id": COUNCIL, "name": "Council", "is_host": True},
                     {"id": CCG, "name": "CCG", "is_host": False}],
        "host": COUNCIL,
        "schedules": [{"number": 1, "title": "Care at home", "funding_type": funding_type,
                       "lead_commissioner": COUNCIL,
                       "contributions": {str(COUNCIL): 100_000_00, str(CCG): 100_000_00},
                       "outturn": 230_000_00, "outside_agreement": 0,
                       "recharged": {str(CCG): 20_000_00} if recharged is None else recharged}],
        "received": {str(COUNCIL): 100_000_00, str(CCG): 100_000_00},
        "terms": {"rules": rules, "offset_first": False, "contingency_reserve": 0, "caps": {},
                  "maladministration_borne_by_host": True, "recharges_pooled": pooled,
                  "schedule_rules": {} if schedule_pooled is None else {
                      "1": {**rules, "recharges_pooled": schedule_pooled}}},
    }


def partners(results) -> dict:
    return {partner["id"]: partner for partner in results["partners"]}


def test_recharged_care_is_the_partners_own_by_hand():
    results = settlement_compute(inputs=year_inputs(pooled=False))
    council, ccg = partners(results)[COUNCIL], partners(results)[CCG]
    # The pool's own spend is £230,000 less the £20,000 recharged: £210,000 on a budget of £200,000, so £10,000 of
    # overspend, half each by contribution. The £20,000 is the CCG's own, and its recharges billed it.
    assert results["schedules"][0]["overspend_to_share"] == 10_000_00
    assert (council["overspend_share"], council["final_share_of_spend"]) == (5_000_00, 105_000_00)
    assert (ccg["overspend_share"], ccg["recharged_own"]) == (25_000_00, 20_000_00)
    assert ccg["final_share_of_spend"] == 100_000_00 + 5_000_00 + 20_000_00
    assert (ccg["received"], ccg["recharges_billed"]) == (120_000_00, 20_000_00)
    # Each pays the host its £5,000 share of the overspend: the recharged care is settled by its recharges.
    assert (council["net_payment"], ccg["net_payment"]) == (-5_000_00, -5_000_00)
    assert ccg["schedules"][0]["recharged"] == 20_000_00
    assert results["check"]["holds"]


def test_recharged_care_is_shared_where_the_terms_pool_it_by_hand():
    results = settlement_compute(inputs=year_inputs(pooled=True))
    council, ccg = partners(results)[COUNCIL], partners(results)[CCG]
    # All £230,000 is the pool's: £30,000 of overspend, £15,000 each. The CCG's recharges paid £20,000 of it, so
    # the host pays it back £5,000.
    assert results["schedules"][0]["recharges_pooled"]
    assert (council["final_share_of_spend"], ccg["final_share_of_spend"]) == (115_000_00, 115_000_00)
    assert ccg["recharged_own"] == 0 and ccg["received"] == 120_000_00
    assert (council["net_payment"], ccg["net_payment"]) == (-15_000_00, 5_000_00)
    assert results["check"]["holds"]


def test_a_schedules_own_terms_decide_whether_its_recharged_care_is_pooled():
    own = partners(settlement_compute(inputs=year_inputs(pooled=True, schedule_pooled=False)))[CCG]
    shared = partners(settlement_compute(inputs=year_inputs(pooled=False, schedule_pooled=True)))[CCG]
    assert (own["recharged_own"], own["net_payment"]) == (20_000_00, -5_000_00)
    assert (shared["recharged_own"], shared["net_payment"]) == (0, 5_000_00)


def test_on_an_aligned_schedule_recharged_care_is_always_the_partners_own():
    inputs = year_inputs(pooled=True, funding_type="aligned")
    inputs["schedules"][0]["contributions"] = {str(CCG): 200_000_00}
    ccg = partners(settlement_compute(inputs=inputs))[CCG]
    # Its own variance is on the £210,000 the recharges did not bill: £10,000 over; and the £20,000 is its own.
    assert (ccg["own_overspend"], ccg["recharged_own"], ccg["final_share_of_spend"]) == (
        10_000_00, 20_000_00, 230_000_00)


def test_the_statement_prints_the_recharged_care_as_parts():
    ccg = partners(settlement_compute(inputs=year_inputs(pooled=False)))[CCG]
    lines = {line.label: (line.amount, line.part) for line in statement_lines(ccg)}
    assert lines["of which care bought on its behalf and recharged to it, its own"] == (20_000_00, True)
    assert lines["of which care recharged to it, billed by its monthly recharges"] == (20_000_00, True)


# Hypothesis: the shares still add up to the penny -------------------------------------------------------------

money = st.integers(min_value=0, max_value=10**10)


@st.composite
def recharged_years(draw):
    contributions = {str(COUNCIL): draw(money), str(CCG): draw(money)}
    outturn = draw(st.integers(min_value=0, max_value=2 * sum(contributions.values()) + 10**6))
    to_ccg = draw(st.integers(min_value=0, max_value=outturn))
    to_council = draw(st.integers(min_value=0, max_value=outturn - to_ccg))
    inputs = year_inputs(pooled=draw(st.booleans()), recharged={str(CCG): to_ccg, str(COUNCIL): to_council})
    schedule = inputs["schedules"][0]
    schedule["contributions"], schedule["outturn"] = contributions, outturn
    rules = inputs["terms"]["rules"]
    if sum(contributions.values()):
        rules["overspend"] = draw(st.sampled_from(["contribution_share", "host", "lead_commissioner"]))
        rules["underspend"] = draw(st.sampled_from(["contribution_share", "carry_forward", "host_retains"]))
    else:  # no contribution to share by: the host bears it all
        rules["overspend"], rules["underspend"] = "host", "host_retains"
    inputs["received"] = {str(COUNCIL): draw(money), str(CCG): draw(money)}
    inputs["terms"]["caps"] = {str(CCG): {"pence": draw(money), "percent": None}} if draw(st.booleans()) else {}
    return inputs


@given(recharged_years())
def test_the_shares_and_the_pools_check_hold_to_the_penny(inputs):
    results = settlement_compute(inputs=inputs)
    schedule, pooled = results["schedules"][0], inputs["terms"]["recharges_pooled"]
    recharged = {int(party): amount for party, amount in inputs["schedules"][0]["recharged"].items()}
    assert results["check"]["holds"]
    assert (sum(partner["final_share_of_spend"] for partner in results["partners"]) + results["unfunded_overspend"]
            == schedule["outturn"])
    for partner in results["partners"]:
        billed = recharged.get(partner["id"], 0)
        assert partner["recharges_billed"] == billed
        assert partner["received"] == int(inputs["received"][str(partner["id"])]) + billed
        assert partner["recharged_own"] == (0 if pooled else billed)
        assert partner["final_share_of_spend"] == (partner["contributions"] + partner["overspend_share"]
                                                   - partner["underspend_share"])
        assert partner["net_payment"] == (partner["received"] - partner["final_share_of_spend"]
                                          - partner["carried_forward"])
    shared = schedule["outturn"] - (0 if pooled else sum(recharged.values()))
    assert schedule["overspend_to_share"] - schedule["underspend_to_share"] == shared - schedule["budget"]


# The year gathered from the ledger and the recharges ------------------------------------------------------------

@pytest.fixture
def fund(db):
    """A council hosting a pooled fund with one NHS partner; the council commissions its schedule."""
    return fund_open(actor=None, agreement=complete_agreement())


@pytest.fixture
def nhs(fund):
    return fund.agreement.parties.get(is_host=False)


@pytest.fixture
def package(fund, nhs):
    return place(contract_for(fund.agreement.schedules.get()), "PKG-0001", [(nhs, 10_000)])


@pytest.mark.django_db
def test_the_years_recharges_are_added_back_to_the_outturn_and_billed_to_the_partner(fund, package, nhs):
    """PKG-0001 (£200 a week from Monday 1 April 2024, the NHS partner's) is recharged for April: 30 days, four
    weeks and two days, £857.15. The provider's invoices for the year, £900,000, are posted as expenditure; the
    recharge credits £857.15 of it back."""
    accounts = {account.role: account for account in fund.accounts.filter(
        role__in=[AccountRole.EXPENDITURE, AccountRole.CREDITORS])}
    entry_post(actor=None, fund=fund, period=fund.periods.get(financial_year=2024, number=3), description="Care",
               lines=[LineSpec(accounts[AccountRole.EXPENDITURE], 900_000_00),
                      LineSpec(accounts[AccountRole.CREDITORS], -900_000_00)])
    recharge_post(actor=None, agreement=fund.agreement, party=nhs, month=FinancialMonth(FinancialYear(2024), 1),
                  today=date(2025, 5, 1))
    inputs = settlement_inputs(agreement=fund.agreement, year=FinancialYear(2024))
    schedule = inputs["schedules"][0]
    assert schedule["recharged"] == {str(nhs.pk): 857_15}
    assert schedule["outturn"] == 900_000_00  # the ledger's £899,142.85 and the £857.15 recharged
    results = settlement_compute(inputs=inputs)
    ccg = partners(results)[nhs.pk]
    assert (ccg["recharged_own"], ccg["recharges_billed"]) == (857_15, 857_15)
    assert results["check"]["holds"]
    terms = risk_share_terms_set(actor=None, agreement=fund.agreement, financial_year=None,
                                 overspend_rule=OverspendRule.CONTRIBUTION_SHARE,
                                 underspend_rule=UnderspendRule.CONTRIBUTION_SHARE, recharges_pooled=True,
                                 party_terms=[])
    assert "recharges to it is shared as pooled spend" in risk_share_summary(terms)
    pooled = settlement_compute(inputs=settlement_inputs(agreement=fund.agreement, year=FinancialYear(2024)))
    assert partners(pooled)[nhs.pk]["recharged_own"] == 0 and pooled["schedules"][0]["recharges_pooled"]
    assert pooled["check"]["holds"]
