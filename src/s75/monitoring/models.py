"""What the pooled fund manager records each month, and the partners' prior-agreement decisions.

Consent states (derived, never stored; see ``selectors.partner_consent``)::

    within contribution ──► consent required ──► consent given up to £X ──► consent required (when the excess
                                   │                                          grows past £X)
                                   └────────► declined
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from s75.core.models import TrackedModel


class MonitoringSettings(TrackedModel):
    agreement = models.OneToOneField("agreements.Agreement", on_delete=models.CASCADE, related_name="monitoring")
    amber_threshold_percent = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("1.00"),
        help_text="A forecast overspend up to this percentage of budget is amber; above it, red.",
    )

    class Meta:
        verbose_name_plural = "monitoring settings"
        constraints = [
            models.CheckConstraint(condition=Q(amber_threshold_percent__gte=0), name="monitoring_amber_not_negative")
        ]

    def __str__(self) -> str:
        return f"Monitoring of {self.agreement}"


class ForecastMethod(models.TextChoices):
    MANUAL = "manual", "The manager's figure"
    RUN_RATE = "run_rate", "Run rate (actual to date ÷ months × 12)"
    PROFILE = "profile", "Actual to date + the rest of the budget profile"
    COMMITMENTS = "commitments", "Actual to date + the care packages committed to the year end"


class ScheduleYear(TrackedModel):
    """A schedule's monitoring choices for a year: its forecast method and its monthly budget profile."""

    schedule = models.ForeignKey("agreements.Schedule", on_delete=models.CASCADE, related_name="monitoring_years")
    financial_year = models.PositiveSmallIntegerField()
    method = models.CharField(
        max_length=20, choices=ForecastMethod.choices, blank=True,
        help_text="Blank: the manager's figure where one is entered for the month, else the run rate.",
    )
    profile = models.JSONField(
        null=True, blank=True, help_text="Twelve weights, M01 to M12; blank for flat twelfths."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["schedule", "financial_year"], name="schedule_year_once")]

    def __str__(self) -> str:
        return f"{self.schedule} {self.financial_year}"


class ManualForecast(TrackedModel):
    """The manager's forecast outturn for a schedule, as at the end of a month, with the reasons."""

    schedule = models.ForeignKey("agreements.Schedule", on_delete=models.CASCADE, related_name="manual_forecasts")
    financial_year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    amount_pence = models.BigIntegerField()
    commentary = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schedule", "financial_year", "month"], name="manual_forecast_once"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="manual_forecast_month"),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} {self.financial_year} M{self.month:02d}: {self.amount_pence}"


class Commentary(TrackedModel):
    """The manager's commentary on the fund for a month."""

    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.CASCADE, related_name="commentaries")
    financial_year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        verbose_name_plural = "commentaries"
        constraints = [
            models.UniqueConstraint(fields=["agreement", "financial_year", "month"], name="commentary_once")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.financial_year} M{self.month:02d}"


class ConsentDecision(models.TextChoices):
    AGREE = "agree", "Agrees to fund up to an amount"
    DECLINE = "decline", "Declines"


class Consent(TrackedModel):
    """A partner's decision on funding its share of a projected overspend in a year: the latest one counts."""

    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.CASCADE, related_name="consents")
    party = models.ForeignKey("agreements.Party", on_delete=models.PROTECT, related_name="consents")
    financial_year = models.PositiveSmallIntegerField()
    decision = models.CharField(max_length=10, choices=ConsentDecision.choices)
    up_to_pence = models.BigIntegerField(null=True, blank=True)
    decided_on = models.DateField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["decided_on", "id"]
        permissions = [("record_consent", "Record a partner's prior agreement to an overspend")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(decision="agree") & Q(up_to_pence__gt=0)) | (Q(decision="decline") & Q(up_to_pence=None)),
                name="consent_amount_iff_agreed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party}: {self.get_decision_display()}"


class ConsentAlert(models.Model):
    """Each alert sent when a partner's consent state changed, so that a state is alerted once."""

    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.CASCADE, related_name="consent_alerts")
    party = models.ForeignKey("agreements.Party", on_delete=models.PROTECT, related_name="consent_alerts")
    financial_year = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=30)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.JSONField(default=list)

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.party} {self.state}"


class RecoveryPlan(TrackedModel):
    """The manager's plan to restore balance where a partner's contribution is projected to be overspent."""

    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.CASCADE, related_name="recovery_plans")
    party = models.ForeignKey("agreements.Party", on_delete=models.PROTECT, related_name="recovery_plans")
    financial_year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "party", "financial_year"], name="recovery_plan_once")
        ]

    def __str__(self) -> str:
        return f"Recovery plan for {self.party}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class RecoveryAction(TrackedModel):
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    saving_pence = models.BigIntegerField()
    owner = models.CharField(max_length=200)
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [models.CheckConstraint(condition=Q(saving_pence__gt=0), name="recovery_saving_positive")]

    def __str__(self) -> str:
        return self.description


