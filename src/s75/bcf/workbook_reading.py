"""PLACEHOLDER for the branch bcf-pages only: the real module is written on another branch and replaces this one at
merge. It has the agreed interface so that the plan page's upload can be built and tested: it checks only that the
file is a workbook with a cover sheet, and saves nothing."""

from dataclasses import dataclass
from zipfile import BadZipFile

from openpyxl import load_workbook

from .models import Plan


@dataclass(frozen=True)
class WorkbookProblem:
    sheet: str
    row: int | None
    column: str
    value: str
    reason: str


class WorkbookRejected(Exception):
    def __init__(self, problems: list[WorkbookProblem]):
        self.problems = problems
        super().__init__("; ".join(problem.reason for problem in problems))


@dataclass(frozen=True)
class WorkbookReadResult:
    plan: Plan | None
    summary: str


def plan_workbook_read(file, *, actor, plan: Plan | None = None, dry_run: bool) -> WorkbookReadResult:
    try:
        workbook = load_workbook(file, read_only=True)
    except (BadZipFile, OSError, KeyError) as error:
        raise WorkbookRejected([WorkbookProblem("", None, "", "", f"the file is not an Excel workbook: {error}")]) \
            from error
    if "Cover" not in workbook.sheetnames:
        raise WorkbookRejected([WorkbookProblem("Cover", None, "", "", "the workbook has no Cover sheet")])
    return WorkbookReadResult(plan, "The workbook was read." if dry_run else "The workbook was imported.")
