"""Generating the quarterly report and the annual return, as a new version or as a past version drawn again.

A new version reads every figure now (:func:`s75.reports.selectors.report_snapshot`); a reproduction takes a past
version's snapshot as it is. Either way the files are drawn from the snapshot alone, written under
``var/reports/``, and the version is kept with its audit record in one transaction. Pages and the command line
start the work as a background task (``tasks``).
"""

import hashlib
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from s75.audit.services import audit_record
from s75.budgets.selectors import agreement_years
from s75.core.errors import ServiceError
from s75.core.fiscal import Quarter
from s75.core.users import person_name
from s75.jobs.progress import FINISHED, Progress, no_progress
from s75.ledger.models import Fund

from .models import ReportFormat, ReportVersion
from .rendering import paper_pdf, paper_xlsx
from .selectors import report_next_number, report_snapshot, reports_dir

COLLECTING, DRAWING_PDF, WRITING_XLSX, KEEPING = "collecting", "pdf", "xlsx", "keeping"
STAGE_TEXT = {
    "queued": "Waiting to start",
    COLLECTING: "Reading the figures from the ledger and the monitoring report",
    DRAWING_PDF: "Drawing the PDF",
    WRITING_XLSX: "Writing the Excel workbook",
    KEEPING: "Keeping the new version",
    FINISHED: "Finished",
}
RENDERERS: dict[str, Callable[[dict], bytes]] = {ReportFormat.PDF: paper_pdf, ReportFormat.XLSX: paper_xlsx}
ATTEMPTS = 3  # another version of the same quarter kept while this one was drawn takes its number: draw again


class ReportError(ServiceError):
    """A paper that cannot be made as asked; ``problems`` says why."""


class _NumberTaken(Exception):
    pass


def checked_formats(fund: Fund, quarter: Quarter, formats: Sequence[str]) -> list[str]:
    """The formats asked for, in their order; ``ReportError`` when none or an unknown one is asked, or the quarter
    is not in the agreement's years."""
    wanted = [fmt for fmt in ReportFormat.values if fmt in formats]
    if not wanted or len(wanted) != len(set(formats)):
        raise ReportError("choose the formats from PDF and Excel (pdf, xlsx)", field="formats")
    if quarter.year not in agreement_years(agreement=fund.agreement):
        raise ReportError(f"{fund.agreement} has no financial year {quarter.year.label}", field="quarter")
    return wanted


def report_version_create(*, actor, fund: Fund, quarter: Quarter, formats: Sequence[str],
                          progress: Progress = no_progress) -> ReportVersion:
    """A new version of the fund's paper for the quarter, from the figures as they stand now."""
    formats = checked_formats(fund, quarter, formats)
    for _ in range(ATTEMPTS):
        number = report_next_number(fund=fund, quarter=quarter)
        progress(0, len(formats) + 2, COLLECTING)
        snapshot = report_snapshot(fund=fund, quarter=quarter, version=number, prepared_on=timezone.localdate(),
                                   generated_by=person_name(actor))
        try:
            return _keep(actor=actor, fund=fund, quarter=quarter, number=number, snapshot=snapshot, formats=formats,
                         reproduces=None, progress=progress)
        except _NumberTaken:
            continue
    raise ReportError("other versions of the same paper were being made at the same time: try again")


def report_version_reproduce(*, actor, version: ReportVersion, progress: Progress = no_progress) -> ReportVersion:
    """The past ``version`` drawn again from its snapshot, kept as a new version that says so: the same figures
    whatever has been posted since."""
    for _ in range(ATTEMPTS):
        number = report_next_number(fund=version.fund, quarter=version.period)
        try:
            return _keep(actor=actor, fund=version.fund, quarter=version.period, number=number,
                         snapshot=version.snapshot, formats=version.formats, reproduces=version, progress=progress)
        except _NumberTaken:
            continue
    raise ReportError("other versions of the same paper were being made at the same time: try again")


def _keep(*, actor, fund: Fund, quarter: Quarter, number: int, snapshot: dict, formats: Sequence[str],
          reproduces: ReportVersion | None, progress: Progress) -> ReportVersion:
    steps = len(formats) + 2
    folder = reports_dir() / f"fund-{fund.pk}"
    written: dict[str, tuple[Path, str]] = {}
    try:
        for done, fmt in enumerate(formats, start=1):
            progress(done, steps, DRAWING_PDF if fmt == ReportFormat.PDF else WRITING_XLSX)
            content = RENDERERS[fmt](snapshot)
            path = folder / f"{quarter.year.label}-Q{quarter.number}-{uuid.uuid4().hex}.{fmt}"
            written[fmt] = (path, hashlib.sha256(content).hexdigest())
            _file_write(path, content)
        progress(steps - 1, steps, KEEPING)
        with transaction.atomic():
            Fund.objects.select_for_update().get(pk=fund.pk)  # one version number at a time per fund
            if report_next_number(fund=fund, quarter=quarter) != number:
                raise _NumberTaken
            files = {f"{fmt}_file": str(path.relative_to(reports_dir())) for fmt, (path, _) in written.items()}
            hashes = {f"{fmt}_sha256": sha for fmt, (_, sha) in written.items()}
            version = ReportVersion.objects.create(
                fund=fund, financial_year=quarter.year.start_year, quarter=quarter.number, number=number,
                snapshot=snapshot, reproduces=reproduces,
                created_by=actor if getattr(actor, "is_authenticated", False) else None, **files, **hashes,
            )
            audit_record(
                actor=actor, action="report_version_create", obj=version, agreement=fund.agreement,
                after={"quarter": quarter.label, "number": number, "formats": list(written),
                       "reproduces": reproduces.number if reproduces else None, **hashes},
            )
    except BaseException:
        for path, _ in written.values():
            path.unlink(missing_ok=True)
        raise
    return version


def _file_write(path: Path, content: bytes) -> None:
    """Write the file whole, or refuse saying why (a full disk, a folder the server may not write to); the caller
    removes what was written of it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as error:
        raise ReportError(
            f"the report's file could not be written to the reports folder ({error.strerror or error}): no version "
            "was kept; ask the system's administrators to free space there (or let the server write to it), then "
            "make the report again"
        ) from error
