import copy
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from s75.agreements.document import agreement_document
from s75.agreements.fileformat import (
    LOADED_REASON,
    AgreementFileError,
    FileProblem,
    agreement_file_read,
    agreement_load,
)
from s75.agreements.models import Agreement, AgreementStatus, Approval, Party, Schedule, Transition, Variation
from s75.agreements.services import (
    agreement_create,
    agreement_transition,
    approval_record,
    contribution_set,
    party_add,
    schedule_create,
)
from s75.audit.models import AuditEvent
from s75.budgets.models import Contribution, FundingStream
from s75.organisations.selectors import organisation_get_by_code
from s75.riskshare.models import PartyTerm, RiskShareTerms
from s75.riskshare.services import risk_share_terms_set
from tests.factories import UserFactory

DATA = Path(__file__).parent / "data"
LUTON_FILE = DATA / "luton-s75-2013.yaml"
DOCS_FILE = Path(__file__).parents[2] / "docs" / "agreement-file.md"
COUNTED = (Agreement, Party, Schedule, Contribution, Approval, RiskShareTerms, PartyTerm, Transition, Variation,
           AuditEvent)


def luton() -> dict:
    return agreement_file_read(LUTON_FILE)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def load_errors(document: dict, actor=None) -> list[FileProblem]:
    with pytest.raises(AgreementFileError) as failed:
        agreement_load(actor=actor, document=document)
    return failed.value.errors


def exported_then_forgotten(build) -> dict:
    """The export of what ``build()`` makes, with the database then put back as it was (a fresh database)."""
    with transaction.atomic():
        exported = agreement_document(agreement=build())
        transaction.set_rollback(True)
    return exported


@pytest.mark.django_db
def test_a_valid_file_loads_with_its_money_in_pence_and_its_history_replayed():
    agreement = agreement_load(actor=None, document=luton())

    assert agreement.status == AgreementStatus.IN_FORCE
    assert [(p.organisation.code, p.is_host) for p in agreement.parties.all()] == [("E06000032", True), ("06P", False)]
    store = agreement.schedules.get(number=2)
    assert sorted(store.contributions.values_list("amount_pence", flat=True)) == [53_500_000, 53_500_000]
    assert [(t.from_status, t.to_status, t.at) for t in agreement.transitions.all()] == [
        ("draft", "consultation", datetime.datetime(2013, 1, 7, 9, tzinfo=datetime.UTC)),
        ("consultation", "approved", datetime.datetime(2013, 3, 26, 10, tzinfo=datetime.UTC)),
        ("approved", "in_force", datetime.datetime(2013, 4, 1, 8, tzinfo=datetime.UTC)),
    ]
    assert agreement.variations.get().description == "As commenced"
    override = RiskShareTerms.objects.get(agreement=agreement, schedule=store)
    assert override.financial_year == 2013
    assert [(t.party.organisation.code, t.fixed_percent, t.cap_pence) for t in override.party_terms.all()] == [
        ("E06000032", 60, None), ("06P", 40, None)
    ]
    fund_terms = RiskShareTerms.objects.get(agreement=agreement, schedule=None)
    assert [(t.party.organisation.code, t.cap_pence) for t in fund_terms.party_terms.all()] == [("06P", 10_000_000)]


@pytest.mark.django_db
def test_the_example_in_the_documentation_loads(tmp_path):
    text = DOCS_FILE.read_text(encoding="utf-8")
    path = tmp_path / "example.yaml"
    path.write_text(text.split("```yaml\n", 1)[1].split("```", 1)[0], encoding="utf-8")

    agreement = agreement_load(actor=None, document=agreement_file_read(path))

    assert agreement.status == AgreementStatus.IN_FORCE
    assert agreement.schedules.get(number=2).contributions.get(party__is_host=True).amount_pence == 150_000_000


@pytest.mark.django_db
def test_loading_an_export_gives_back_the_same_document():
    exported = exported_then_forgotten(lambda: agreement_load(actor=None, document=luton()))
    assert not Agreement.objects.exists()

    reloaded = agreement_load(actor=None, document=copy.deepcopy(exported))

    assert agreement_document(agreement=reloaded) == exported


def _ended_agreement_built_through_the_services() -> Agreement:
    council, icb = organisation_get_by_code(code="E06000032"), organisation_get_by_code(code="QHG")
    core, dfg = FundingStream.objects.get(code="core"), FundingStream.objects.get(code="dfg")
    agreement = agreement_create(
        actor=None, reference="luton-bcf-2023", title="Luton Better Care Fund", start_date=datetime.date(2023, 4, 1),
        end_date=datetime.date(2024, 3, 31), basis_s75=True, pooled_fund=True, integrated_provision=True,
        is_better_care_fund=True, pooled_fund_manager_name="A Manager", contribution_variation_terms="By agreement.",
        review_terms="Yearly.", variation_terms="In writing.", termination_terms="Six months' notice.",
        fund_management_terms="Quarterly reports.\nAn annual return.", consultation_exemption_reason="A renewal.",
    )
    host = party_add(actor=None, agreement=agreement, organisation=council, is_host=True)
    nhs = party_add(actor=None, agreement=agreement, organisation=icb, requires_prior_agreement=False)
    for number, title, funding_type in [(1, "Discharge to assess", "pooled"), (2, "Adaptations", "non_pooled")]:
        schedule = schedule_create(
            actor=None, agreement=agreement, title=title, number=number, funding_type=funding_type,
            lead_commissioner=nhs if number == 1 else None, aims_and_outcomes="Fewer delayed discharges.",
            nhs_functions="Community health services\nIntermediate care", eligible_people="Adults.",
            services="Reablement.", resources="Staff.",
        )
        contribution_set(actor=None, schedule=schedule, party=nhs, financial_year=2023, funding_stream=core,
                         amount_pence=123_456_789)
        contribution_set(actor=None, schedule=schedule, party=host, financial_year=2023, funding_stream=dfg,
                         amount_pence=1)
    for party, day in [(nhs, 2), (host, 3)]:
        approval_record(actor=None, agreement=agreement, party=party, decided_on=datetime.date(2023, 3, day),
                        decision_maker="Board")
    risk_share_terms_set(
        actor=None, agreement=agreement, financial_year=2023, schedule=agreement.schedules.get(number=1),
        overspend_rule="fixed", underspend_rule="carry_forward", maladministration_borne_by_host=False,
        party_terms=[{"party": host, "fixed_percent": Decimal("33.3333")},
                     {"party": nhs, "fixed_percent": Decimal("66.6667")}],
    )
    risk_share_terms_set(actor=None, agreement=agreement, financial_year=None, overspend_rule="pool_share",
                         underspend_rule="host_retains", offset_first=True, contingency_reserve_pence=5_000_050,
                         party_terms=[{"party": host, "cap_percent": Decimal("12.5")}, {"party": nhs, "cap_pence": 0}])
    moments = [timezone.make_aware(datetime.datetime(2023, 3, 10, 9, 30, 15, 123456)),
               timezone.make_aware(datetime.datetime(2023, 4, 1, 0, 0, 1)),
               timezone.make_aware(datetime.datetime(2023, 10, 1, 12))]
    agreement_transition(actor=None, agreement=agreement, to_status="approved", reason="Approved", on=moments[0].date(),
                         at=moments[0])
    agreement_transition(actor=None, agreement=agreement, to_status="in_force", reason="Started",
                         on=moments[1].date(), at=moments[1])
    return agreement_transition(actor=None, agreement=agreement, to_status="ended", end_reason="terminated",
                                reason="Replaced by a new agreement", on=moments[2].date(), at=moments[2])


@pytest.mark.django_db
def test_an_agreement_built_through_the_services_survives_export_and_load_exactly():
    exported = exported_then_forgotten(_ended_agreement_built_through_the_services)
    assert exported["agreement"]["status"] == "ended"
    assert not Agreement.objects.exists()

    reloaded = agreement_load(actor=None, document=copy.deepcopy(exported))

    assert agreement_document(agreement=reloaded) == exported


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
        FileProblem("agreement.reference", "an agreement with the reference 'luton-s75-2013' is already in the "
                    "register: give this one another reference"),
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
def test_coming_into_force_is_refused_while_the_checklist_is_incomplete_and_nothing_is_saved():
    document = luton()
    document["schedules"][0]["aims_and_outcomes"] = ""
    document["agreement"]["terms"]["review"] = ""
    before = row_counts()

    errors = load_errors(document)

    assert errors == [
        FileProblem("history[2]", "cannot move from approved to in force: content checklist (a) aims and outcomes: "
                    "schedule 1 (Head of Adult Joint Commissioning) has no aims and outcomes"),
        FileProblem("history[2]", "cannot move from approved to in force: content checklist (f) duration, and how "
                    "the agreement is reviewed, varied or terminated: the agreement does not say how it is reviewed"),
    ]
    assert row_counts() == before


@pytest.mark.django_db
def test_without_history_the_status_is_reached_by_the_shortest_path_today():
    document = luton()
    document["history"] = []

    agreement = agreement_load(actor=None, document=document)

    assert agreement.status == AgreementStatus.IN_FORCE
    moves = list(agreement.transitions.all())
    assert [(move.from_status, move.to_status, move.reason) for move in moves] == [
        ("draft", "approved", LOADED_REASON), ("approved", "in_force", LOADED_REASON)
    ]
    assert timezone.localdate(moves[0].at) == timezone.localdate()


@pytest.mark.django_db
def test_without_history_a_status_that_cannot_be_reached_is_reported_at_the_status():
    document = luton()
    document["history"], document["approvals"] = [], []
    document["agreement"]["status"] = "approved"

    assert load_errors(document) == [
        FileProblem("agreement.status", "cannot move from draft to approved: Luton Borough Council has not recorded "
                    "its approval"),
        FileProblem("agreement.status", "cannot move from draft to approved: NHS Luton Clinical Commissioning Group "
                    "has not recorded its approval"),
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


def _write(tmp_path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_a_yaml_syntax_error_is_reported_with_its_line_and_column(tmp_path):
    path = _write(tmp_path, "broken.yaml", b"format: s75-agreement/1\nagreement:\n  title: A\n   reference: b\n")

    with pytest.raises(AgreementFileError) as failed:
        agreement_file_read(path)

    assert failed.value.errors == [FileProblem("line 4, column 13", "mapping values are not allowed here")]


def test_a_json_syntax_error_is_reported_with_its_line_and_column(tmp_path):
    path = _write(tmp_path, "broken.json", b'{\n  "format": "s75-agreement/1",\n  "agreement": {,}\n}\n')

    with pytest.raises(AgreementFileError) as failed:
        agreement_file_read(path)

    assert failed.value.errors == [
        FileProblem("line 3, column 17", "Expecting property name enclosed in double quotes")
    ]


def test_a_key_given_twice_is_reported_with_its_line(tmp_path):
    path = _write(tmp_path, "twice.yaml", b"format: s75-agreement/1\nparties: []\nparties: []\n")

    with pytest.raises(AgreementFileError) as failed:
        agreement_file_read(path)

    assert failed.value.errors == [FileProblem("line 3, column 1", "the key 'parties' is given twice "
                                               "(while reading a mapping)")]


def test_a_file_with_a_byte_order_mark_reads_and_dates_stay_text(tmp_path):
    path = _write(tmp_path, "bom.yaml", "\ufeffformat: s75-agreement/1\nstart: 2013-04-01\n".encode())

    assert agreement_file_read(path) == {"format": "s75-agreement/1", "start": "2013-04-01"}


def test_a_file_that_is_not_utf8_or_not_a_mapping_is_refused(tmp_path):
    latin = _write(tmp_path, "latin.yaml", "format: x\ntitle: Caf\u00e9\n".encode("latin-1"))
    listing = _write(tmp_path, "list.json", b"[1, 2]")

    for path, expected in [
        (latin, FileProblem("line 2", "the file is not UTF-8 text: save it as UTF-8 and load it again")),
        (listing, FileProblem("", "the file must hold one agreement: fields that start with format: "
                              "s75-agreement/1")),
    ]:
        with pytest.raises(AgreementFileError) as failed:
            agreement_file_read(path)
        assert failed.value.errors == [expected]


@pytest.mark.django_db
def test_a_user_loads_only_with_the_permission_and_as_a_party(manager):
    icb = organisation_get_by_code(code="QHG")
    with pytest.raises(PermissionDenied, match="needs the permission to manage agreements"):
        agreement_load(actor=UserFactory(organisation=icb), document=luton())
    with pytest.raises(PermissionDenied, match="is not a party to this agreement"):
        agreement_load(actor=manager, document=luton())
    commissioner = UserFactory(organisation=icb, role="Commissioner")  # may manage, may not move the lifecycle
    with pytest.raises(PermissionDenied, match="may not load an agreement that is in_force"):
        agreement_load(actor=commissioner, document=luton())

    successor = UserFactory(organisation=icb, role="Pooled fund manager")
    agreement = agreement_load(actor=successor, document=luton())

    assert agreement.created_by == successor
    assert AuditEvent.objects.filter(agreement=agreement, actor=successor).exists()
