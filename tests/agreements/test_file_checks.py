"""Checking agreement files: every problem reported once, at its path, before anything is saved."""


import pytest

from s75.agreements.document import agreement_document
from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import FileProblem
from s75.agreements.models import AgreementStatus

from .agreementfiles import load_errors, luton, row_counts


@pytest.mark.django_db
def test_a_broken_file_reports_every_problem_at_its_path_and_changes_nothing():
    document = luton()
    document["agreement"]["titel"] = document["agreement"].pop("title")
    document["agreement"]["term"]["end"] = "2013-03-31"
    document["parties"].append({"organisation": "ZZZ", "host": True})
    store = document["schedules"][1]
    store["number"] = 1
    store["contributions"][0]["amount"] = "535,000.005"
    store["contributions"][1].update(party="QHG", year="2013-15", stream="grant")
    document["schedules"][2]["contributions"][0]["amount"] = 540000.5
    document["approvals"][0]["party"] = "QHG"
    document["risk_share"][1]["parties"][1].update(fixed_percent="30", cap="100000.00", cap_percent="10")
    before = row_counts()

    errors = load_errors(document)

    assert [str(error) for error in errors] == [
        "agreement.titel: is not a field here: check the spelling (the fields are reference, title, summary, "
        "legal_basis, flexibilities, better_care_fund, term, status, end_reason, pooled_fund_manager, terms, "
        "consultation, predecessor)",
        "agreement.title: is required",
        "schedules[2].contributions[0].amount: 540000.5 is a decimal number: write amounts and percentages in "
        "quotes, like \"44500.00\", so that they are read exactly",
        "agreement.term.end: the end (31 March 2013) must be after the start (1 April 2013)",
        "parties[2].organisation: no organisation has the code 'ZZZ': give an NHS body's ODS code (e.g. QHG) or a "
        "council's ONS code (e.g. E06000032)",
        "parties[2].host: parties[0] is already the host: an agreement has one host",
        "schedules[1].number: schedule number 1 is already used by schedules[0]",
        "schedules[1].contributions[0].amount: '535,000.005' has fractions of a penny: give at most two decimal "
        "places",
        "schedules[1].contributions[1].party: 'QHG' is not one of the parties: list it under parties (the parties "
        "are E06000032, 06P, ZZZ)",
        "schedules[1].contributions[1].year: '2013-15' is not a financial year: the second year must follow the "
        "first",
        "schedules[1].contributions[1].stream: 'grant' is not a funding stream: use one of additional, ccg-revenue, "
        "core, dfg, discharge, ibcf, nhs-minimum, social-care-capital",
        "approvals[0].party: 'QHG' is not one of the parties: list it under parties (the parties are E06000032, "
        "06P, ZZZ)",
        "risk_share[1].schedule: no schedule has the number 2",
        "risk_share[1].parties[1].cap_percent: a cap is an amount or a percentage of the partner's contribution, "
        "not both",
        "risk_share[1].parties: under the fixed overspend and underspend rule the partners' fixed percentages must "
        "add up to exactly 100, not 90",
    ]
    assert row_counts() == before


@pytest.mark.django_db
def test_an_existing_reference_and_an_unknown_predecessor_are_reported():
    agreement_load(actor=None, document=luton())
    document = luton()
    document["agreement"]["predecessor"] = "luton-s75-2010"

    assert load_errors(document) == [
        FileProblem("agreement.reference", "the reference 'luton-s75-2013' is already used in Luton's register: "
                    "choose another, for example with the year in it"),
        FileProblem("agreement.predecessor", "no agreement with the reference 'luton-s75-2010' is in the register: "
                    "load the agreement this one renews first"),
    ]


@pytest.mark.django_db
def test_a_renewal_names_the_agreement_it_renews():
    first = agreement_load(actor=None, document=luton())
    document = luton()
    document["agreement"].update(reference="luton-s75-2016", predecessor="luton-s75-2013")

    renewal = agreement_load(actor=None, document=document)

    assert renewal.predecessor == first
    assert agreement_document(agreement=renewal)["agreement"]["predecessor"] == "luton-s75-2013"


@pytest.mark.django_db
def test_a_history_that_does_not_follow_on_or_match_the_status_is_reported():
    document = luton()
    document["history"][1]["from"] = "draft"
    document["history"][2]["at"] = "2013-01-01T00:00:00+00:00"
    document["agreement"]["status"] = "ended"

    assert load_errors(document) == [
        FileProblem("agreement.end_reason", "an ended agreement says why it ended: expired, terminated or superseded"),
        FileProblem("history[1].from", "this move starts from draft, but the agreement was consultation: the history "
                    "starts from draft and each move starts where the one before it ended"),
        FileProblem("history[2].at", "the history runs oldest first, and this move is dated before the one above it"),
        FileProblem("agreement.status", "the history leaves the agreement in_force, so its status is in_force, "
                    "not ended"),
    ]


@pytest.mark.django_db
def test_a_draft_file_needs_little_more_than_its_parties():
    document = {
        "format": "s75-agreement/1",
        "agreement": {"reference": "draft-one", "title": "A draft", "legal_basis": ["s256"],
                      "term": {"start": "2025-04-01", "end": "2026-03-31"}},
        "parties": [{"organisation": "QHG"}, {"organisation": "E06000032", "host": True}],
    }

    agreement = agreement_load(actor=None, document=document)

    assert agreement.status == AgreementStatus.DRAFT
    assert [(p.name_in_agreement, p.requires_prior_agreement) for p in agreement.parties.all()] == [
        ("NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board", True), ("Luton", False)
    ]
