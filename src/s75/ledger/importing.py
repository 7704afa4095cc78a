"""General-ledger imports: a finance system's CSV or XLSX export posted to a fund's ledger, whole or not at all.

:func:`ledger_import` checks every row of the file (``import_checks``) and, if none has a problem, posts them
(``import_posting``). Any problem rejects the whole file: nothing is posted and the rejection is kept in the import
history with its problems. A file good in every row but with lines in a financial year that has no budget is held:
nothing is posted, and it posts only when someone says why it should all the same (``post_anyway``), which the
audit trail keeps. A page starts an import as a background task (``tasks``).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from s75.core.users import acting_user
from s75.jobs.progress import POSTING, Progress, no_progress

from . import bulk
from .import_checks import (
    COLUMN_MAPPING,
    Problem,
    Problems,
    add_repeated_source_ids,
    budget_problems,
    check_into,
    check_plan,
    problems_in_order,
)
from .import_files import FileFacts, LedgerFileError, file_facts
from .import_posting import (
    Held,
    Refused,
    ScheduleTotal,
    posted_before,
    posted_before_problem,
    schedule_totals,
    staged_rows_post,
)
from .mappings import column_mapping_problems, mappings_version
from .models import ColumnMapping, Fund, ImportStatus, LedgerImport
from .services import LedgerError

logger = logging.getLogger(__name__)

POSTED = "posted"
REJECTED = "rejected"
CHECKED = "checked"  # a dry run that found no problem
HELD = "held"  # every row good, but lines fall in a year with no budget: posted only when someone says why


@dataclass
class ImportOutcome:
    status: str
    filename: str
    mapping_name: str = ""
    dry_run: bool = False
    rows_total: int = 0
    rows_posted: int = 0
    rows_already_posted: int = 0
    total_pence: int = 0
    totals: list[ScheduleTotal] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problems_not_listed: int = 0
    ledger_import: LedgerImport | None = None
    sha256: str = ""  # of the file checked, so that the same file is posted after a dry run
    mappings: dict[str, str] = field(default_factory=dict)  # the mappings' versions it was checked with

    @property
    def ok(self) -> bool:
        return self.status not in {REJECTED, HELD}

    def set_totals(self, totals: list[ScheduleTotal]) -> None:
        self.totals = totals
        self.rows_posted = sum(total.rows for total in totals)
        self.total_pence = sum(total.pence for total in totals)

    def as_dict(self) -> dict:
        return {
            "status": self.status, "filename": self.filename, "mapping_name": self.mapping_name,
            "dry_run": self.dry_run, "rows_total": self.rows_total, "rows_posted": self.rows_posted,
            "rows_already_posted": self.rows_already_posted, "total_pence": self.total_pence,
            "totals": [total.as_dict() for total in self.totals],
            "problems": [problem.as_dict() for problem in self.problems],
            "problems_not_listed": self.problems_not_listed,
            "ledger_import_id": self.ledger_import.pk if self.ledger_import else None,
            "sha256": self.sha256, "mappings": self.mappings,
        }


def ledger_imports(*, fund: Fund):
    """The fund's import history, newest first, with who made each import."""
    return fund.imports.select_related("created_by").order_by("-started_at", "-id")


def ledger_import(
    *, actor, fund: Fund, path: Path | str, mapping: ColumnMapping, dry_run: bool = False,
    post_anyway: str = "", progress: Progress | None = None, filename: str | None = None,
    on_posted: Callable[[LedgerImport], None] | None = None,
) -> ImportOutcome:
    """Check a general-ledger file and post it to the fund whole, or post nothing and say every problem.

    With ``dry_run`` nothing is posted or recorded: the outcome has the totals per schedule and period that the
    file would post, or its problems. A file with lines in a year that has no budget is held (posts nothing, with
    the totals and why) unless ``post_anyway`` says why it should post all the same. ``on_posted`` is called with
    the import's record inside the transaction that posts the file, to record alongside it that it was posted.
    """
    path = Path(path)
    filename = (filename or path.name)[:300]
    progress = progress or no_progress
    post_anyway = post_anyway.strip()
    started_at = timezone.now()
    outcome = ImportOutcome(status=REJECTED, filename=filename, mapping_name=mapping.name, dry_run=dry_run,
                            mappings=mappings_version(fund=fund, mapping=mapping))
    problems = Problems()
    if mapping.fund_id != fund.pk:
        raise LedgerError([f"the mapping {mapping.name!r} belongs to another fund"])
    for reason in column_mapping_problems(mapping.columns):
        problems.add(None, "", "", f"the mapping {mapping.name!r} cannot be used: {reason}", COLUMN_MAPPING,
                     mapping.pk)
    try:
        facts = file_facts(path, filename)
    except LedgerFileError as exc:
        problems.add(None, "", "", str(exc))
        return _rejected(outcome, problems, actor, fund, None, started_at)
    outcome.sha256 = facts.sha256
    earlier = posted_before(fund, facts.sha256)
    if earlier is not None:
        outcome.problems = [posted_before_problem(earlier)]
        return _rejected(outcome, None, actor, fund, facts, started_at)
    if problems:
        return _rejected(outcome, problems, actor, fund, facts, started_at)

    plan = check_plan(fund)
    with bulk.Stage() as stage:
        checker = check_into(stage, path, facts, mapping, plan, problems, progress)
        outcome.rows_total = checker.rows if checker else 0
        unmapped = []
        if checker is not None:
            unmapped = checker.unmapped_problems()
            if checker.rows == 0 and not problems and not unmapped:
                problems.add(None, "", "", "the file has its headings but no rows below them, so there is "
                                             "nothing to post: export the ledger's lines again")
            # A file found good otherwise is posted without looking for a repeated source line id first: the
            # database refuses the second of two, and then the rows are looked for.
            if checker.has_source_ids and (problems or unmapped or dry_run) and not problems.not_listed:
                add_repeated_source_ids(problems, stage, mapping)
        if problems or unmapped:
            return _rejected(outcome, problems_in_order(problems, unmapped), actor, fund, facts, started_at)
        if dry_run:
            outcome.rows_already_posted = stage.mark_already_posted(fund_id=fund.pk) if checker.has_source_ids else 0
            staged = stage.totals()
            outcome.set_totals(schedule_totals(staged, plan))
            held = [] if post_anyway else budget_problems(fund, plan, staged)
            outcome.status, outcome.problems = (HELD, held) if held else (CHECKED, [])
            return outcome
        progress(checker.rows, checker.rows, POSTING)
        try:
            with transaction.atomic():
                posted = staged_rows_post(stage=stage, checker=checker, plan=plan, actor=actor, fund=fund,
                                          facts=facts, mapping=mapping, filename=filename, started_at=started_at,
                                          post_anyway=post_anyway)
                if on_posted is not None:
                    on_posted(posted.record)
        except Held as held:
            outcome.set_totals(held.totals)
            outcome.rows_already_posted = held.rows_already_posted
            outcome.status, outcome.problems = HELD, held.problems
            return outcome
        except Refused as refused:
            outcome.problems = refused.problems
            return _rejected(outcome, None, actor, fund, facts, started_at)
        except IntegrityError as exc:
            if checker.has_source_ids:
                add_repeated_source_ids(problems, stage, mapping)
            if problems:
                return _rejected(outcome, problems_in_order(problems, []), actor, fund, facts, started_at)
            logger.warning("Import of %s into fund %s refused by the database: %s", filename, fund.pk, exc)
            outcome.problems = [Problem(None, "", filename, (
                "another posting to the fund took some of this file's source line ids while it was being "
                "imported, so nothing was posted: import the file again"))]
            return _rejected(outcome, None, actor, fund, facts, started_at)
    outcome.set_totals(posted.totals)
    outcome.rows_already_posted = posted.rows_already_posted
    outcome.ledger_import = posted.record
    outcome.status = POSTED
    return outcome


def _rejected(outcome: ImportOutcome, problems: Problems | None, actor, fund: Fund, facts: FileFacts | None,
              started_at: datetime) -> ImportOutcome:
    """Finish a rejected outcome; unless it was a dry run, keep it in the import history (its own transaction)."""
    if problems is not None:
        outcome.problems, outcome.problems_not_listed = problems.listed, problems.not_listed
    outcome.status = REJECTED
    outcome.rows_posted = outcome.rows_already_posted = outcome.total_pence = 0
    outcome.totals = []
    if outcome.dry_run:
        return outcome
    stored = [problem.as_dict() for problem in outcome.problems]
    if outcome.problems_not_listed:
        stored.append(Problem(None, "", "", f"and {outcome.problems_not_listed:,} more problems not listed").as_dict())
    with transaction.atomic():
        outcome.ledger_import = LedgerImport.objects.create(
            fund=fund, filename=outcome.filename, sha256=facts.sha256 if facts else "",
            mapping_name=outcome.mapping_name,
            status=ImportStatus.REJECTED, rows_total=outcome.rows_total, problems=stored,
            started_at=started_at, finished_at=timezone.now(), created_by=acting_user(actor),
            modified_by=acting_user(actor),
        )
    return outcome
