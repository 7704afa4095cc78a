"""`s75 bcf-export` and `s75 bcf-import`: the same functions as the pages, with the user's scope; bad input is a
clear message and a non-zero exit, never a traceback."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

import s75
from s75.bcf.models import Plan
from tests.factories import UserFactory

from .test_workbook_reading import edited, plan_fields


def command(name, *args, **options):
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_export_then_import_leaves_the_plan_as_it_was(plan, area, tmp_path):
    path = tmp_path / "plan.xlsx"
    out, _ = command("bcf_export", plan=str(plan.pk), template="planning", out=str(path),
                     user=area.manager.username)
    assert out == f"Wrote better care fund planning template of {plan} to {path}.\n"
    assert load_workbook(path).sheetnames[:7] == ["Cover", "Checklist", "Income", "Expenditure", "Metrics",
                                                  "National conditions", "Sign-off"]
    before = plan_fields(plan)
    out, _ = command("bcf_import", str(path), plan=str(plan.pk))
    assert out.splitlines() == [
        f"Updated {plan} (plan {plan.pk}).",
        "Income: 3 rows, £15,000,000.00; expenditure: 4 lines, £15,000,000.00; national conditions: 4; "
        "metric figures: 12.",
    ]
    assert plan_fields(plan) == before


def test_quarterly_export_needs_its_quarter(plan, tmp_path):
    with pytest.raises(CommandError, match="The quarterly return needs its quarter: 1, 2, 3 or 4."):
        command("bcf_export", plan=str(plan.pk), template="quarterly", out=str(tmp_path / "q.xlsx"))
    with pytest.raises(CommandError, match="'Q5' is not a quarter: write it like Q2."):
        command("bcf_export", plan=str(plan.pk), template="quarterly", quarter="Q5", out=str(tmp_path / "q.xlsx"))
    command("bcf_export", plan=str(plan.pk), template="quarterly", quarter="q2", out=str(tmp_path / "q.xlsx"))
    assert load_workbook(tmp_path / "q.xlsx")["Expenditure"]["R1"].value == "Actual to end of Q2 (£)"


def test_a_plan_the_user_cannot_see_is_not_found(plan, tmp_path):
    stranger = UserFactory()
    with pytest.raises(CommandError, match=f"No Better Care Fund plan {plan.pk} was found."):
        command("bcf_export", plan=str(plan.pk), template="planning", out=str(tmp_path / "p.xlsx"),
                user=stranger.username)


def test_a_rejected_workbook_lists_every_problem_and_saves_nothing(plan, area, tmp_path):
    path = tmp_path / "plan.xlsx"
    command("bcf_export", plan=str(plan.pk), template="planning", out=str(path))
    path.write_bytes(edited(path.read_bytes(), {("Income", "C2"): -5, ("Expenditure", "I3"): "Council"}))
    before = plan_fields(plan)
    err = StringIO()
    with pytest.raises(CommandError, match=r"plan.xlsx was rejected \(2 problems\): nothing was saved."):
        call_command("bcf_import", str(path), "--dry-run", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "Income, row 2, column Income (£): -5 is negative: give the amount as positive",
        "Expenditure, row 3, column Commissioner: “Council” is not a commissioner: choose one from the list",
    ]
    assert plan_fields(plan) == before


def test_a_dry_run_saves_nothing(plan, tmp_path):
    path = tmp_path / "plan.xlsx"
    command("bcf_export", plan=str(plan.pk), template="planning", out=str(path))
    path.write_bytes(edited(path.read_bytes(), {("Cover", "B10"): "A new summary"}))
    out, _ = command("bcf_import", str(path), dry_run=True)
    assert out.startswith("Dry run: nothing was saved.\n")
    assert Plan.objects.get(pk=plan.pk).narrative == "Home first: care at home after a stay in hospital."


def test_a_user_who_may_not_prepare_plans_cannot_import(plan, tmp_path):
    path = tmp_path / "plan.xlsx"
    command("bcf_export", plan=str(plan.pk), template="planning", out=str(path))
    reader = UserFactory(organisation=plan.hwb)
    with pytest.raises(CommandError, match="may not prepare Better Care Fund plans"):
        command("bcf_import", str(path), user=reader.username)


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot be read: No such file or directory."),
    (b"", "the file is empty"),
    (b"not a workbook", "the file is not an Excel workbook (.xlsx)"),
])
def test_bad_files_give_a_message_and_a_non_zero_exit_without_a_traceback(content, message, tmp_path):
    path = tmp_path / "upload.xlsx"
    if content is not None:
        path.write_bytes(content)
    # The bad file is refused before the database is opened; the var folder is the test's own.
    environment = {"PYTHONPATH": str(Path(s75.__file__).parents[1]), "DJANGO_SETTINGS_MODULE": "s75.settings.test",
                   "DATABASE_URL": "", "S75_VAR_DIR": str(tmp_path / "var"), "S75_CACHE_DIR": str(tmp_path / "cache"),
                   "PATH": "/usr/bin:/bin"}
    finished = subprocess.run([sys.executable, "-m", "s75", "bcf-import", str(path)], capture_output=True, text=True,
                              env=environment, cwd=tmp_path, check=False)
    assert finished.returncode != 0
    assert message in finished.stderr
    assert "Traceback" not in finished.stderr
