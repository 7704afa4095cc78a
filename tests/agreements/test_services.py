"""Changes to agreements: edits while draft, variations once in force, the agreement as at a date, renewal."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from s75.agreements.models import AgreementStatus
from s75.agreements.selectors import agreement_as_at
from s75.agreements.services import (
    ChangeRefused,
    VariationDetails,
    agreement_create,
    agreement_transition,
    agreement_vary,
    party_add,
    schedule_create,
    schedule_update,
)
from s75.audit.models import AuditEvent
from s75.budgets.models import Contribution, FundingStream
from s75.budgets.services import contribution_set
from tests.factories import AgreementFactory, OrganisationFactory, UserFactory, complete_agreement

pytestmark = pytest.mark.django_db
S = AgreementStatus


def in_force(**overrides):
    agreement = complete_agreement(approve=True, **overrides)
    agreement_transition(actor=None, agreement=agreement, to_status=S.APPROVED, reason="Approved")
    agreement_transition(actor=None, agreement=agreement, to_status=S.IN_FORCE, reason="Commenced")
    agreement.refresh_from_db()
    return agreement


def test_every_change_is_audited_with_who_and_before_and_after():
    user = UserFactory(role="Pooled fund manager")
    agreement = complete_agreement(actor=user)
    schedule = agreement.schedules.get()
    schedule_update(actor=user, schedule=schedule, title="Joint Equipment Service")
    event = AuditEvent.objects.filter(action="schedule_update").get()
    assert (event.actor, event.agreement, event.before["title"], event.after["title"]) == (
        user, agreement, "Joint Equipment Store", "Joint Equipment Service"
    )
    actions = set(AuditEvent.objects.filter(agreement=agreement).values_list("action", flat=True))
    assert actions >= {"agreement_create", "party_add", "schedule_create", "contribution_set", "schedule_update"}


def test_an_agreement_in_force_changes_only_by_variation():
    agreement = in_force()
    schedule = agreement.schedules.get()
    with pytest.raises(ChangeRefused, match="record the change as a variation"):
        schedule_update(actor=None, schedule=schedule, title="Renamed")
    schedule.refresh_from_db()
    assert schedule.title == "Joint Equipment Store"


def test_a_variation_keeps_the_agreement_before_and_after_and_answers_as_at():
    agreement = in_force()
    schedule = agreement.schedules.get()
    host = agreement.host
    core = FundingStream.objects.get(code="core")
    contribution_set(
        actor=None, schedule=schedule, party=host, financial_year=2024, funding_stream=core, amount_pence=60000000,
        variation=VariationDetails(date(2024, 10, 1), "Council adds £65,000 for winter", "Board minute 12/24"),
    )
    variation = agreement.variations.get(number=1)
    assert variation.document_before["schedules"][0]["contributions"][0]["amount"] == "535000.00"
    assert variation.document_after["schedules"][0]["contributions"][0]["amount"] == "600000.00"

    def amount_on(day):
        document = agreement_as_at(agreement=agreement, on=day)
        return document and document["schedules"][0]["contributions"][0]["amount"]

    assert amount_on(date(2024, 3, 31)) is None
    assert amount_on(date(2024, 4, 1)) == "535000.00"
    assert amount_on(date(2024, 9, 30)) == "535000.00"
    assert amount_on(date(2024, 10, 1)) == "600000.00"


def test_variations_are_dated_within_the_term_and_in_order():
    agreement = in_force()
    schedule = agreement.schedules.get()
    later = VariationDetails(date(2025, 6, 1), "Rename")
    schedule_update(actor=None, schedule=schedule, title="Equipment", variation=later)
    with pytest.raises(ChangeRefused) as caught:
        schedule_update(
            actor=None, schedule=schedule, title="Equipment service",
            variation=VariationDetails(date(2025, 1, 1), ""),
        )
    assert caught.value.problems == [
        "describe the variation",
        "variations are recorded in date order: Variation 1 already takes effect on 01 June 2025",
    ]
    with pytest.raises(ChangeRefused, match="within the term"):
        schedule_update(actor=None, schedule=schedule, title="X", variation=VariationDetails(date(2030, 1, 1), "Late"))


def test_several_changes_make_one_variation():
    agreement = in_force()
    core = FundingStream.objects.get(code="core")

    def add_service(locked):
        schedule = schedule_create(
            actor=None, agreement=locked, title="Carers' breaks", aims_and_outcomes="Breaks for carers",
            health_related_functions="Carers' support", eligible_people="Carers", services="Short breaks",
            resources="Commissioned providers",
        )
        contribution_set(
            actor=None, schedule=schedule, party=locked.host, financial_year=2025, funding_stream=core,
            amount_pence=1000000,
        )

    variation = agreement_vary(
        actor=None, agreement=agreement, variation=VariationDetails(date(2025, 4, 1), "New carers' schedule"),
        changes=add_service,
    )
    assert variation.number == 1
    assert [s["title"] for s in variation.document_after["schedules"]] == ["Joint Equipment Store", "Carers' breaks"]
    assert agreement.variations.count() == 2  # as commenced, and this one


def test_a_refused_change_inside_a_variation_saves_nothing():
    agreement = in_force()
    core = FundingStream.objects.get(code="core")

    def bad(locked):
        schedule_create(actor=None, agreement=locked, title="New")
        contribution_set(
            actor=None, schedule=locked.schedules.first(), party=locked.host, financial_year=2025,
            funding_stream=core, amount_pence=-5,
        )

    with pytest.raises(ChangeRefused, match="cannot be negative"):
        agreement_vary(actor=None, agreement=agreement, variation=VariationDetails(date(2025, 4, 1), "x"), changes=bad)
    assert agreement.schedules.count() == 1
    assert agreement.variations.count() == 1


def test_drafts_refuse_variations_and_ended_agreements_refuse_changes():
    agreement = complete_agreement()
    with pytest.raises(ChangeRefused, match="edit this one directly"):
        schedule_update(
            actor=None, schedule=agreement.schedules.get(), title="X", variation=VariationDetails(date(2024, 5, 1), "x")
        )
    ended = in_force()
    agreement_transition(actor=None, agreement=ended, to_status=S.ENDED, end_reason="terminated", reason="Notice")
    with pytest.raises(ChangeRefused, match="has ended"):
        schedule_update(actor=None, schedule=ended.schedules.get(), title="X")


def test_contributions_are_whole_pence_not_negative_and_zero_removes():
    agreement = complete_agreement()
    schedule, host = agreement.schedules.get(), agreement.host
    core = FundingStream.objects.get(code="core")
    with pytest.raises(ChangeRefused, match="whole number of pence"):
        contribution_set(actor=None, schedule=schedule, party=host, financial_year=2024, funding_stream=core,
                         amount_pence=1.5)
    contribution_set(
        actor=None, schedule=schedule, party=host, financial_year=2024, funding_stream=core, amount_pence=0
    )
    assert not Contribution.objects.filter(schedule=schedule, party=host).exists()


def test_one_host_and_one_place_per_organisation():
    agreement = complete_agreement()
    with pytest.raises(ChangeRefused, match="already the host"):
        party_add(actor=None, agreement=agreement, organisation=OrganisationFactory(), is_host=True)
    with pytest.raises(ChangeRefused, match="already a party"):
        party_add(actor=None, agreement=agreement, organisation=agreement.host.organisation)


def test_unknown_fields_and_duplicate_references_are_refused():
    with pytest.raises(ChangeRefused, match="unknown agreement field: colour"):
        agreement_create(actor=None, reference="x", title="x", start_date=date(2024, 4, 1),
                         end_date=date(2025, 3, 31), colour="red")
    complete_agreement(reference="taken")
    with pytest.raises(ChangeRefused, match="the reference 'taken' is already used in the register: choose another"):
        agreement_create(actor=None, reference="taken", title="x", start_date=date(2024, 4, 1),
                         end_date=date(2025, 3, 31))


def test_another_organisations_reference_is_free_and_a_refusal_names_only_ones_own_register(manager):
    """Issue 17: creating an agreement with another organisation's reference was refused, which said that an
    agreement with it existed (this test failed before: the second create raised ChangeRefused). References are
    unique in each organisation's register, so another's may be used, and a refusal speaks of one's own."""
    def create(reference, *, actor, organisation):
        return agreement_create(actor=actor, reference=reference, title="New", start_date=date(2024, 4, 1),
                                end_date=date(2025, 3, 31), first_party=organisation, first_party_is_host=True,
                                pooled_fund=True)

    theirs = create("bexley-s75-2024", actor=None, organisation=OrganisationFactory(name="Bexley's secret host"))
    ours = create("bexley-s75-2024", actor=manager, organisation=manager.organisation)

    assert (ours.reference, ours.held_by, theirs.held_by.name) == (
        theirs.reference, manager.organisation, "Bexley's secret host")
    with pytest.raises(ChangeRefused) as refused:
        create("bexley-s75-2024", actor=manager, organisation=manager.organisation)
    assert [str(problem) for problem in refused.value.problems] == [
        f"the reference 'bexley-s75-2024' is already used in {manager.organisation}'s register: choose another, "
        "for example with the year in it"]


def test_the_database_holds_a_reference_once_in_each_register():
    """The rule is the database's own, so no service can break it."""
    organisation = OrganisationFactory()
    AgreementFactory(reference="one", held_by=organisation)
    AgreementFactory(reference="one", held_by=OrganisationFactory())
    AgreementFactory(reference="one")
    for held_by in (organisation, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            AgreementFactory(reference="one", held_by=held_by)


def test_renewal_alert_is_emailed_once_to_the_pooled_fund_manager(mailoutbox, django_capture_on_commit_callbacks):
    from s75.agreements.services import renewal_alerts_send

    agreement = in_force(end_date=date(2027, 3, 31), pooled_fund_manager_email="pfm@council.example")
    UserFactory(organisation=agreement.host.organisation, role="Pooled fund manager", email="boss@council.example")
    with django_capture_on_commit_callbacks(execute=True):
        assert renewal_alerts_send(today=date(2026, 9, 29)) == []
        assert renewal_alerts_send(today=date(2026, 9, 30)) == [agreement]
        assert renewal_alerts_send(today=date(2026, 10, 1)) == []
    [mail] = mailoutbox
    assert mail.subject == "Renewal due: Joint equipment partnership"
    assert sorted(mail.to) == ["boss@council.example", "pfm@council.example"]
    assert "ends on 31 March 2027" in mail.body


@pytest.mark.parametrize(("changes", "problem"), [
    ({"end_date": date(2999, 3, 31)},
     "a term may run at most 25 years: this one ends 31 March 2999; check the end date"),
    ({"end_date": date(2026, 3, 31), "renewal_notice_months": 12},
     "the renewal notice (12 months) must be shorter than the term"),
    ({"extension_months_available": 301}, "an extension may run at most 25 years"),
])
def test_terms_that_no_agreement_runs_are_refused(changes, problem):
    """Decided in issue 17: a term of at most 25 years (a longer one is a mistyped year), a renewal notice shorter
    than the term, and extensions of at most 25 years."""
    fields = {"start_date": date(2025, 4, 1), "end_date": date(2030, 3, 31), "pooled_fund": True, **changes}
    with pytest.raises(ChangeRefused) as caught:
        agreement_create(actor=None, reference="long", title="Long", **fields)
    assert caught.value.problems == [problem]
    agreement_create(actor=None, reference="longest", title="Longest", start_date=date(2025, 4, 1),
                     end_date=date(2050, 4, 1), renewal_notice_months=299, pooled_fund=True)


def test_what_the_database_would_refuse_is_refused_first_in_words():
    with pytest.raises(ChangeRefused) as caught:
        agreement_create(
            actor=None, reference="bad", title="Bad", start_date=date(2025, 4, 1), end_date=date(2025, 4, 1),
            basis_s75=False,
        )
    assert caught.value.problems == [
        "the end date must be after the start date",
        "choose at least one legal basis: s75, s76 or s256",
    ]
    agreement = complete_agreement()
    from s75.agreements.services import agreement_update

    with pytest.raises(ChangeRefused, match="at least one flexibility"):
        agreement_update(actor=None, agreement=agreement, pooled_fund=False)
    agreement.refresh_from_db()
    assert agreement.pooled_fund


def test_the_creators_organisation_joins_the_new_agreement_so_they_can_see_it():
    user = UserFactory(role="Pooled fund manager")
    agreement = agreement_create(
        actor=user, reference="mine", title="Mine", start_date=date(2025, 4, 1), end_date=date(2026, 3, 31),
        pooled_fund=True, first_party=user.organisation, first_party_is_host=True,
    )
    assert agreement.host.organisation == user.organisation
    from s75.agreements.selectors import agreement_get

    assert agreement_get(user=user, pk=agreement.pk) == agreement


def test_a_variation_cannot_make_an_agreement_in_force_unfit_to_be_in_force():
    agreement = in_force()
    schedule = agreement.schedules.get()
    with pytest.raises(ChangeRefused) as caught:
        schedule_update(
            actor=None, schedule=schedule, nhs_functions="Day-case surgery", aims_and_outcomes="",
            variation=VariationDetails(date(2025, 1, 1), "Add surgery"),
        )
    assert caught.value.problems == [
        "the agreement could no longer be in force: content checklist (a) aims and outcomes: "
        "schedule 1 (Joint Equipment Store) has no aims and outcomes",
        "the agreement could no longer be in force: schedule 1 (Joint Equipment Store) names 'Day-case surgery', "
        "which falls under an excluded function: Surgery",
    ]
    schedule.refresh_from_db()
    assert schedule.nhs_functions == "Community health equipment"
    assert agreement.variations.count() == 1


def test_contributions_fall_within_the_term_and_its_extensions():
    agreement = complete_agreement(extension_months_available=12)  # 2024-25 to 2026-27, extendable to 2027-28
    schedule, host = agreement.schedules.get(), agreement.host
    core = FundingStream.objects.get(code="core")
    contribution_set(actor=None, schedule=schedule, party=host, financial_year=2027, funding_stream=core,
                     amount_pence=100)
    with pytest.raises(ChangeRefused) as caught:
        contribution_set(actor=None, schedule=schedule, party=host, financial_year=1980, funding_stream=core,
                         amount_pence=100)
    assert caught.value.problems == ["1980-81 is outside the agreement's term (2024-25 to 2027-28, with any extension)"]


def test_references_are_slugs():
    with pytest.raises(ChangeRefused, match="not a usable reference"):
        agreement_create(actor=None, reference="Luton S75!", title="x", start_date=date(2024, 4, 1),
                         end_date=date(2025, 3, 31), pooled_fund=True)


def test_a_schedule_added_by_variation_may_have_its_contributions_set_by_a_later_one():
    agreement = in_force()
    new = schedule_create(
        actor=None, agreement=agreement, title="Carers' breaks", aims_and_outcomes="Breaks for carers",
        health_related_functions="Carers' support", eligible_people="Carers", services="Short breaks",
        resources="Commissioned providers", variation=VariationDetails(date(2025, 4, 1), "Carers' breaks added"),
    )
    contribution_set(
        actor=None, schedule=new, party=agreement.host, financial_year=2025,
        funding_stream=FundingStream.objects.get(code="core"), amount_pence=2500000,
        variation=VariationDetails(date(2025, 4, 1), "Carers' breaks budget"),
    )
    assert agreement.variations.count() == 3
