"""Loading agreement files through the services: money in pence, history replayed, export and load round trips,
who may load, and a refusal placed at the field it concerns."""

import copy
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from s75.agreements.document import agreement_document
from s75.agreements.file_loading import LOADED_REASON, agreement_load
from s75.agreements.file_reading import FileProblem, agreement_file_read
from s75.agreements.models import Agreement, AgreementStatus
from s75.agreements.services import (
    agreement_create,
    agreement_transition,
    approval_record,
    party_add,
    schedule_create,
)
from s75.audit.models import AuditEvent
from s75.budgets.models import FundingStream
from s75.budgets.services import contribution_set
from s75.organisations.selectors import organisation_get_by_code
from s75.riskshare.models import RiskShareTerms
from s75.riskshare.services import risk_share_terms_set
from tests.factories import UserFactory

from .agreementfiles import DOCS_FILE, exported_then_forgotten, load_errors, luton, row_counts


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


@pytest.mark.django_db
def test_a_reference_in_another_organisations_register_is_free_and_a_refusal_names_only_ones_own():
    """Issue 17: loading a file whose reference another organisation's agreement had was refused, which said that
    the agreement existed (this test failed before: the CCG's load was refused). A file's agreement is held in the
    register of the organisation of whoever loads it."""
    agreement_load(actor=None, document=luton())
    ccg_user = UserFactory(role="Pooled fund manager", organisation=organisation_get_by_code(code="06P"))
    luton_user = UserFactory(role="Pooled fund manager", organisation=organisation_get_by_code(code="E06000032"))

    ccgs = agreement_load(actor=ccg_user, document=luton())

    assert (ccgs.reference, ccgs.held_by) == ("luton-s75-2013", ccg_user.organisation)
    errors = [str(error) for error in load_errors(luton(), actor=luton_user)]
    assert errors[0] == ("agreement.reference: the reference 'luton-s75-2013' is already used in Luton's register: "
                         "choose another, for example with the year in it")


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "value", "problem"), [
    ("agreement.title", "Luton\x00 agreement", "agreement.title: holds the character U+0000"),
    ("agreement.title", "Luton\ud800", "agreement.title: holds the character U+D800"),
    ("schedules.0.contributions.0.amount", "\u0664\u0664\u0665\u0660\u0660.\u0660\u0660",
     "schedules[0].contributions[0].amount: '\u0664\u0664\u0665\u0660\u0660.\u0660\u0660' is not an amount"),
    ("schedules.0.contributions.0.amount", 10**5000,
     "schedules[0].contributions[0].amount: the amount is more than £1,000,000,000,000"),
    ("schedules.0.contributions.0.amount", "92233720368547758.07",
     "schedules[0].contributions[0].amount: '92233720368547758.07' is more than £1,000,000,000,000"),
    ("agreement.term.end", "2999-03-31", "agreement.term.end: a term may run at most 25 years"),
], ids=["NUL", "lone surrogate", "Arabic-Indic digits", "5,000-digit integer", "64-bit pence", "term to 2999"])
def test_input_no_database_could_hold_alike_is_refused_at_its_field_and_nothing_saved(path, value, problem):
    """Issue 17: each of these crashed (SQLite's integer overflow, Python's limit on long integers, a surrogate the
    driver cannot encode) or loaded (a NUL, which PostgreSQL refuses, on SQLite; Arabic-Indic digits; a term ending
    in 2999) before."""
    document = luton()
    *parents, last = path.split(".")
    target = document
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    before = row_counts()
    errors = [str(error) for error in load_errors(document)]
    assert any(error.startswith(problem) for error in errors), errors
    assert row_counts() == before
