"""Fields every table carries (when a row was made and changed, and by whom), and the generation counters."""

from django.conf import settings
from django.db import models


class TrackedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class Generation(models.Model):
    """A counter of changes to data that belongs to no agreement (``core.kept.generation_move``), for versioning
    what pages keep in the cache."""

    name = models.CharField(max_length=50, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} {self.version}"
