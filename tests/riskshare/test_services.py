import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from s75.agreements.fileformat import AgreementFileError, agreement_file_read, agreement_load
from s75.agreements.models import Agreement
from s75.agreements.services import (
    ChangeRefused,
    VariationDetails,
    agreement_create,
    agreement_transition,
    agreement_vary,
    party_add,
    schedule_create,
)
from s75.audit.models import AuditEvent
from s75.demo import services as demo_services
from s75.organisations.selectors import organisation_get_by_code
from s75.riskshare.models import PartyTerm, RiskShareTerms
from s75.riskshare.services import risk_share_summary, risk_share_terms_set
from tests.factories import AgreementFactory, PartyFactory, complete_agreement


@pytest.fixture
def agreement(db) -> Agreement:
    agreement = agreement_create(
        actor=None, reference="luton-s75", title="Luton Section 75 Agreement", start_date=datetime.date(2013, 4, 1),
        end_date=datetime.date(2016, 3, 31), pooled_fund=True,
    )
    party_add(actor=None, agreement=agreement, organisation=organisation_get_by_code(code="E06000032"),
              name_in_agreement="Luton Borough Council", is_host=True)
    party_add(actor=None, agreement=agreement, organisation=organisation_get_by_code(code="06P"),
              name_in_agreement="NHS Luton CCG")
    schedule_create(actor=None, agreement=agreement, title="Joint Equipment Store", number=2)
    return agreement


def parties(agreement: Agreement):
    council, ccg = agreement.parties.order_by("position")
    return council, ccg


def set_terms(agreement: Agreement, **overrides) -> RiskShareTerms:
    terms = {"actor": None, "agreement": agreement, "financial_year": None, "overspend_rule": "contribution_share",
             "underspend_rule": "contribution_share", "party_terms": []}
    return risk_share_terms_set(**{**terms, **overrides})


def refusal(agreement: Agreement, **overrides) -> list[str]:
    with pytest.raises(ChangeRefused) as refused:
        set_terms(agreement, **overrides)
    return refused.value.problems


def test_terms_are_set_with_each_partners_terms_and_an_audit_record(agreement):
    council, ccg = parties(agreement)

    terms = set_terms(agreement, financial_year=2013, overspend_rule="fixed", underspend_rule="carry_forward",
                      party_terms=[{"party": council, "fixed_percent": Decimal("60")},
                                   {"party": ccg, "fixed_percent": Decimal("40"), "cap_pence": 10_000_000}])

    held = terms.party_terms.order_by("party__position")
    assert [(t.party, t.fixed_percent, t.cap_pence, t.cap_percent) for t in held] == [
        (council, Decimal("60"), None, None), (ccg, Decimal("40"), 10_000_000, None)
    ]
    event = AuditEvent.objects.get(action="risk_share_terms_set")
    assert event.agreement_id == agreement.pk
    assert event.after["party_terms"][1] == {"party": "NHS Luton CCG", "fixed_percent": "40", "cap_pence": 10_000_000,
                                             "cap_percent": None}


def test_setting_the_same_scope_again_replaces_the_terms_and_the_partners_terms(agreement):
    council, ccg = parties(agreement)
    set_terms(agreement, party_terms=[{"party": ccg, "cap_percent": Decimal("10")}])

    terms = set_terms(agreement, overspend_rule="host", party_terms=[{"party": council, "cap_pence": 0}])

    assert RiskShareTerms.objects.get() == terms
    assert terms.overspend_rule == "host"
    assert list(PartyTerm.objects.values_list("party", "cap_pence")) == [(council.pk, 0)]
    assert AuditEvent.objects.filter(action="risk_share_terms_set").latest("id").before["overspend_rule"] == (
        "contribution_share"
    )


def test_fixed_percentages_must_add_up_to_exactly_100_under_a_fixed_rule(agreement):
    council, ccg = parties(agreement)
    shares = [{"party": council, "fixed_percent": Decimal("33.3333")},
              {"party": ccg, "fixed_percent": Decimal("66.6666")}]

    assert refusal(agreement, underspend_rule="fixed", party_terms=shares) == [
        "under the fixed underspend rule the partners' fixed percentages must add up to exactly 100, not 99.9999"
    ]
    assert refusal(agreement, party_terms=[{"party": council, "fixed_percent": Decimal("100")}]) == [
        "fixed percentages apply only under a fixed rule: remove them or make a rule fixed"
    ]


def test_a_partners_term_is_checked(agreement):
    council, ccg = parties(agreement)
    outsider = PartyFactory(agreement=AgreementFactory(), is_host=False)

    assert refusal(agreement, party_terms=[
        {"party": outsider},
        {"party": council, "cap_pence": 100, "cap_percent": Decimal("5")},
        {"party": ccg, "cap_pence": -1},
        {"party": ccg},
    ]) == [
        f"{outsider} is not a party to this agreement",
        "Luton Borough Council: a cap is an amount or a percentage of the partner's contribution, not both",
        "NHS Luton CCG: a cap cannot be negative",
        "NHS Luton CCG has more than one term",
    ]
    assert refusal(agreement, overspend_rule="fixed", party_terms=[
        {"party": council, "fixed_percent": Decimal("100.00001")}, {"party": ccg, "fixed_percent": Decimal("-0.00001")}
    ]) == [
        "Luton Borough Council: a fixed percentage must be between 0 and 100 per cent, not 100.00001",
        "NHS Luton CCG: a fixed percentage must be between 0 and 100 per cent, not -0.00001",
    ]


def test_the_rules_must_be_known_and_have_someone_to_apply_to(agreement):
    schedule = agreement.schedules.get()
    hostless = AgreementFactory()

    assert refusal(agreement, overspend_rule="halves", underspend_rule="keep") == [
        "'halves' is not an overspend rule: use one of contribution_share, pool_share, fixed, host, lead_commissioner",
        "'keep' is not an underspend rule: use one of contribution_share, pool_share, fixed, carry_forward, "
        "host_retains",
    ]
    assert refusal(hostless, overspend_rule="host", underspend_rule="host_retains") == [
        "the host bears overspends under this rule, but no party is the host",
        "the host retains underspends under this rule, but no party is the host",
    ]
    assert refusal(agreement, schedule=schedule, overspend_rule="lead_commissioner") == [
        "the schedule's lead commissioner bears overspends under this rule, but the schedule has no lead commissioner"
    ]
    assert refusal(agreement, contingency_reserve_pence=-1) == ["the contingency reserve cannot be negative"]


def test_once_in_force_the_terms_change_only_by_a_variation(db):
    agreement = complete_agreement(approve=True)
    agreement_transition(actor=None, agreement=agreement, to_status="approved", reason="Approved")
    agreement_transition(actor=None, agreement=agreement, to_status="in_force", reason="Commenced")

    assert refusal(agreement) == ["the agreement is in force: record the change as a variation with its effective date"]

    variation = agreement_vary(
        actor=None, agreement=agreement,
        variation=VariationDetails(effective_from=datetime.date(2025, 4, 1), description="Pool-share risk"),
        changes=lambda locked: set_terms(locked, overspend_rule="pool_share"),
    )
    assert variation.number == 1
    assert RiskShareTerms.objects.get().overspend_rule == "pool_share"
    assert variation.document_after["risk_share"][0]["overspend_rule"] == "pool_share"


def test_the_summary_states_the_terms_in_a_sentence(agreement):
    council, ccg = parties(agreement)
    schedule = agreement.schedules.get()

    plain = set_terms(agreement)
    capped = set_terms(
        agreement, financial_year=2013, offset_first=True, contingency_reserve_pence=5_000_050,
        party_terms=[{"party": council, "cap_percent": Decimal("12.5")}, {"party": ccg, "cap_pence": 10_000_000}],
    )
    fixed = set_terms(
        agreement, schedule=schedule, overspend_rule="fixed", underspend_rule="host_retains",
        maladministration_borne_by_host=False,
        party_terms=[{"party": council, "fixed_percent": Decimal("60")},
                     {"party": ccg, "fixed_percent": Decimal("40")}],
    )

    assert risk_share_summary(plain) == (
        "Overspends are shared in proportion to each partner's contribution to the schedule; underspends are "
        "returned in proportion to each partner's contribution to the schedule; spend outside the agreement is "
        "borne by the host alone."
    )
    assert risk_share_summary(capped) == (
        "In 2013-14, overspends are shared in proportion to each partner's contribution to the schedule; "
        "underspends are returned in proportion to each partner's contribution to the schedule; an overspend is "
        "first met from underspends on other pooled schedules in the same year, then from the contingency reserve "
        "of £50,000.50, and only the rest is shared; Luton Borough Council's share of overspends is capped at 12.5% "
        "of its total pooled contribution, and NHS Luton CCG's share of overspends is capped at £100,000, and what "
        "no partner can take is reported as an unfunded overspend; spend outside the agreement is borne by the "
        "host alone."
    )
    assert risk_share_summary(fixed) == (
        "For schedule 2 (Joint Equipment Store), overspends are shared in fixed percentages (Luton Borough Council "
        "60%, NHS Luton CCG 40%); underspends are retained by the host partner (Luton Borough Council); spend "
        "outside the agreement is shared like any other overspend."
    )


def test_a_schedules_own_terms_carry_no_caps_offsetting_or_reserve(agreement):
    """Caps, offsetting and the reserve work across the pool for the year (DESIGN.md §6 steps 2 and 4): on one
    schedule's terms they are refused with the reason, not kept and ignored by the settlement."""
    council, ccg = parties(agreement)
    schedule = agreement.schedules.get()
    assert refusal(agreement, schedule=schedule, offset_first=True, contingency_reserve_pence=1_000_00,
                   party_terms=[{"party": ccg, "cap_pence": 5_000_00},
                                {"party": council, "cap_percent": Decimal("10")}]) == [
        "offsetting first nets overspends against underspends across all the pooled schedules, so it is set in the "
        "terms for the whole fund, not for one schedule",
        "the contingency reserve is held in the pool for every schedule, so it is set in the terms for the whole "
        "fund, not for one schedule",
        "NHS Luton CCG: a cap limits a partner's share of the year's overspends over the whole pool, so it is set "
        "in the terms for the whole fund, not for one schedule",
        "Luton Borough Council: a cap limits a partner's share of the year's overspends over the whole pool, so it "
        "is set in the terms for the whole fund, not for one schedule",
    ]
    assert not RiskShareTerms.objects.exists()
    set_terms(agreement, offset_first=True, contingency_reserve_pence=1_000_00,
              party_terms=[{"party": ccg, "cap_pence": 5_000_00}])  # the same, for the whole fund
    assert RiskShareTerms.objects.get().party_terms.get().cap_pence == 5_000_00


def test_an_agreement_file_with_a_cap_on_one_schedules_terms_is_refused_at_its_path(db):
    """Loading goes through the same service: the file's problem is reported where it is, and nothing is saved."""
    document = agreement_file_read(Path(demo_services.__file__).parent / "data" / "luton.yaml")
    council = document["parties"][0]["organisation"]
    document["risk_share"].append({"schedule": 2, "overspend_rule": "contribution_share",
                                   "underspend_rule": "contribution_share",
                                   "parties": [{"party": council, "cap": "10000.00"}]})
    with pytest.raises(AgreementFileError) as refused:
        agreement_load(actor=None, document=document)
    assert [(problem.path, problem.message) for problem in refused.value.errors] == [(
        "risk_share[1]", "Luton Borough Council: a cap limits a partner's share of the year's overspends over the "
        "whole pool, so it is set in the terms for the whole fund, not for one schedule")]
    assert not Agreement.objects.filter(reference=document["agreement"]["reference"]).exists()
