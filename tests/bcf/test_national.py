"""The national and regional view: totals, the share of the NHS minimum on social care, the failing checks (the
same as ``checks.plan_checks``), scoping and filters."""

from dataclasses import replace
from datetime import date
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from s75.agreements.models import Agreement
from s75.bcf.checks import (
    CHECKS,
    CONDITIONS_CONFIRMED,
    DFG_TO_DISTRICTS,
    INCOME_MATCHES_FUND,
    INCOME_PLANNED,
    NHS_MINIMUM_TO_SOCIAL_CARE,
    plan_checks,
)
from s75.bcf.models import BcfYear, ExpenditureLine, ListName, Plan
from s75.bcf.national import NationalFilters, national_inputs_version, national_view, plans_failing
from s75.bcf.services import BcfError, ConditionRow, plan_contents_replace, plan_create, plan_move
from s75.bcf.simulate import bcf_simulate, reference_areas
from s75.core.models import Generation
from s75.organisations.models import OrganisationKind
from tests.bcf.conftest import bcf_area
from tests.factories import NhsBodyFactory, OrganisationFactory, UserFactory


@pytest.fixture
def nhs_england(db):
    return UserFactory(organisation=OrganisationFactory(kind=OrganisationKind.NHS_ENGLAND, name="NHS England"),
                       role="NHS England")


def _second_plan(*, icb=None, **changes) -> Plan:
    other = bcf_area(icb=icb, reference="bcf-other-2025")
    plan = plan_create(actor=other.manager, hwb=other.council.organisation, year=other.year,
                       agreement=other.agreement)
    return plan_contents_replace(actor=other.manager, plan=plan, contents=other.contents(**changes))


def test_totals_are_the_sums_of_the_lines(plan, nhs_england):
    _second_plan()
    view = national_view(user=nhs_england)
    lines = ExpenditureLine.objects.all()
    planned = lines.aggregate(total=Sum("planned_pence"))["total"]
    assert planned == 2 * 1_500_000_000
    for table in (view.by_source, view.by_scheme_type, view.by_area_of_spend, view.by_commissioner,
                  view.by_provider_type):
        assert sum(row.planned_pence for row in table) == planned
    by_type = {row.name: row.planned_pence for row in view.by_scheme_type}
    assert by_type == {"Home care or domiciliary care": 2 * 750_000_000, "Home-based intermediate care":
                       2 * 550_000_000, "DFG related schemes": 2 * 200_000_000}
    assert {row.name: row.planned_pence for row in view.by_commissioner} == {"Local authority": 2 * 950_000_000,
                                                                           "Joint": 2 * 550_000_000}
    assert [(row.name, row.income_pence, row.planned_pence) for row in view.by_source] == [
        ("NHS minimum contribution", 2_000_000_000, 2_000_000_000),
        ("Local Authority Better Care Grant", 600_000_000, 600_000_000),
        ("Disabled Facilities Grant", 400_000_000, 400_000_000),
    ]
    assert view.income_pence == view.planned_pence == planned


def test_share_of_the_nhs_minimum_on_social_care(plan, area, nhs_england):
    # The second plan moves the community line (£5.5m of the NHS minimum) to social care: all £10m.
    other = _second_plan()
    other_area_lines = other.lines.filter(scheme_id="2")
    other_area_lines.update(area_of_spend=area.item(ListName.AREA_OF_SPEND, "social-care"))
    view = national_view(user=nhs_england)
    shares = {row.plan.pk: row.social_care_share for row in view.plans}
    assert shares == {plan.pk: Fraction(45, 100), other.pk: Fraction(1)}
    assert view.social_care_share == Fraction(145, 200)
    assert view.nhs_minimum_pence == 2_000_000_000


def _break(plan: Plan, area, check: str) -> None:
    contents = area.contents()
    if check == INCOME_PLANNED:
        contents = replace(contents, lines=[replace(contents.lines[2], planned_pence=299_999_999),
                                            *contents.lines[:2], contents.lines[3]])
    elif check == NHS_MINIMUM_TO_SOCIAL_CARE:
        home_care, rehab = contents.lines[0], contents.lines[1]
        contents = replace(contents, lines=[replace(home_care, planned_pence=399_999_999),
                                            replace(rehab, planned_pence=600_000_001), *contents.lines[2:]])
    elif check == DFG_TO_DISTRICTS:
        OrganisationFactory(kind=OrganisationKind.DISTRICT_COUNCIL, parent=plan.hwb)
    elif check == CONDITIONS_CONFIRMED:
        contents = replace(contents, conditions=[ConditionRow(condition=row.condition, confirmed=index != 2)
                                                 for index, row in enumerate(contents.conditions)])
    elif check == INCOME_MATCHES_FUND:
        contents = replace(contents, income=[replace(contents.income[0], amount_pence=999_999_999),
                                             *contents.income[1:]],
                           lines=[replace(contents.lines[1], planned_pence=549_999_999), contents.lines[0],
                                  *contents.lines[2:]])
    plan_contents_replace(actor=area.manager, plan=plan, contents=contents)


@pytest.mark.parametrize("check", list(CHECKS))
def test_each_failing_check_listed(plan, area, nhs_england, check):
    _break(plan, area, check)
    assert [c.code for c in plan_checks(plan) if not c.passed] == [check]
    view = national_view(user=nhs_england)
    assert {code: [row.plan for row in rows] for code, rows in view.failing.items()} == {
        code: [plan] if code == check else [] for code in CHECKS}
    assert [row.plan for row in national_view(user=nhs_england, filters=NationalFilters(failing=check)).plans] == [
        plan]
    other = next(code for code in CHECKS if code != check)
    assert national_view(user=nhs_england, filters=NationalFilters(failing=other)).plans == []


def test_set_based_checks_equal_plan_checks_on_simulated_plans(db):
    year = BcfYear.objects.get(financial_year=2025)
    bcf_simulate(year=year, seed=11, codes=sorted(reference_areas()[0])[:30])
    plans = list(Plan.objects.select_related("hwb", "year", "agreement"))
    expected = {plan.pk: [check.code for check in plan_checks(plan) if not check.passed] for plan in plans}
    assert plans_failing(plans=plans) == expected
    assert any(expected.values())


def test_a_plan_without_allocation_fails_the_social_care_check(area, nhs_england):
    plan = plan_create(actor=area.manager, hwb=area.council.organisation, year=area.year, agreement=area.agreement)
    plan_contents_replace(actor=area.manager, plan=plan, contents=area.contents())
    plan.hwb.bcf_allocations.all().delete()
    assert plans_failing(plans=[plan]) == {plan.pk: [NHS_MINIMUM_TO_SOCIAL_CARE]}


def test_icb_sees_only_its_own_areas(plan, area, nhs_england):
    other_icb = NhsBodyFactory(region="London")
    other = _second_plan(icb=other_icb)
    icb_user = UserFactory(organisation=area.icb.organisation, role="Partner finance lead")
    assert [row.plan for row in national_view(user=icb_user).plans] == [plan]
    assert {row.plan for row in national_view(user=nhs_england).plans} == {plan, other}
    assert [row.plan for row in national_view(user=nhs_england, filters=NationalFilters(icb=other_icb.pk)).plans] \
        == [other]
    assert [row.plan for row in national_view(user=nhs_england, filters=NationalFilters(region="London")).plans] \
        == [other]
    assert national_view(user=nhs_england, filters=NationalFilters(year=2024)).plans == []
    assert national_view(user=nhs_england, filters=NationalFilters(status="submitted")).plans == []
    assert len(national_view(user=nhs_england, filters=NationalFilters(year=2025, status="draft")).plans) == 2


def test_council_user_refused(plan, area):
    with pytest.raises(PermissionDenied):
        national_view(user=area.manager)


def test_queries_do_not_grow_with_plans(db, nhs_england):
    year = BcfYear.objects.get(financial_year=2025)
    codes = sorted(reference_areas()[0])
    counts = []
    for number in (3, 12):
        bcf_simulate(year=year, seed=5, codes=codes[:number])
        national_view(user=nhs_england)  # the user's permissions, read once
        with CaptureQueriesContext(connection) as queries:
            view = national_view(user=nhs_england)
        assert len(view.plans) == number
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 20


# The version the national view is kept under (docs/adr/0008) --------------------------------------------------------

def _changes(area, plan) -> dict:
    """One change of each kind the view reads, each through the service that makes it (after what it needs)."""
    from s75.agreements.services import party_add
    from s75.bcf.services import (
        allocation_set,
        bcf_lists_load,
        condition_confirm,
        explanation_set,
        plan_move,
        plan_sign_off,
    )
    from s75.budgets.models import FundingStream
    from s75.budgets.services import contribution_set
    from s75.organisations.services import organisation_upsert, succession_record

    condition = area.year.items.filter(list=ListName.NATIONAL_CONDITION).first()
    return {
        "a plan's contents": lambda: plan_contents_replace(actor=None, plan=plan, contents=area.contents(
            narrative="Changed.")),
        "a condition": lambda: condition_confirm(actor=None, plan=plan, condition=condition, confirmed=False),
        "an explanation": lambda: explanation_set(actor=None, plan=plan, check_code=INCOME_PLANNED,
                                                  explanation="Agreed late."),
        "a sign-off": lambda: plan_sign_off(actor=None, plan=plan, decision=area.board_decision()),
        "a plan's status": (lambda: plan_sign_off(actor=None, plan=plan, decision=area.board_decision()),
                            lambda: plan_move(actor=None, plan=plan, to_status="submitted", reason="Ready")),
        "a new plan": lambda: _second_plan(),
        "a contribution": lambda: contribution_set(
            actor=None, schedule=area.home_care, party=area.icb, financial_year=2025, amount_pence=1,
            funding_stream=FundingStream.objects.get(code="nhs-minimum")),
        "a partner": lambda: party_add(actor=None, agreement=area.agreement, organisation=NhsBodyFactory()),
        "an allocation": lambda: allocation_set(actor=None, hwb=area.council.organisation, year=area.year,
                                                nhs_minimum_pence=1, asc_minimum_pence=1),
        "the lists": lambda: bcf_lists_load(actor=None, document={"format": "s75-bcf-lists/1", "years": [
            {"year": "2025-26", "national_condition": [{"code": "nc-new", "name": "A new condition"}]}]}),
        "an organisation's name": lambda: organisation_upsert(
            actor=None, kind=area.council.organisation.kind, name="Renamed council",
            ons_code=area.council.organisation.ons_code, ods_code=area.council.organisation.ods_code),
        "a succession": lambda: succession_record(actor=None, predecessor=NhsBodyFactory(),
                                                  successor=area.icb.organisation, effective_on=date(2025, 7, 1)),
    }


@pytest.mark.parametrize("kind", ["a plan's contents", "a condition", "an explanation", "a sign-off",
                                  "a plan's status",
                                  "a new plan", "a contribution", "a partner", "an allocation", "the lists",
                                  "an organisation's name", "a succession"])
def test_every_kind_of_change_moves_the_version_on(area, plan, kind):
    change = _changes(area, plan)[kind]
    if isinstance(change, tuple):
        needed, change = change
        needed()
    before = national_inputs_version()
    assert national_inputs_version() == before, "reading changes nothing"
    change()
    assert national_inputs_version() != before


def test_a_change_that_is_refused_leaves_the_version(area, plan):
    before = national_inputs_version()
    with pytest.raises(BcfError):
        plan_move(actor=None, plan=plan, to_status="submitted", reason="Not signed off")
    assert national_inputs_version() == before


def test_the_version_is_read_in_one_query_of_the_tables_it_names(plan):
    with CaptureQueriesContext(connection) as queries:
        version = national_inputs_version()
    assert len(queries) == 1
    assert [Plan._meta.db_table, Agreement._meta.db_table, Generation._meta.db_table] == [
        "bcf_plan", "agreements_agreement", "core_generation"]
    plans, last, _, data, _, _ = version
    assert (plans, last, data) == (1, plan.pk, plan.agreement.data_version)
