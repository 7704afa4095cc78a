"""The statutory content checklist (a)-(g), computed from the agreement's data."""

import pytest

from s75.agreements.checklist import agreement_checklist, agreement_excluded_functions
from s75.agreements.services import party_update, schedule_create, schedule_update
from tests.factories import AgreementFactory, complete_agreement

pytestmark = pytest.mark.django_db


def missing(agreement) -> dict[str, list[str]]:
    return {item.key: item.missing for item in agreement_checklist(agreement=agreement)}


def test_a_complete_agreement_has_nothing_missing():
    agreement = complete_agreement()
    assert all(item.complete for item in agreement_checklist(agreement=agreement))
    assert [item.key for item in agreement_checklist(agreement=agreement)] == list("abcdefg")


def test_an_empty_pooled_agreement_misses_every_item():
    agreement = AgreementFactory(pooled_fund=True)
    assert missing(agreement) == {
        "a": ["the agreement has no schedules"],
        "b": ["the agreement does not say how contributions may be varied"],
        "c": [],
        "d": [],
        "e": [],
        "f": [
            "the agreement does not say how it is reviewed",
            "the agreement does not say how it is varied",
            "the agreement does not say how it is terminated",
        ],
        "g": [
            "no party is named as host of the pooled fund",
            "no pooled fund manager is named",
            "the agreement does not say how the fund is managed, reported on and audited",
        ],
    }


def test_each_schedule_must_state_its_content():
    agreement = complete_agreement()
    schedule_create(actor=None, agreement=agreement, title="Carers' breaks")
    assert missing(agreement) == {
        "a": ["schedule 2 (Carers' breaks) has no aims and outcomes"],
        "b": ["schedule 2 (Carers' breaks) has no contributions"],
        "c": ["schedule 2 (Carers' breaks) names no NHS or health-related functions"],
        "d": [
            "schedule 2 (Carers' breaks) does not say who is eligible",
            "schedule 2 (Carers' breaks) does not say what kinds of service it covers",
        ],
        "e": ["schedule 2 (Carers' breaks) does not say what staff, goods or accommodation are provided"],
        "f": [],
        "g": [],
    }


def test_non_pooled_schedules_need_no_contributions_and_no_fund_needs_no_host():
    agreement = complete_agreement(pooled_fund=False, lead_commissioning=True, pooled_fund_manager_name="")
    party_update(actor=None, party=agreement.host, is_host=False)
    schedule_create(
        actor=None, agreement=agreement, title="Lead commissioned care", funding_type="non_pooled",
        aims_and_outcomes="Joined-up care", nhs_functions="Care at home", eligible_people="Residents",
        services="Home care", resources="Council purchasing team",
    )
    assert all(item.complete for item in agreement_checklist(agreement=agreement))


def test_excluded_functions_are_found_by_keyword():
    agreement = complete_agreement()
    schedule = agreement.schedules.get()
    schedule_update(
        actor=None, schedule=schedule,
        nhs_functions="Community equipment\nEmergency ambulance services\nRadiotherapy at home\nLaser therapy",
    )
    findings = [(f.function, f.excluded) for f in agreement_excluded_functions(agreement=agreement)]
    assert findings == [
        ("Emergency ambulance services", "Emergency ambulance services"),
        ("Radiotherapy at home", "Radiotherapy"),
        ("Laser therapy", "Class 4 laser treatment"),
    ]
