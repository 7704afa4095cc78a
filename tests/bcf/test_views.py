"""The Better Care Fund pages: what each shows, each change through its service (and its refusal, with the
service's words, saving nothing), the scoping of plans to the areas a user belongs to (404) and the permission to
change them (403)."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from s75.audit.models import AuditEvent
from s75.bcf.checks import CHECKS, CONDITIONS_CONFIRMED
from s75.bcf.models import CheckExplanation, ListName, Plan, PlanStatus
from s75.bcf.views import CHECKED_WORKBOOKS
from s75.bcf.workbook_writing import workbook_for
from s75.governance.models import DecisionOutcome, DecisionSubject
from s75.governance.services import decision_record
from s75.ledger.models import AccountRole
from s75.ledger.services import LineSpec, entry_post, fund_open
from tests.factories import UserFactory
from tests.governance.conftest import meeting_of

from .conftest import bcf_area


def _client(client, user):
    client.force_login(user)
    return client


def _board_decision(plan: Plan, outcome: str = DecisionOutcome.APPROVED):
    return decision_record(actor=None, meeting=meeting_of(plan.agreement, date(2025, 3, 20)), agreement=plan.agreement,
                           subject=DecisionSubject.BCF_PLAN, financial_year=2025, outcome=outcome,
                           summary="The chair signed off the Better Care Fund plan", minute_reference="12")


def _errors(response) -> str:
    return response.content.decode()


@pytest.fixture
def stranger(db):
    """A pooled fund manager of a council with a BCF plan of its own, not party to the test area's agreement."""
    other = bcf_area(reference="bcf-other-2025")
    return other.manager


@pytest.fixture
def finance_lead(area):
    """A user of the area's council who may see its plans but not change them."""
    return UserFactory(organisation=area.council.organisation, role="Partner finance lead")


# The list ---------------------------------------------------------------------------------------------------------

def test_list_shows_the_plans_the_user_may_see_with_their_figures(client, area, plan, stranger):
    page = _client(client, area.manager).get(reverse("bcf:list")).content.decode()
    assert f"{area.council.organisation} 2025-26" in page
    assert "£15,000,000" in page  # income and planned expenditure
    assert "Draft" in page
    assert reverse("bcf:detail", args=[plan.pk]) in page
    assert "Better Care Fund</a>" in page  # the navigation's item

    theirs = _client(client, stranger).get(reverse("bcf:list")).content.decode()
    assert reverse("bcf:detail", args=[plan.pk]) not in theirs


def test_list_names_the_checks_that_fail(client, area, plan):
    confirmation = plan.conditions.first()
    confirmation.confirmed = False
    confirmation.save()
    page = _client(client, area.manager).get(reverse("bcf:list")).content.decode()
    assert CHECKS[CONDITIONS_CONFIRMED] in page


def test_list_downloads_as_a_workbook(client, area, plan):
    response = _client(client, area.manager).get(reverse("bcf:list_xlsx"))
    assert response["Content-Disposition"] == 'attachment; filename="better-care-fund-plans.xlsx"'
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Health and Wellbeing Board area", "Year", "Agreement", "Status", "Income (£)",
                           "Planned expenditure (£)")
    assert rows[1] == (str(area.council.organisation), "2025-26", "bcf-test-2025", "Draft", 15_000_000, 15_000_000,
                       None)
    assert sheet.cell(2, 5).number_format == "#,##0.00;(#,##0.00)"


def test_the_navigation_has_no_plans_item_for_a_user_who_sees_none(client, manager):
    page = _client(client, manager).get(reverse("home:index")).content.decode()
    assert reverse("bcf:list") not in page


# A new plan -------------------------------------------------------------------------------------------------------

def test_new_plan_offers_only_the_bcf_agreements_of_the_users_organisation(client, area, stranger):
    page = _client(client, area.manager).get(reverse("bcf:create")).content.decode()
    assert "bcf-test-2025" in page
    assert "bcf-other-2025" not in page
    chosen = client.get(reverse("bcf:create"), {"agreement": area.agreement.pk}).content.decode()
    assert f'<option value="{area.agreement.pk}" selected>' in chosen


def test_new_plan_is_created_as_a_draft(client, area):
    response = _client(client, area.manager).post(reverse("bcf:create"), {
        "hwb": area.council.organisation.pk, "year": area.year.pk, "agreement": area.agreement.pk,
        "narrative": "Home first."})
    plan = Plan.objects.get(hwb=area.council.organisation, year=area.year)
    assert response.status_code == 302
    assert response["Location"] == reverse("bcf:detail", args=[plan.pk])
    assert plan.status == PlanStatus.DRAFT and plan.narrative == "Home first."


def test_new_plan_refused_shows_the_problem_at_its_field_and_saves_nothing(client, area, plan):
    response = _client(client, area.manager).post(reverse("bcf:create"), {
        "hwb": area.council.organisation.pk, "year": area.year.pk, "agreement": area.agreement.pk})
    page = _errors(response)
    assert response.status_code == 200
    assert f'href="#id_year">{area.council.organisation} already has a Better Care Fund plan for 2025-26' in page
    assert Plan.objects.filter(hwb=area.council.organisation).count() == 1


def test_new_plan_needs_the_permission(client, finance_lead):
    assert _client(client, finance_lead).get(reverse("bcf:create")).status_code == 403


# The plan's page --------------------------------------------------------------------------------------------------

def test_plan_page_shows_checks_money_conditions_metrics_and_history(client, area, plan):
    page = _client(client, area.manager).get(reverse("bcf:detail", args=[plan.pk])).content.decode()
    for title in CHECKS.values():
        assert title.replace("'", "&#x27;") in page
    assert page.count(">Passes</strong>") == len(CHECKS)
    assert "NHS minimum contribution: income £10,000,000.00, all planned" in page
    assert "Home care for discharge" in page and "12,000 hours of care" in page
    assert "Joint (60% NHS, 40% LA)" in page
    assert reverse("agreements:schedule_detail", args=[area.agreement.pk, area.home_care.number]) in page
    metrics = area.year.items.filter(list=ListName.METRIC).count()
    assert page.count('class="s75-chart s75-chart--bars"') == metrics
    assert page.count("> not yet known</span>") == 4 * metrics  # no actuals reported
    assert "replaced the contents of" in page  # the history
    assert "The Health and Wellbeing Board&#x27;s chair has not signed the plan off" in page  # the unmet move


def test_plan_page_shows_each_lines_actual_spend_from_the_ledger(client, area, plan):
    fund = fund_open(actor=None, agreement=area.agreement)
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE, schedule=area.equipment)
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    entry_post(actor=None, fund=fund, period=fund.periods.get(financial_year=2025, number=2), description="Grants",
               lines=[LineSpec(expenditure, 9_000_012), LineSpec(creditors, -9_000_012)])
    page = _client(client, area.manager).get(reverse("bcf:detail", args=[plan.pk])).content.decode()
    adaptations = page[page.index("4. Adaptations"):page.index("National conditions")]
    assert "£2,000,000.00" in adaptations and "£90,000.12" in adaptations


def test_plan_of_another_area_is_not_found(client, plan, stranger):
    assert _client(client, stranger).get(reverse("bcf:detail", args=[plan.pk])).status_code == 404
    assert _client(client, stranger).post(reverse("bcf:move", args=[plan.pk]), {}).status_code == 404


def test_a_user_who_may_not_change_the_plan_sees_no_forms_and_is_forbidden_to_post(client, plan, finance_lead):
    page = _client(client, finance_lead).get(reverse("bcf:detail", args=[plan.pk])).content.decode()
    assert "<form method=\"post\" action=\"/bcf/" not in page
    confirmation = plan.conditions.first()
    for url in (reverse("bcf:condition", args=[plan.pk, confirmation.pk]), reverse("bcf:sign_off", args=[plan.pk]),
                reverse("bcf:move", args=[plan.pk]), reverse("bcf:explanation", args=[plan.pk, CONDITIONS_CONFIRMED]),
                reverse("bcf:upload", args=[plan.pk])):
        assert client.post(url, {}).status_code == 403


def test_withdrawing_a_condition_fails_its_check_and_an_explanation_answers_it(client, area, plan):
    confirmation = plan.conditions.select_related("condition").first()
    _client(client, area.manager)
    response = client.post(reverse("bcf:condition", args=[plan.pk, confirmation.pk]), {
        f"condition-{confirmation.pk}-comment": "Awaiting the board."})
    assert response.status_code == 302
    confirmation.refresh_from_db()
    assert not confirmation.confirmed and confirmation.comment == "Awaiting the board."
    page = client.get(reverse("bcf:detail", args=[plan.pk])).content.decode()
    assert f"{confirmation.condition.code.upper()} ({confirmation.condition.name}) is not confirmed" in page

    response = client.post(reverse("bcf:explanation", args=[plan.pk, CONDITIONS_CONFIRMED]), {
        f"explain-{CONDITIONS_CONFIRMED}-explanation": "The board meets after the deadline."})
    assert response.status_code == 302
    assert CheckExplanation.objects.get(plan=plan).explanation == "The board meets after the deadline."
    assert "Fails, explained" in client.get(reverse("bcf:detail", args=[plan.pk])).content.decode()


def test_changes_to_a_plan_that_is_not_a_draft_are_refused_with_the_reason(client, area, plan):
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
    confirmation = plan.conditions.first()
    _client(client, area.manager)
    response = client.post(reverse("bcf:condition", args=[plan.pk, confirmation.pk]), {})
    assert response.status_code == 200
    assert "The plan is submitted: only a draft can be changed" in response.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.confirmed

    response = client.post(reverse("bcf:explanation", args=[plan.pk, CONDITIONS_CONFIRMED]), {
        f"explain-{CONDITIONS_CONFIRMED}-explanation": "Because."})
    assert "The plan is submitted: only a draft can be changed" in response.content.decode()
    assert not CheckExplanation.objects.exists()


def test_sign_off_records_the_boards_decision_and_refuses_one_not_approving(client, area, plan):
    _client(client, area.manager)
    rejected = _board_decision(plan, DecisionOutcome.REJECTED)
    response = client.post(reverse("bcf:sign_off", args=[plan.pk]), {"sign-off-decision": rejected.pk})
    assert "The decision was rejected, not approved" in response.content.decode()
    plan.refresh_from_db()
    assert plan.signed_off_by is None

    approved = _board_decision(plan)
    response = client.post(reverse("bcf:sign_off", args=[plan.pk]), {"sign-off-decision": approved.pk})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.signed_off_by == approved


def test_moving_the_plan_says_what_is_unmet_then_moves_it(client, area, plan):
    _client(client, area.manager)
    response = client.post(reverse("bcf:move", args=[plan.pk]), {"move-to_status": "submitted", "move-reason": ""})
    page = response.content.decode()
    assert "Say why the plan moves" in page
    response = client.post(reverse("bcf:move", args=[plan.pk]), {"move-to_status": "submitted",
                                                                  "move-reason": "Ready"})
    assert "The Health and Wellbeing Board&#x27;s chair has not signed the plan off" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT

    plan.signed_off_by = _board_decision(plan)
    plan.save()
    response = client.post(reverse("bcf:move", args=[plan.pk]), {"move-to_status": "submitted",
                                                                  "move-reason": "Ready"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert "moved" in client.get(reverse("bcf:detail", args=[plan.pk])).content.decode()


def test_assurance_needs_nhs_englands_permission(client, area, plan):
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
    response = _client(client, area.manager).post(reverse("bcf:move", args=[plan.pk]), {
        "move-to_status": "assured", "move-reason": "Assured"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_metric_actuals_are_refused_in_a_draft_and_reported_in_delivery(client, area, plan):
    metric = area.year.items.filter(list=ListName.METRIC).first()
    url = reverse("bcf:metric_actual", args=[plan.pk, metric.pk])
    _client(client, area.manager)
    response = client.post(url, {f"metric-{metric.pk}-quarter": "1", f"metric-{metric.pk}-actual": "380"})
    assert "The plan is draft: actuals are reported while it is in delivery" in response.content.decode()

    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.IN_DELIVERY)
    response = client.post(url, {f"metric-{metric.pk}-quarter": "1", f"metric-{metric.pk}-actual": "380"})
    assert response.status_code == 302
    value = plan.metric_values.get(metric=metric, quarter=1)
    assert value.actual == 380 and value.on_track is (metric.lower_is_better is True)
    page = client.get(reverse("bcf:detail", args=[plan.pk])).content.decode()
    assert ("On track" if value.on_track else "Not on track") in page


# Workbooks --------------------------------------------------------------------------------------------------------

def test_planning_workbook_and_returns_download(client, area, plan):
    _client(client, area.manager)
    for url in (reverse("bcf:workbook", args=[plan.pk, "planning"]),
                reverse("bcf:quarterly_workbook", args=[plan.pk, 2]),
                reverse("bcf:workbook", args=[plan.pk, "year-end"])):
        response = client.get(url)
        assert response["Content-Disposition"].endswith('.xlsx"')
        assert load_workbook(BytesIO(response.content)).sheetnames
    assert client.get(reverse("bcf:workbook", args=[plan.pk, "quarterly"])).status_code == 404
    assert client.get(reverse("bcf:quarterly_workbook", args=[plan.pk, 4])).status_code == 404


def _xlsx(sheet: str) -> BytesIO:
    workbook = Workbook()
    workbook.active.title = sheet
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "plan.xlsx"
    return buffer


def test_upload_checks_first_then_imports_the_kept_file(client, area, plan, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    _client(client, area.manager)
    exported = BytesIO(workbook_for(plan, "planning"))
    exported.name = "plan.xlsx"
    response = client.post(reverse("bcf:upload", args=[plan.pk]), {"file": exported})
    page = response.content.decode()
    assert "plan.xlsx has no problems" in page and "Import the file" in page
    assert "Income: 3 rows, £15,000,000.00; expenditure: 4 lines, £15,000,000.00" in page
    replaced = AuditEvent.objects.filter(action="bcf_plan_replace", object_id=str(plan.pk))
    assert replaced.count() == 1  # the fixture's: the dry run saved nothing
    (token,) = client.session[CHECKED_WORKBOOKS]
    kept = tmp_path / "uploads" / "bcf" / f"{token}.xlsx"
    assert kept.is_file()

    response = client.post(reverse("bcf:import_checked", args=[plan.pk]), {"token": token})
    assert response.status_code == 302
    assert not kept.exists()
    assert replaced.count() == 2
    assert plan.lines.count() == 4
    response = client.post(reverse("bcf:import_checked", args=[plan.pk]), {"token": token})
    assert "The checked workbook is no longer kept" in response.content.decode()


def test_upload_without_a_file_asks_for_one(client, area, plan):
    response = _client(client, area.manager).post(reverse("bcf:upload", args=[plan.pk]), {})
    assert 'href="#id_file">Choose the workbook to check' in response.content.decode()


def test_upload_lists_the_workbooks_problems_and_keeps_nothing(client, area, plan, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    response = _client(client, area.manager).post(reverse("bcf:upload", args=[plan.pk]), {"file": _xlsx("Income")})
    page = response.content.decode()
    assert "The workbook cannot be imported" in page and "Problems in the workbook" in page
    assert CHECKED_WORKBOOKS not in client.session
    assert not list((tmp_path / "uploads" / "bcf").iterdir())


# Links from elsewhere ---------------------------------------------------------------------------------------------

def test_the_agreement_page_lists_its_plans(client, area, plan):
    page = _client(client, area.manager).get(reverse("agreements:detail", args=[area.agreement.pk])).content.decode()
    assert "Better Care Fund plans" in page
    assert reverse("bcf:detail", args=[plan.pk]) in page
    assert f'{reverse("bcf:create")}?agreement={area.agreement.pk}' in page


def test_home_lists_a_draft_with_failing_checks_and_plans_due(client, area, plan):
    confirmation = plan.conditions.first()
    confirmation.confirmed = False
    confirmation.save()
    page = _client(client, area.manager).get(reverse("home:index")).content.decode()
    assert f"Resolve the failing checks of the {plan}" in page
    assert f"Submit the {plan}" in page  # 2025-26 plans were due on 31 March 2025
    assert "Plans for 2025-26 are due by 31 March 2025" in page
