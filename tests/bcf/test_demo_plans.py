"""Leicestershire's Better Care Fund plans in the demo: 2015-16 from the seed, closed; 2025-26 a draft that fails a
check."""

import pytest

from s75.audit.models import AuditEvent
from s75.bcf.checks import CONDITIONS_CONFIRMED, plan_checks
from s75.bcf.models import ListName, Plan, PlanStatus
from s75.bcf.selectors import plan_totals, plans_visible_to
from s75.demo.services import demo_load

pytestmark = pytest.mark.django_db

POUND = 100


@pytest.fixture
def plans():
    demo_load()
    return {plan.year.financial_year: plan for plan in Plan.objects.filter(hwb__ons_code="E10000018")}


def source_total(plan, code: str) -> int:
    return sum(plan.income.filter(source__code=code).values_list("amount_pence", flat=True))


def test_leicestershire_2015_16_is_the_seeds_38_3m_and_closed(plans):
    plan = plans[2015]
    assert plan.status == PlanStatus.CLOSED
    assert plan_totals(plan=plan)["income"] == 38_300_000 * POUND
    assert plan_totals(plan=plan)["planned"] == 38_300_000 * POUND
    assert (source_total(plan, "ccg-minimum"), source_total(plan, "dfg"), source_total(plan, "social-care-capital")) \
        == (35_300_000 * POUND, 1_700_000 * POUND, 1_300_000 * POUND)
    assert all(check.passed for check in plan_checks(plan))
    moves = AuditEvent.objects.filter(action="bcf_plan_move", object_id=str(plan.pk)).order_by("pk")
    assert [event.after["status"] for event in moves] == ["submitted", "assured", "in_delivery", "closed"]
    assert moves[1].actor.username == "nhse.bcf"


def test_leicestershire_2015_16_protects_social_care_with_16m_42_per_cent(plans):
    plan = plans[2015]
    protecting = sum(plan.lines.filter(scheme_type__code="protecting-social-care")
                     .values_list("planned_pence", flat=True))
    assert protecting == plan_totals(plan=plan)["social_care"] == 16_000_000 * POUND
    assert round(100 * protecting / plan_totals(plan=plan)["income"]) == 42


def test_leicestershire_2015_16_passes_its_dfg_to_the_seven_districts(plans):
    lines = plans[2015].lines.filter(source__code="dfg")
    assert lines.count() == 7
    assert {line.passed_to.parent.ons_code for line in lines} == {"E10000018"}


def test_leicestershire_2025_26_has_the_icbs_real_nhs_minimum_and_fails_one_check(plans):
    plan = plans[2025]
    assert plan.status == PlanStatus.DRAFT
    nhs_minimum = plan.income.get(source__code="nhs-minimum")
    assert (nhs_minimum.organisation.ods_code, nhs_minimum.amount_pence) == ("QK1", 57_070_979 * POUND)
    failing = [check for check in plan_checks(plan) if not check.passed]
    assert [(check.code, check.reasons) for check in failing] == [
        (CONDITIONS_CONFIRMED, ("NC4 (Complying with oversight and support processes) is not confirmed",))]
    assert plan.conditions.get(condition__code="nc4").comment.startswith("Awaiting the ICB's confirmation")
    assert plan.year.items.filter(list=ListName.NATIONAL_CONDITION).count() == 4


def test_nhs_england_sees_both_plans_and_the_leicestershire_manager_sees_them_too(plans):
    from s75.accounts.models import User

    for username in ("nhse.bcf", "leics.manager"):
        assert set(plans_visible_to(user=User.objects.get(username=username))) == set(plans.values())
    assert not plans_visible_to(user=User.objects.get(username="luton.manager")).exists()
