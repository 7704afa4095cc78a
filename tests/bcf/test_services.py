"""The BCF services: the year lists from YAML, creating plans, replacing their contents all or nothing, confirming
conditions, reporting metric actuals; every change with its audit record."""

import dataclasses
from decimal import Decimal

import pytest
import yaml
from django.core.management import CommandError, call_command

from s75.audit.models import AuditEvent
from s75.bcf.models import BcfYear, ListItem, ListName, Plan, PlanStatus
from s75.bcf.services import (
    BcfError,
    IncomeRow,
    bcf_lists_load,
    condition_confirm,
    metric_actual_record,
    plan_contents_replace,
    plan_create,
)
from s75.budgets.models import FundingStream
from s75.organisations.models import Organisation, OrganisationKind
from tests.bcf.conftest import bcf_area
from tests.factories import NhsBodyFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

NEXT_YEAR = """
format: s75-bcf-lists/1
years:
  - year: 2026-27
    framework: Better Care Fund policy framework 2026-27
    plans_due_on: "2026-03-31"
    source:
      - {code: nhs-minimum, name: NHS minimum contribution, stream: nhs-minimum, role: nhs_minimum}
      - {code: dfg, name: Disabled Facilities Grant, stream: dfg, role: dfg}
    scheme_type:
      - {code: home-care, name: Home care or domiciliary care}
    sub_type:
      - {code: dom-discharge, name: Domiciliary care to support hospital discharge, type: home-care}
    area_of_spend:
      - {code: social-care, name: Social care, social_care: true}
    national_condition:
      - {code: nc1, name: Plans to be jointly agreed}
    metric:
      - {code: discharge-delay, name: Average length of discharge delay, unit: days, lower_is_better: true}
"""


def problems(error) -> list[str]:
    return [str(problem) for problem in error.value.problems]


def test_the_packaged_lists_hold_four_years():
    assert list(BcfYear.objects.values_list("financial_year", flat=True)) == [2015, 2023, 2024, 2025]
    year = BcfYear.objects.get(financial_year=2025)
    assert list(year.items.filter(list=ListName.NATIONAL_CONDITION).values_list("code", flat=True)) == [
        "nc1", "nc2", "nc3", "nc4"]
    dfg = year.items.get(list=ListName.SOURCE, code="dfg")
    assert (dfg.source_role, dfg.funding_stream.code) == ("dfg", "dfg")
    assert year.items.get(list=ListName.SUB_TYPE, code="dom-discharge").parent.code == "home-care"


def test_next_years_lists_are_added_from_a_file_without_code(tmp_path):
    path = tmp_path / "bcf-2026-27.yaml"
    path.write_text(NEXT_YEAR, encoding="utf-8")
    call_command("bcf_lists", str(path), verbosity=0)
    year = BcfYear.objects.get(financial_year=2026)
    assert str(year.plans_due_on) == "2026-03-31"
    assert list(year.items.values_list("list", "code")) == sorted(
        [("area_of_spend", "social-care"), ("metric", "discharge-delay"), ("national_condition", "nc1"),
         ("scheme_type", "home-care"), ("source", "nhs-minimum"), ("source", "dfg"), ("sub_type", "dom-discharge")],
        key=lambda row: row[0])
    assert year.items.get(list=ListName.METRIC).lower_is_better is True
    assert AuditEvent.objects.filter(action="bcf_lists_load", object_id=str(year.pk)).exists()
    # Loaded again, the rows are matched on their codes and nothing is added.
    count = ListItem.objects.count()
    result = bcf_lists_load(actor=None, document=yaml.safe_load(NEXT_YEAR))
    assert (result.years, result.created, result.updated, ListItem.objects.count()) == (["2026-27"], 0, 7, count)


def test_bad_list_rows_are_refused_each_named_and_nothing_loaded():
    document = yaml.safe_load(NEXT_YEAR)
    entry = document["years"][0]
    entry["source"][1] = {"code": "dfg", "name": "Disabled Facilities Grant", "stream": "housing", "role": "grant"}
    entry["sub_type"][0]["type"] = "bed-based-ic"
    entry["metric"][0].pop("lower_is_better")
    entry["area_of_spend"].append({"code": "acute", "name": "Acute", "colour": "red"})
    entry["scheme_type"].append({"code": "", "name": "Other"})
    with pytest.raises(BcfError) as error:
        bcf_lists_load(actor=None, document=document)
    streams = ", ".join(sorted(FundingStream.objects.values_list("code", flat=True)))
    assert problems(error) == [
        f"year 2026-27, source of funding 2: the stream 'housing' is not one of {streams}",
        "year 2026-27, source of funding 2: the role 'grant' is not one of nhs_minimum, dfg, other",
        "year 2026-27, scheme type 2: give the code",
        "year 2026-27, scheme sub-type 1: the scheme type 'bed-based-ic' is not in the year's scheme types",
        "year 2026-27, area of spend 2: colour is not a key of a list entry (a name with a comma needs quotes)",
        "year 2026-27, metric 1: say whether lower is better (lower_is_better: true or false)",
    ]
    assert not BcfYear.objects.filter(financial_year=2026).exists()


def test_a_file_of_another_format_is_refused(tmp_path):
    with pytest.raises(BcfError) as error:
        bcf_lists_load(actor=None, document={"format": "s75-agreement/1"})
    assert problems(error) == ["the file is not a Better Care Fund lists file: its first line must be "
                               "“format: s75-bcf-lists/1”"]
    path = tmp_path / "empty.yaml"
    path.write_text("format: s75-bcf-lists/1\nyears: []\n", encoding="utf-8")
    with pytest.raises(CommandError, match="the file lists no years"):
        call_command("bcf_lists", str(path), verbosity=0)


def test_a_plan_is_created_a_draft_with_every_condition_unconfirmed_and_audited(area):
    plan = plan_create(actor=area.manager, hwb=area.council.organisation, year=area.year, agreement=area.agreement)
    assert plan.status == PlanStatus.DRAFT
    assert list(plan.conditions.order_by("condition__position").values_list("condition__code", "confirmed")) == [
        ("nc1", False), ("nc2", False), ("nc3", False), ("nc4", False)]
    event = AuditEvent.objects.get(action="bcf_plan_create")
    assert (event.actor, event.agreement, event.object_id) == (area.manager, area.agreement, str(plan.pk))


def test_plan_create_refuses_with_every_reason(area, plan):
    stranger = OrganisationFactory()
    area.agreement.pooled_fund, area.agreement.lead_commissioning = False, True
    area.agreement.is_better_care_fund = False
    area.agreement.save()
    Organisation.objects.filter(pk=area.icb.organisation_id).update(kind=OrganisationKind.NHS_TRUST)
    with pytest.raises(BcfError) as error:
        plan_create(actor=area.manager, hwb=stranger, year=area.year, agreement=area.agreement)
    assert problems(error) == [
        "bcf-test-2025 is not a Better Care Fund agreement",
        "bcf-test-2025 has no pooled fund: the Better Care Fund must be pooled",
        f"{stranger} is not a party to bcf-test-2025",
        "bcf-test-2025 has no ICB (or CCG) partner",
    ]
    with pytest.raises(BcfError) as error:
        plan_create(actor=area.manager, hwb=area.council.organisation, year=area.year,
                    agreement=bcf_area(council=area.council.organisation, icb=NhsBodyFactory(),
                                       reference="bcf-second").agreement)
    assert problems(error) == [f"{area.council.organisation} already has a Better Care Fund plan for 2025-26"]


def test_contents_are_replaced_and_the_change_audited(area, plan):
    assert (plan.income.count(), plan.lines.count(), plan.metric_values.count()) == (3, 4, 12)
    assert list(plan.lines.values_list("line_number", "planned_pence")) == [
        (1, 450_000_000), (2, 550_000_000), (3, 300_000_000), (4, 200_000_000)]
    event = AuditEvent.objects.get(action="bcf_plan_replace")
    assert event.before["lines"] == 0
    assert event.after == {"income_rows": 3, "income_pence": 1_500_000_000, "lines": 4,
                           "planned_pence": 1_500_000_000, "conditions_confirmed": 4, "metric_values": 12}


def test_bad_contents_are_refused_naming_each_row_and_nothing_changes(area, plan):
    contents = area.contents()
    other_year = BcfYear.objects.get(financial_year=2015)
    lines = contents.lines
    lines[1] = dataclasses.replace(lines[1], nhs_percent=Decimal("70"))
    lines[2] = dataclasses.replace(lines[2], scheme_type=area.item(ListName.AREA_OF_SPEND, "acute"),
                                   planned_pence=-1, new_or_existing="")
    income = [*contents.income, IncomeRow(source=other_year.items.get(list=ListName.SOURCE, code="dfg"),
                                          organisation=area.council.organisation, amount_pence=1)]
    with pytest.raises(BcfError) as error:
        plan_contents_replace(actor=area.manager, plan=plan, contents=dataclasses.replace(
            contents, income=income, lines=lines, metrics=[*contents.metrics, contents.metrics[0]]))
    assert [(problem.field, str(problem)) for problem in error.value.problems] == [
        ("income[4]", "“Disabled Facilities Grant” is not a source of funding of 2025-26"),
        ("lines[2]", "% NHS (70) and % LA (40) must add up to 100"),
        ("lines[3]", "“Acute” is not a scheme type of 2025-26"),
        ("lines[3]", "planned expenditure cannot be negative"),
        ("lines[3]", "say whether the scheme is new or existing"),
        ("metrics[13]", "Emergency admissions of people aged 65 and over for quarter 1 is given twice"),
    ]
    assert list(plan.lines.values_list("planned_pence", flat=True)) == [450_000_000, 550_000_000, 300_000_000,
                                                                         200_000_000]
    assert AuditEvent.objects.filter(action="bcf_plan_replace").count() == 1


def test_a_line_on_another_agreements_schedule_is_refused(area, plan):
    other = bcf_area(reference="bcf-other")
    lines = area.contents().lines
    lines[0] = dataclasses.replace(lines[0], schedule=other.home_care)
    with pytest.raises(BcfError) as error:
        plan_contents_replace(actor=area.manager, plan=plan, contents=area.contents(lines=lines))
    assert problems(error) == [f"{other.home_care} is not a schedule of bcf-test-2025"]


def test_a_condition_is_confirmed_and_withdrawn_with_its_comment_audited(area):
    plan = plan_create(actor=area.manager, hwb=area.council.organisation, year=area.year, agreement=area.agreement)
    nc2 = area.item(ListName.NATIONAL_CONDITION, "nc2")
    condition_confirm(actor=area.manager, plan=plan, condition=nc2, confirmed=True, comment="  In section 3.  ")
    confirmation = plan.conditions.get(condition=nc2)
    assert (confirmation.confirmed, confirmation.comment) == (True, "In section 3.")
    condition_confirm(actor=area.manager, plan=plan, condition=nc2, confirmed=False, comment="Not yet agreed")
    events = AuditEvent.objects.filter(action="bcf_condition_confirm").order_by("pk")
    assert [(event.before, event.after) for event in events] == [
        ({"confirmed": False, "comment": ""}, {"confirmed": True, "comment": "In section 3."}),
        ({"confirmed": True, "comment": "In section 3."}, {"confirmed": False, "comment": "Not yet agreed"}),
    ]


def test_metric_actuals_are_reported_only_while_the_plan_is_in_delivery(area, plan):
    metric = area.item(ListName.METRIC, "discharge-delay")
    with pytest.raises(BcfError) as error:
        metric_actual_record(actor=area.manager, plan=plan, metric=metric, quarter=5, actual=Decimal("9.5"))
    assert problems(error) == ["the plan is draft: actuals are reported while it is in delivery",
                               "quarter 5 is not 1, 2, 3 or 4"]
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.IN_DELIVERY)
    plan.refresh_from_db()
    value = metric_actual_record(actor=area.manager, plan=plan, metric=metric, quarter=2, actual=Decimal("9.5"))
    assert (value.planned, value.actual, value.on_track) == (Decimal("398"), Decimal("9.5"), True)
    event = AuditEvent.objects.get(action="bcf_metric_actual")
    assert (event.before["actual"], event.after["actual"]) == (None, "9.5")


def test_a_metric_of_another_year_is_refused(area, plan):
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.IN_DELIVERY)
    plan.refresh_from_db()
    old = BcfYear.objects.get(financial_year=2015).items.get(list=ListName.METRIC, code="reablement")
    with pytest.raises(BcfError) as error:
        metric_actual_record(actor=area.manager, plan=plan, metric=old, quarter=1, actual=Decimal("80"))
    assert problems(error) == [f"“{old.name}” is not a metric of 2025-26"]
