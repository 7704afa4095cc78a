"""Personal API tokens, and which audited events were done through one.

A token is shown once, when it is made; only the SHA-256 of its secret is kept, so that a copy of the database opens
nothing. A token is never deleted: revoking it stamps ``revoked_at``, and the audit trail keeps naming it.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. ‘Finance system nightly upload’.")
    scope = models.CharField(max_length=10, choices=TokenScope.choices)
    # The first characters of the secret, so that its owner can tell their tokens apart; they open nothing alone.
    prefix = models.CharField(max_length=12)
    secret_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="api_token_name_unique_per_user"),
            models.CheckConstraint(condition=Q(expires_at__gt=F("created_at")), name="api_token_expires_later"),
            models.CheckConstraint(condition=Q(scope__in=["read", "write"]), name="api_token_scope_known"),
            models.CheckConstraint(condition=~Q(name=""), name="api_token_named"),
        ]

    def __str__(self) -> str:
        return f"API token ‘{self.name}’"

    @property
    def writes(self) -> bool:
        return self.scope == TokenScope.WRITE


class TokenEvent(models.Model):
    """An audited event done through a token: the audit row says who, this says with which token."""

    event = models.OneToOneField("audit.AuditEvent", on_delete=models.PROTECT, related_name="api_token_use")
    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="events")
    # The token's name when it acted, kept as it was.
    token_name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return f"{self.event} through ‘{self.token_name}’"
