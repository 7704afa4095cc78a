"""What every piece of background work asked for from a page keeps beside its task: who asked, the task's id, and
why it failed. Each app's run (``ledger.ImportRun``, ``reports.ReportRun``) extends :class:`TaskRun` with what its
task needs."""

from django.conf import settings
from django.db import models


class TaskRun(models.Model):
    """The task's result (state, worker, failure) is the tasks backend's, under ``task_id``; what the run's page shows
    once the task has ended is kept on the run, since not every backend keeps results."""

    task_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    error = models.TextField(blank=True, help_text="Why the task failed, when it raised an error.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
