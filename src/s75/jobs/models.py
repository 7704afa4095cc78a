"""A background job: what to do, who asked, and how it ended.

Status: ``queued → running → done`` or ``→ failed``. A job's progress while it runs is not kept here but in a small
file (``progress.py``), because on SQLite the job's own long transaction is the database's one writer.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Job(models.Model):
    kind = models.CharField(max_length=50)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="queued") | Q(started_at__isnull=False), name="job_started_when_not_queued"
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"], name="job_kind_status")]

    def __str__(self) -> str:
        return f"Job {self.pk} ({self.kind}, {self.get_status_display().lower()})"

    @property
    def finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}
