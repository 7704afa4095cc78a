"""Year-end settlement runs: the risk-share terms applied to a fund's year, frozen with their inputs.

A run's states::

    draft ──► final    (when every partner's finance lead has approved the latest draft)

A new draft for the same year is a new version; earlier drafts stay as they were. A final run is never changed
or removed (the database refuses it, on PostgreSQL and on SQLite) and it is the one posted to the ledger.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from s75.core.fiscal import FinancialYear


class SettlementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class OutturnBasis(models.TextChoices):
    ACTUAL = "actual", "Actual spend in the ledger"
    FORECAST = "forecast", "Forecast outturn"


class SettlementRun(models.Model):
    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.PROTECT, related_name="settlement_runs")
    financial_year = models.PositiveSmallIntegerField()
    version = models.PositiveIntegerField()
    outturn_basis = models.CharField(max_length=10, choices=OutturnBasis.choices)
    status = models.CharField(max_length=10, choices=SettlementStatus.choices, default=SettlementStatus.DRAFT)
    inputs = models.JSONField(help_text="Every figure and term the run was computed from, money in pence.")
    results = models.JSONField(help_text="Every figure of DESIGN.md §6 step 6 per partner and schedule, in pence.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    settlement_entry = models.OneToOneField(
        "ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="settlement_run"
    )
    carry_forward_entry = models.OneToOneField(
        "ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="carry_forward_run"
    )

    class Meta:
        ordering = ["agreement", "financial_year", "version"]
        permissions = [
            ("settle_fund", "Compute and propose a fund's year-end settlement"),
            ("approve_settlement", "Approve a partner's year-end settlement"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "financial_year", "version"], name="settlement_version_once"),
            models.UniqueConstraint(
                fields=["agreement", "financial_year"], condition=Q(status="final"), name="settlement_one_final"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", finalised_at=None) | Q(status="final", finalised_at__isnull=False),
                name="settlement_final_has_date",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="settlement_version_positive"),
        ]

    def __str__(self) -> str:
        return f"Settlement {self.year_label} v{self.version} ({self.get_status_display().lower()})"

    @property
    def year_label(self) -> str:
        return FinancialYear(self.financial_year).label


class SettlementApproval(models.Model):
    """A partner's finance lead approving a draft run; the last approval makes the run final."""

    run = models.ForeignKey(SettlementRun, on_delete=models.PROTECT, related_name="approvals")
    party = models.ForeignKey("agreements.Party", on_delete=models.PROTECT, related_name="settlement_approvals")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "party__position"]
        constraints = [models.UniqueConstraint(fields=["run", "party"], name="settlement_approval_once")]

    def __str__(self) -> str:
        return f"{self.party} approved {self.run}"
