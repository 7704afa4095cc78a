"""Papers made by background tasks: a page records a :class:`ReportRun` and, once that is committed, enqueues the
task that makes the version as the user who asked (a new version, or a past one drawn again from its snapshot)."""

from collections.abc import Sequence

from django_tasks import TaskContext, task

from s75.core.fiscal import Quarter
from s75.core.users import acting_user
from s75.jobs.progress import FINISHED, ProgressCache
from s75.jobs.services import task_run_failure_kept, task_run_start
from s75.ledger.models import Fund

from .models import ReportRun, ReportVersion
from .services import checked_formats, report_version_create, report_version_reproduce


def report_generate_start(*, actor, fund: Fund, quarter: Quarter, formats: Sequence[str]) -> ReportRun:
    """Start making a new version in the background; the run's page shows its progress and then the version."""
    formats = checked_formats(fund, quarter, formats)
    run = ReportRun(fund=fund, quarter=quarter.label, formats=formats, created_by=acting_user(actor))
    return task_run_start(run=run, task=report_make_task)


def report_reproduce_start(*, actor, version: ReportVersion) -> ReportRun:
    """Start drawing a past version again from its snapshot, in the background."""
    run = ReportRun(fund=version.fund, quarter=version.period.label, reproduces=version, created_by=acting_user(actor))
    return task_run_start(run=run, task=report_make_task)


@task(takes_context=True)
def report_make_task(context: TaskContext, *, run_id: int) -> dict:
    """Make the run's version as the user who asked for it; the version, or why it failed, is kept on the run."""
    run = ReportRun.objects.select_related("fund__agreement", "reproduces", "created_by").get(pk=run_id)
    progress = ProgressCache(context.task_result.id)
    with task_run_failure_kept(run):
        if run.reproduces is not None:
            version = report_version_reproduce(actor=run.created_by, version=run.reproduces, progress=progress)
        else:
            version = report_version_create(actor=run.created_by, fund=run.fund, quarter=Quarter.parse(run.quarter),
                                            formats=run.formats, progress=progress)
    ReportRun.objects.filter(pk=run.pk).update(version=version)
    progress(1, 1, FINISHED)
    return {"version_id": version.pk, "number": version.number, "quarter": version.period.label}
