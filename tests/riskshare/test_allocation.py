"""DESIGN.md §6 as tests: the Luton worked example, more worked examples, and hypothesis properties."""

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from s75.riskshare.allocation import (
    AllocationError,
    Cap,
    FundingType,
    OverspendRule,
    Rules,
    ScheduleFigures,
    Terms,
    UnderspendRule,
    allocate,
)

COUNCIL, CCG = "council", "ccg"


def pounds(value: str) -> int:
    return int(Decimal(value) * 100)


def luton(**kwargs):
    """Luton's 2013/14 financial schedule from the seed, with DESIGN.md §6's invented outturn."""
    rows = [
        ("Head of Adult Joint Commissioning", "44500", "44500", "89000"),
        ("Joint Equipment Store", "535000", "535000", "1130000"),
        ("Integrated LD team", "471000", "244000", "700000"),
        ("LD Pooled Purchasing Budget", "2052000", "2130000", "4300000"),
        ("LD NHS Purchasing Budget", None, "540000", "520000"),
    ]
    schedules = [
        ScheduleFigures(
            key=title,
            contributions={p: pounds(c) for p, c in ((COUNCIL, council), (CCG, ccg)) if c is not None},
            outturn=pounds(outturn),
        )
        for title, council, ccg, outturn in rows
    ]
    return allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules, **kwargs)


def test_luton_worked_example_contribution_share_both_ways():
    result = luton(terms=Terms())
    expected = {
        "Head of Adult Joint Commissioning": ({}, {}),
        "Joint Equipment Store": ({COUNCIL: "30000.00", CCG: "30000.00"}, {}),
        "Integrated LD team": ({}, {COUNCIL: "9881.12", CCG: "5118.88"}),
        "LD Pooled Purchasing Budget": ({COUNCIL: "57899.57", CCG: "60100.43"}, {}),
        "LD NHS Purchasing Budget": ({}, {CCG: "20000.00"}),
    }
    for key, (over, under) in expected.items():
        schedule = result.schedule(key)
        assert {p: v for p, v in schedule.overspend_shares.items() if v} == {p: pounds(v) for p, v in over.items()}
        assert {p: v for p, v in schedule.underspend_shares.items() if v} == {p: pounds(v) for p, v in under.items()}
    council, ccg = result.partner(COUNCIL), result.partner(CCG)
    assert council.overspend_share - council.underspend_share == pounds("78018.45")
    assert ccg.overspend_share - ccg.underspend_share == pounds("64981.55")
    assert ccg.final_share_of_spend == pounds("3558481.55")
    assert (council.net_payment, ccg.net_payment) == (-pounds("78018.45"), -pounds("64981.55"))
    assert (result.unfunded_overspend, result.reserve_used) == (0, 0)


def test_luton_with_pool_share_and_offset_first():
    result = luton(terms=Terms(rules=Rules(overspend=OverspendRule.POOL_SHARE), offset_first=True))
    council, ccg = result.partner(COUNCIL), result.partner(CCG)
    assert (council.overspend_share, ccg.overspend_share) == (pounds("67261.60"), pounds("75738.40"))
    assert council.underspend_share == ccg.underspend_share == 0


def test_each_partner_bears_its_own_on_aligned_schedules():
    schedules = [
        ScheduleFigures("Integrated team", {COUNCIL: 100_000_00, CCG: 50_000_00}, 0, FundingType.ALIGNED,
                        outturn_by_partner={COUNCIL: 110_000_00, CCG: 45_000_00}),
        ScheduleFigures("CHC", {CCG: 1_000_000_00}, 1_020_000_00, FundingType.ALIGNED),
    ]
    result = allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules, terms=Terms())
    assert result.partner(COUNCIL).own_variance == 10_000_00
    assert result.partner(CCG).own_variance == -5_000_00 + 20_000_00
    assert result.partner(CCG).overspend_share == 0


def test_pro_rata_capped_at_each_partners_maximum_with_an_unfunded_remainder():
    # Overspend £100,000 on a £1m pool (council 600k, CCG 400k); caps: council £30,000, CCG 5% (£20,000).
    schedules = [ScheduleFigures("Pool", {COUNCIL: 600_000_00, CCG: 400_000_00}, 1_100_000_00)]
    terms = Terms(caps={COUNCIL: Cap(pence=30_000_00), CCG: Cap(percent=Decimal("5"))})
    result = allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules, terms=terms)
    assert result.partner(COUNCIL).overspend_share == 30_000_00  # 60,000 before the cap
    assert result.partner(CCG).overspend_share == 20_000_00  # 40,000 before the cap
    assert result.unfunded_overspend == 50_000_00


def test_a_capped_partners_excess_goes_to_the_partner_still_under_its_cap():
    schedules = [ScheduleFigures("Pool", {COUNCIL: 600_000_00, CCG: 400_000_00}, 1_100_000_00)]
    terms = Terms(caps={CCG: Cap(pence=25_000_00)})
    result = allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules, terms=terms)
    assert (result.partner(COUNCIL).overspend_share, result.partner(CCG).overspend_share) == (75_000_00, 25_000_00)
    assert result.partner(CCG).cap_adjustment == -15_000_00
    assert result.unfunded_overspend == 0


def test_a_risk_reserve_first_then_pro_rata():
    # Net overspend £50,000 across two schedules; a £20,000 contingency reserve meets the first £20,000.
    schedules = [
        ScheduleFigures("A", {COUNCIL: 300_000_00, CCG: 100_000_00}, 440_000_00),
        ScheduleFigures("B", {COUNCIL: 100_000_00, CCG: 100_000_00}, 210_000_00),
    ]
    terms = Terms(offset_first=True, contingency_reserve=20_000_00)
    result = allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules, terms=terms)
    assert result.reserve_used == 20_000_00
    # £30,000 left, spread 40:10 over A and B = 24,000 and 6,000; A split 3:1, B split 1:1.
    assert result.schedule("A").overspend_shares == {COUNCIL: 18_000_00, CCG: 6_000_00}
    assert result.schedule("B").overspend_shares == {COUNCIL: 3_000_00, CCG: 3_000_00}


def test_overspends_met_from_other_schedules_underspends_first():
    schedules = [
        ScheduleFigures("Over", {COUNCIL: 500_000_00, CCG: 500_000_00}, 1_080_000_00),
        ScheduleFigures("Under", {COUNCIL: 200_000_00, CCG: 0}, 150_000_00),
    ]
    result = allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules, terms=Terms(offset_first=True))
    assert result.schedule("Over").overspend_to_share == 30_000_00  # 80,000 less the 50,000 underspent
    assert result.schedule("Under").underspend_shares == {}
    assert (result.partner(COUNCIL).overspend_share, result.partner(CCG).overspend_share) == (15_000_00, 15_000_00)


def test_fixed_sixty_forty_between_three_partners_where_pennies_do_not_divide():
    # 60/40 with a third partner at 0: an overspend of £1,000.01 cannot split evenly; the odd penny goes to the
    # larger fractional part (60% × 100,001p = 60,000.6p → 60,001p; 40% → 40,000.4p → 40,000p).
    icb2 = "icb2"
    schedules = [ScheduleFigures("Pool", {COUNCIL: 1, CCG: 1, icb2: 1}, 100_004)]
    rules = Rules(overspend=OverspendRule.FIXED, fixed_percent={COUNCIL: Decimal(60), CCG: Decimal(40), icb2: 0})
    result = allocate(partners=[COUNCIL, CCG, icb2], host=COUNCIL, schedules=schedules, terms=Terms(rules=rules))
    assert result.schedule("Pool").overspend_shares == {COUNCIL: 60_001, CCG: 40_000, icb2: 0}


def test_carry_forward_keeps_the_underspend_in_the_pool_credited_pro_rata():
    schedules = [ScheduleFigures("Pool", {COUNCIL: 300_000_00, CCG: 100_000_00}, 380_000_00)]
    terms = Terms(rules=Rules(underspend=UnderspendRule.CARRY_FORWARD))
    result = allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules, terms=terms)
    council, ccg = result.partner(COUNCIL), result.partner(CCG)
    assert (council.carried_forward, ccg.carried_forward) == (15_000_00, 5_000_00)
    assert council.net_payment == ccg.net_payment == 0  # nothing is paid back: it opens next year


def test_host_and_lead_commissioner_rules_put_it_all_on_one_partner():
    schedules = [ScheduleFigures("Care at home", {COUNCIL: 1000, CCG: 1000}, 2500, lead_commissioner=CCG)]
    host = allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules,
                    terms=Terms(rules=Rules(overspend=OverspendRule.HOST)))
    lead = allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules,
                    terms=Terms(rules=Rules(overspend=OverspendRule.LEAD_COMMISSIONER)))
    assert host.schedule("Care at home").overspend_shares == {COUNCIL: 500}
    assert lead.schedule("Care at home").overspend_shares == {CCG: 500}


def test_spend_outside_the_agreement_is_borne_by_the_host_alone():
    """A council spends £12,000 of the equipment store's outturn on something the agreement does not cover: it is
    taken out before the shares, the remaining £48,000 overspend is shared 50/50, the host bears the £12,000."""
    schedules = [ScheduleFigures("Joint Equipment Store", {COUNCIL: pounds("535000"), CCG: pounds("535000")},
                                 pounds("1130000"), outside_agreement=pounds("12000"))]
    result = allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules, terms=Terms())
    council, ccg = result.partner(COUNCIL), result.partner(CCG)
    assert (council.overspend_share, ccg.overspend_share) == (pounds("24000"), pounds("24000"))
    assert (council.outside_agreement, ccg.outside_agreement) == (pounds("12000"), 0)
    assert council.final_share_of_spend == pounds("535000") + pounds("24000") + pounds("12000")
    assert ccg.final_share_of_spend == pounds("559000")
    assert result.schedule("Joint Equipment Store").outside_agreement == pounds("12000")

    shared = allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules,
                      terms=Terms(maladministration_borne_by_host=False))
    assert shared.partner(COUNCIL).overspend_share == shared.partner(CCG).overspend_share == pounds("30000")
    assert shared.partner(COUNCIL).outside_agreement == 0


def test_a_schedules_own_terms_decide_who_bears_its_spend_outside_the_agreement():
    """The fund's terms share spend outside the agreement like any overspend; the equipment store's own terms keep
    it with the host: the £12,000 is the council's, the store's remaining £48,000 overspend is shared 50/50."""
    schedules = [ScheduleFigures("Joint Equipment Store", {COUNCIL: pounds("535000"), CCG: pounds("535000")},
                                 pounds("1130000"), outside_agreement=pounds("12000"))]
    terms = Terms(maladministration_borne_by_host=False,
                  schedule_rules={"Joint Equipment Store": Rules(maladministration_borne_by_host=True)})
    result = allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules, terms=terms)
    assert (result.partner(COUNCIL).outside_agreement, result.partner(CCG).overspend_share) == (
        pounds("12000"), pounds("24000"))


def test_the_underspend_share_includes_the_part_carried_forward():
    """DESIGN.md §6 step 6: final share = contributions + overspend share − underspend share, the part carried
    forward included; net payment = received − final share − carried forward."""
    result = luton(terms=Terms(rules=Rules(underspend=UnderspendRule.CARRY_FORWARD)))
    council = result.partner(COUNCIL)
    assert (council.underspend_share, council.carried_forward) == (pounds("9881.12"), pounds("9881.12"))
    assert council.final_share_of_spend == council.contributions + council.overspend_share - pounds("9881.12")
    assert council.net_payment == council.received - council.final_share_of_spend - pounds("9881.12")


def test_terms_that_cannot_apply_say_why():
    schedules = [ScheduleFigures("Pool", {COUNCIL: 100, CCG: 100}, 300)]
    with pytest.raises(AllocationError, match="add up to 90, not 100"):
        allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules, terms=Terms(rules=Rules(
            overspend=OverspendRule.FIXED, fixed_percent={COUNCIL: Decimal(50), CCG: Decimal(40)})))
    with pytest.raises(AllocationError, match="no lead commissioner"):
        allocate(partners=[COUNCIL, CCG], host=COUNCIL, schedules=schedules,
                 terms=Terms(rules=Rules(overspend=OverspendRule.LEAD_COMMISSIONER)))
    with pytest.raises(AllocationError, match="between nothing and the outturn"):
        allocate(partners=[COUNCIL, CCG], host=COUNCIL, terms=Terms(),
                 schedules=[ScheduleFigures("Pool", {COUNCIL: 100, CCG: 100}, 300, outside_agreement=301)])


# Properties ------------------------------------------------------------------------------------------------

PARTNERS = ["p0", "p1", "p2", "p3"]
money = st.integers(min_value=0, max_value=10**10)
PERCENT_UNIT = Decimal("0.0001")  # the terms hold percentages to four places


@st.composite
def fixed_percents(draw, partners: list[str]) -> dict[str, Decimal]:
    """Agreed percentages, to four places, that add up to exactly 100 (a partner may have 0)."""
    whole = 100 * 10**4
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=whole), min_size=len(partners) - 1,
                                max_size=len(partners) - 1)))
    bounds = [0, *cuts, whole]
    return {p: (bounds[i + 1] - bounds[i]) * PERCENT_UNIT for i, p in enumerate(partners)}


@st.composite
def rules(draw, partners: list[str], *, for_schedule: bool = False) -> Rules:
    return Rules(overspend=draw(st.sampled_from(list(OverspendRule))),
                 underspend=draw(st.sampled_from(list(UnderspendRule))),
                 fixed_percent=draw(fixed_percents(partners)),
                 maladministration_borne_by_host=draw(st.none() | st.booleans()) if for_schedule else None)


@st.composite
def years(draw, rule=None):
    """A year of figures and terms; ``rule`` fixes the fund's rules (with or without caps, offsetting, overrides)."""
    count = draw(st.integers(min_value=2, max_value=4))
    partners = PARTNERS[:count]
    schedules = []
    for number in range(draw(st.integers(min_value=1, max_value=5))):
        contributions = {p: draw(money) for p in partners}
        assume(sum(contributions.values()) > 0)
        outturn = draw(st.integers(min_value=0, max_value=2 * sum(contributions.values()) + 10**6))
        outside = draw(st.integers(min_value=0, max_value=outturn)) if draw(st.booleans()) else 0
        schedules.append(ScheduleFigures(number, contributions, outturn, lead_commissioner=partners[0],
                                         outside_agreement=outside))
    caps = {p: Cap(pence=draw(money)) for p in partners if draw(st.booleans())}
    overrides = {schedule.key: draw(rules(partners, for_schedule=True)) for schedule in schedules
                 if rule is None and draw(st.booleans())}
    terms = Terms(
        rules=rule(partners, draw) if rule else draw(rules(partners)), schedule_rules=overrides,
        offset_first=draw(st.booleans()), contingency_reserve=draw(money), caps=caps,
        maladministration_borne_by_host=draw(st.booleans()),
    )
    received = {p: draw(money) for p in partners}
    return partners, schedules, terms, received


def _fixed_both_ways(partners, draw) -> Rules:
    return Rules(overspend=OverspendRule.FIXED, underspend=UnderspendRule.FIXED,
                 fixed_percent=draw(fixed_percents(partners)))


@given(years(rule=_fixed_both_ways), st.booleans())
def test_fixed_shares_follow_the_agreed_percentages_to_the_penny(year, capped):
    """Under the fixed rule each schedule's shares are its amount at the agreed percentages, each within a penny of
    the exact figure and adding up to it exactly; with caps, the caps hold and the step-6 check still holds."""
    partners, schedules, terms, received = year
    if not capped:
        terms = Terms(rules=terms.rules, offset_first=terms.offset_first,
                      contingency_reserve=terms.contingency_reserve)
    result = allocate(partners=partners, host=partners[0], schedules=schedules, terms=terms, received=received)
    percent = terms.rules.fixed_percent
    for schedule in result.schedules:
        for amount, shares in ((schedule.overspend_to_share, schedule.overspend_shares),
                               (schedule.underspend_to_share, schedule.underspend_shares)):
            assert sum(shares.values()) == amount
            for p in partners:
                assert abs(shares.get(p, 0) - amount * percent[p] / 100) < 1
    if not capped:
        assert result.unfunded_overspend == 0
        for p in result.partners:
            assert p.cap_adjustment == 0
            assert p.overspend_share == sum(s.overspend_shares.get(p.partner, 0) for s in result.schedules)
    assert_step_six(result, schedules, received)


def assert_step_six(result, schedules, received) -> None:
    """Each partner's figures and the pool's check of DESIGN.md §6 step 6."""
    for p in result.partners:
        assert 0 <= p.carried_forward <= p.underspend_share
        assert p.final_share_of_spend == (p.contributions + p.overspend_share - p.underspend_share + p.own_variance
                                          + p.outside_agreement)
        assert p.net_payment == p.received - p.final_share_of_spend - p.carried_forward
    left = (sum(p.net_payment for p in result.partners) + sum(p.carried_forward for p in result.partners)
            - result.unfunded_overspend - result.reserve_used)
    assert left == sum(received.values()) - sum(s.outturn for s in schedules)


@given(years())
def test_shares_add_up_to_what_is_shared_to_the_penny(year):
    partners, schedules, terms, received = year
    result = allocate(partners=partners, host=partners[0], schedules=schedules, terms=terms, received=received)
    for schedule in result.schedules:
        assert sum(schedule.overspend_shares.values()) == schedule.overspend_to_share
        assert sum(schedule.underspend_shares.values()) == schedule.underspend_to_share
    shared = sum(s.overspend_to_share for s in result.schedules)
    assert sum(p.overspend_share for p in result.partners) + result.unfunded_overspend == shared


@given(years())
def test_no_cap_is_exceeded_and_overspend_shares_are_never_negative(year):
    partners, schedules, terms, received = year
    result = allocate(partners=partners, host=partners[0], schedules=schedules, terms=terms, received=received)
    pool = {p: sum(s.contributions.get(p, 0) for s in schedules) for p in partners}
    for partner in result.partners:
        assert partner.overspend_share >= 0
        if partner.partner in terms.caps:
            assert partner.overspend_share <= terms.caps[partner.partner].limit(pool[partner.partner])
    for schedule in result.schedules:
        assert all(share >= 0 for share in schedule.overspend_shares.values())


@given(years())
def test_the_settlement_check_of_step_six_holds(year):
    partners, schedules, terms, received = year
    result = allocate(partners=partners, host=partners[0], schedules=schedules, terms=terms, received=received)
    assert_step_six(result, schedules, received)


@given(years(), st.randoms())
def test_reordering_the_partners_moves_no_schedule_share_by_more_than_a_penny(year, rnd):
    partners, schedules, terms, received = year
    terms = Terms(rules=terms.rules, offset_first=terms.offset_first, contingency_reserve=terms.contingency_reserve)
    shuffled = list(partners)
    rnd.shuffle(shuffled)
    host = partners[0]
    first = allocate(partners=partners, host=host, schedules=schedules, terms=terms)
    second = allocate(partners=shuffled, host=host, schedules=schedules, terms=terms)
    for a, b in zip(first.schedules, second.schedules, strict=True):
        for p in partners:
            assert abs(a.overspend_shares.get(p, 0) - b.overspend_shares.get(p, 0)) <= 1
            assert abs(a.underspend_shares.get(p, 0) - b.underspend_shares.get(p, 0)) <= 1
