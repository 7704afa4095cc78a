"""A plan's lifecycle through ``plan_move``: each move's conditions, and refusals that name what is unmet."""

import datetime

import pytest

from s75.audit.models import AuditEvent
from s75.bcf import checks
from s75.bcf.models import Allocation, PlanStatus
from s75.bcf.services import BcfError, explanation_set, plan_move, plan_sign_off
from s75.governance.models import DecisionOutcome
from s75.organisations.models import OrganisationKind
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
S = PlanStatus
AFTER_YEAR_END = datetime.date(2026, 4, 1)


def problems(error) -> list[str]:
    return [str(problem) for problem in error.value.problems]


@pytest.fixture
def assurer(db):
    return UserFactory(role="NHS England", organisation=OrganisationFactory(kind=OrganisationKind.NHS_ENGLAND))


@pytest.fixture
def signed(area, plan):
    return plan_sign_off(actor=area.manager, plan=plan, decision=area.board_decision())


def test_a_signed_off_plan_whose_checks_pass_is_submitted_and_the_move_audited(area, signed):
    plan = plan_move(actor=area.manager, plan=signed, to_status=S.SUBMITTED, reason="Agreed by the board")
    assert plan.status == S.SUBMITTED
    event = AuditEvent.objects.filter(action="bcf_plan_move").get()
    assert (event.actor, event.before, event.after["status"], event.reason) == (
        area.manager, {"status": "draft"}, "submitted", "Agreed by the board")


def test_submission_needs_the_chairs_sign_off(area, plan):
    with pytest.raises(BcfError) as error:
        plan_move(actor=area.manager, plan=plan, to_status=S.SUBMITTED, reason="Ready")
    assert problems(error) == ["the Health and Wellbeing Board's chair has not signed the plan off: record the "
                               "board's decision approving it"]


def test_sign_off_refuses_a_decision_that_did_not_approve_this_years_plan(area, plan):
    with pytest.raises(BcfError) as error:
        plan_sign_off(actor=area.manager, plan=plan,
                      decision=area.board_decision(outcome=DecisionOutcome.DEFERRED, financial_year=2024))
    assert problems(error) == ["the decision is not about the Better Care Fund plan for 2025-26",
                               "the decision was deferred, not approved"]


def test_a_failing_check_stops_submission_until_it_is_explained(area, signed):
    Allocation.objects.filter(hwb=area.council.organisation).update(asc_minimum_pence=500_000_000)
    with pytest.raises(BcfError) as error:
        plan_move(actor=area.manager, plan=signed, to_status=S.SUBMITTED, reason="Ready")
    assert problems(error) == [
        "the check “The NHS minimum contribution to adult social care is at least the required minimum” fails "
        "(£4,500,000.00 of the NHS minimum contribution goes to adult social care, £500,000.00 short of the required "
        "£5,000,000.00) and carries no explanation"]
    explanation_set(actor=area.manager, plan=signed, check_code=checks.NHS_MINIMUM_TO_SOCIAL_CARE,
                    explanation="The allocation was corrected after the board met; the shortfall is met in Q1.")
    assert plan_move(actor=area.manager, plan=signed, to_status=S.SUBMITTED, reason="Ready").status == S.SUBMITTED


def test_explaining_one_failure_leaves_the_other_stopping_submission(area, signed):
    Allocation.objects.filter(hwb=area.council.organisation).update(asc_minimum_pence=500_000_000)
    explanation_set(actor=area.manager, plan=signed, check_code=checks.INCOME_MATCHES_FUND, explanation="Not needed")
    signed.conditions.filter(condition__code="nc1").update(confirmed=False)
    with pytest.raises(BcfError) as error:
        plan_move(actor=area.manager, plan=signed, to_status=S.SUBMITTED, reason="Ready")
    assert [problem.split(" fails")[0] for problem in problems(error)] == [
        f"the check “{checks.CHECKS[checks.NHS_MINIMUM_TO_SOCIAL_CARE]}”",
        f"the check “{checks.CHECKS[checks.CONDITIONS_CONFIRMED]}”"]


def test_every_move_needs_a_reason(area, signed):
    with pytest.raises(BcfError) as error:
        plan_move(actor=area.manager, plan=signed, to_status=S.SUBMITTED, reason="  ")
    assert problems(error) == ["say why: the reason is recorded in the plan's history"]


@pytest.fixture
def submitted(area, signed):
    return plan_move(actor=area.manager, plan=signed, to_status=S.SUBMITTED, reason="Agreed by the board")


def test_assurance_needs_nhs_englands_permission(area, submitted, assurer):
    with pytest.raises(BcfError) as error:
        plan_move(actor=area.manager, plan=submitted, to_status=S.ASSURED, reason="Looks fine")
    assert problems(error) == ["only NHS England's assurers (the permission bcf.assure_plan) can assure a plan"]
    assert plan_move(actor=assurer, plan=submitted, to_status=S.ASSURED, reason="Assured").status == S.ASSURED


def test_a_submitted_plan_is_sent_back_to_draft_and_can_be_changed_again(area, submitted, assurer):
    plan = plan_move(actor=assurer, plan=submitted, to_status=S.DRAFT, reason="Metrics need a second look")
    assert plan.status == S.DRAFT
    explanation_set(actor=area.manager, plan=plan, check_code=checks.INCOME_PLANNED, explanation="Noted")


def test_a_draft_cannot_skip_to_assured(area, signed, assurer):
    with pytest.raises(BcfError) as error:
        plan_move(actor=assurer, plan=signed, to_status=S.ASSURED, reason="Assured")
    assert problems(error) == ["a plan that is draft can move only to submitted"]


@pytest.fixture
def assured(submitted, assurer):
    return plan_move(actor=assurer, plan=submitted, to_status=S.ASSURED, reason="Assured")


def test_delivery_needs_the_agreement_in_force(area, assured):
    with pytest.raises(BcfError) as error:
        plan_move(actor=area.manager, plan=assured, to_status=S.IN_DELIVERY, reason="Started")
    assert problems(error) == [f"the governing agreement bcf-test-2025 is draft on "
                               f"{datetime.date.today():%d %B %Y}, not in force"]
    area.bring_into_force()
    assert plan_move(actor=area.manager, plan=assured, to_status=S.IN_DELIVERY, reason="Started").status == \
        S.IN_DELIVERY


def test_the_agreement_is_judged_in_force_on_the_day_of_the_move(area, assured):
    area.bring_into_force()
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    with pytest.raises(BcfError) as error:
        plan_move(actor=area.manager, plan=assured, to_status=S.IN_DELIVERY, reason="Started", on=yesterday)
    assert problems(error) == [f"the governing agreement bcf-test-2025 is draft on {yesterday:%d %B %Y}, not in force"]


def test_a_plan_closes_only_after_its_year_ends(area, assured):
    area.bring_into_force()
    plan = plan_move(actor=area.manager, plan=assured, to_status=S.IN_DELIVERY, reason="Started")
    with pytest.raises(BcfError) as error:
        plan_move(actor=area.manager, plan=plan, to_status=S.CLOSED, reason="Done", on=datetime.date(2026, 3, 31))
    assert problems(error) == ["the plan's year runs until 31 March 2026"]
    plan = plan_move(actor=area.manager, plan=plan, to_status=S.CLOSED, reason="Year ended", on=AFTER_YEAR_END)
    assert plan.status == S.CLOSED
    with pytest.raises(BcfError) as error:
        plan_move(actor=area.manager, plan=plan, to_status=S.DRAFT, reason="Reopen")
    assert problems(error) == ["a plan that is closed can move only to nothing: it is closed"]


def test_only_a_draft_is_changed(area, submitted):
    with pytest.raises(BcfError) as error:
        explanation_set(actor=area.manager, plan=submitted, check_code=checks.INCOME_PLANNED, explanation="Why")
    assert problems(error) == ["the plan is submitted: only a draft can be changed (a submitted plan is sent back to "
                               "draft first)"]
