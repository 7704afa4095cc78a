"""Reading a filled-in planning workbook back: the same plan after a round trip, every problem listed by sheet,
row, column, value and reason with nothing saved, and files that are not workbooks refused."""

import zipfile
from io import BytesIO

import pytest
from openpyxl import load_workbook

from s75.audit.models import AuditEvent
from s75.bcf.models import Plan
from s75.bcf.workbook_reading import CellProblem, WorkbookRejected, plan_workbook_read
from s75.bcf.workbook_writing import workbook_for
from tests.bcf.conftest import bcf_area

SKIPPED = {"id", "plan_id", "created_at", "modified_at", "created_by_id", "modified_by_id"}


def plan_fields(plan: Plan) -> dict:
    """Every field of the plan's contents, row by row, leaving out ids and who changed them when."""
    def rows(queryset):
        return [{key: value for key, value in row.items() if key not in SKIPPED} for row in queryset.values()]

    plan = Plan.objects.get(pk=plan.pk)
    return {"narrative": plan.narrative, "income": rows(plan.income.all()), "lines": rows(plan.lines.all()),
            "conditions": rows(plan.conditions.all()), "metrics": rows(plan.metric_values.all())}


def edited(data: bytes, changes: dict) -> bytes:
    """The workbook with ``changes`` ({(sheet, cell): value}) made, as a user would in Excel."""
    workbook = load_workbook(BytesIO(data))
    for (sheet, cell), value in changes.items():
        workbook[sheet][cell] = value
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rejection(data, **options) -> list[CellProblem]:
    with pytest.raises(WorkbookRejected) as raised:
        plan_workbook_read(data, **options)
    return raised.value.cell_problems


def test_export_then_import_gives_the_identical_plan(plan, area):
    before = plan_fields(plan)
    assert len(before["lines"]) == 4 and len(before["metrics"]) == 12
    result = plan_workbook_read(workbook_for(plan, "planning"), actor=area.manager, plan=plan)
    assert (result.plan, result.created) == (plan, False)
    assert plan_fields(plan) == before
    assert AuditEvent.objects.filter(action="bcf_plan_replace").count() == 2


def test_a_workbook_for_an_area_without_a_plan_creates_it(plan, area):
    data = workbook_for(plan, "planning")
    before = plan_fields(plan)
    other = bcf_area(reference="bcf-other-2025")
    data = edited(data, {("Cover", "B3"): other.council.organisation.name,
                         ("Cover", "B5"): "bcf-other-2025",
                         ("Income", "B2"): other.icb.organisation.name,
                         ("Income", "B3"): other.council.organisation.name,
                         ("Income", "B4"): other.council.organisation.name,
                         **{("Expenditure", f"P{row}"): str(other.home_care) for row in (2, 3, 4)},
                         ("Expenditure", "P5"): str(other.equipment)})
    result = plan_workbook_read(data, actor=None)
    assert result.created and result.plan.hwb == other.council.organisation
    created = plan_fields(result.plan)
    assert [line["planned_pence"] for line in created["lines"]] == [line["planned_pence"]
                                                                    for line in before["lines"]]
    assert created["conditions"] == before["conditions"] and created["metrics"] == before["metrics"]


def test_a_dry_run_checks_and_saves_nothing(plan, area):
    data = edited(workbook_for(plan, "planning"), {("Expenditure", "N2"): 4_500_000.5})
    before = plan_fields(plan)
    result = plan_workbook_read(data, actor=area.manager, plan=plan, dry_run=True)
    assert result.dry_run and result.contents.lines[0].planned_pence == 450_000_050
    assert plan_fields(plan) == before


def test_every_bad_cell_is_listed_and_nothing_is_saved(plan, area):
    before = plan_fields(plan)
    data = edited(workbook_for(plan, "planning"), {
        ("Income", "C3"): "three million",
        ("Expenditure", "D2"): "Magic beans",
        ("Expenditure", "N3"): 12.345,
        ("Expenditure", "J3"): 70,
        ("Expenditure", "P4"): "Schedule 9: Nowhere",
        ("Expenditure", "B5"): None,
        ("National conditions", "C2"): "Maybe",
        ("Metrics", "C2"): "lots",
        ("Expenditure", "R2"): "extra",
    })
    problems = rejection(data, actor=area.manager, plan=plan)
    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("Income", 3, "Income (£)", "three million"),
        ("Expenditure", 2, "R", "extra"),
        ("Expenditure", 5, "Scheme name", ""),
        ("Expenditure", 2, "Scheme type", "Magic beans"),
        ("Expenditure", 3, "Planned expenditure (£)", "12.345"),
        ("Expenditure", 4, "s75 schedule", "Schedule 9: Nowhere"),
        ("National conditions", 2, "Confirmed", "Maybe"),
        ("Metrics", 2, "Q1 planned", "lots"),
    ]
    reasons = [str(problem) for problem in problems]
    assert "Income, row 3, column Income (£): three million is not an amount of pounds and pence" in reasons
    assert "Expenditure, row 2, column Scheme type: “Magic beans” is not a scheme type of 2025-26: choose one " \
           "from the list" in reasons
    assert "National conditions, row 2, column Confirmed: “Maybe” is not Yes or No: choose one from the list" \
        in reasons
    assert plan_fields(plan) == before


def test_a_figure_too_large_to_round_is_refused_on_its_cell(plan, area):
    problems = rejection(edited(workbook_for(plan, "planning"), {("Metrics", "C2"): "1e309"}),
                         actor=area.manager, plan=plan)
    assert [str(problem) for problem in problems] == [
        "Metrics, row 2, column Q1 planned: 1e309 is not a number with at most two decimal places"]


def test_joint_shares_not_adding_to_100_are_put_on_their_row(plan, area):
    problems = rejection(edited(workbook_for(plan, "planning"), {("Expenditure", "J3"): 70}),
                         actor=area.manager, plan=plan)
    assert [str(problem) for problem in problems] == [
        "Expenditure, row 3: % NHS (70) and % LA (40) must add up to 100"]


def test_a_workbook_for_another_year_or_area_is_refused(plan, area):
    problems = rejection(edited(workbook_for(plan, "planning"), {("Cover", "B3"): "Elsewhere",
                                                                 ("Cover", "B4"): "2024-25"}),
                         actor=area.manager, plan=plan)
    assert [str(problem) for problem in problems] == [
        "Cover, row 4, column B: the workbook is for 2024-25 but the plan is for 2025-26",
        f"Cover, row 3, column B: the workbook is for Elsewhere but the plan is {plan.hwb}'s",
    ]


def test_too_many_rows_is_refused(plan, area):
    data = edited(workbook_for(plan, "planning"), {("Metrics", "A2500"): "x"})
    problems = rejection(data, actor=area.manager, plan=plan)
    assert [(p.sheet, p.row) for p in problems][:1] == [("Metrics", 2001)]


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "the file is empty: save the workbook from Excel and try again"),
    (b"Scheme ID,Scheme name\n1,Home care\n", "the file is not an Excel workbook (.xlsx): save it from Excel as an "
                                               "Excel workbook"),
])
def test_files_that_are_not_workbooks_are_refused(db, data, reason):
    assert [str(problem) for problem in rejection(data, actor=None)] == [reason]


def test_a_zip_that_is_not_a_workbook_is_refused(db):
    archive = BytesIO()
    with zipfile.ZipFile(archive, "w") as target:
        target.writestr("plan.txt", "Income: £15m")
    assert [str(problem) for problem in rejection(archive.getvalue(), actor=None)] == [
        "the file is a compressed (zip) file but not an Excel workbook that can be read"]


def test_a_workbook_with_a_dtd_is_refused(plan, area):
    original = BytesIO(workbook_for(plan, "planning"))
    tampered = BytesIO()
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(tampered, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/workbook.xml":
                content = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + content
            target.writestr(member, content)
    problems = rejection(tampered.getvalue(), actor=area.manager, plan=plan)
    assert [(p.value, p.reason.split(",")[0]) for p in problems] == [
        ("xl/workbook.xml", "the workbook holds a document type declaration (DTD)")]
