"""The terms held per agreement (all years, or one year), with optional per-schedule overrides.

The allocation engine that applies them comes with the year-end settlement; the terms are recorded now so
that the agreement file carries them from the start.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from s75.core.models import TrackedModel


class OverspendRule(models.TextChoices):
    CONTRIBUTION_SHARE = "contribution_share", "In proportion to each partner's contribution to the schedule"
    POOL_SHARE = "pool_share", "In proportion to each partner's total contribution to the pool"
    FIXED = "fixed", "In agreed fixed percentages"
    HOST = "host", "Borne by the host partner"
    LEAD_COMMISSIONER = "lead_commissioner", "Borne by the schedule's lead commissioner"


class UnderspendRule(models.TextChoices):
    CONTRIBUTION_SHARE = "contribution_share", "Returned in proportion to each partner's contribution to the schedule"
    POOL_SHARE = "pool_share", "Returned in proportion to each partner's total contribution to the pool"
    FIXED = "fixed", "Returned in agreed fixed percentages"
    CARRY_FORWARD = "carry_forward", "Carried forward in the pool to the next year"
    HOST_RETAINS = "host_retains", "Retained by the host partner"


class RiskShareTerms(TrackedModel):
    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.CASCADE, related_name="risk_share_terms")
    financial_year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Blank: every year.")
    schedule = models.ForeignKey(
        "agreements.Schedule", null=True, blank=True, on_delete=models.CASCADE, related_name="risk_share_overrides",
        help_text="Blank: the whole fund; set: an override for this schedule.",
    )
    overspend_rule = models.CharField(
        max_length=30, choices=OverspendRule.choices, default=OverspendRule.CONTRIBUTION_SHARE
    )
    underspend_rule = models.CharField(
        max_length=30, choices=UnderspendRule.choices, default=UnderspendRule.CONTRIBUTION_SHARE
    )
    offset_first = models.BooleanField(
        default=False, help_text="Meet overspends from other schedules' underspends, then the reserve, first."
    )
    contingency_reserve_pence = models.BigIntegerField(default=0)
    maladministration_borne_by_host = models.BooleanField(
        default=True, help_text="Spend outside the agreement is borne by the host alone."
    )
    recharges_pooled = models.BooleanField(
        default=False, help_text="Care a lead commissioner buys on a partner's behalf and recharges to it is shared "
                                 "as pooled spend; otherwise it is that partner's own.",
    )

    class Meta:
        verbose_name_plural = "risk-share terms"
        constraints = [
            models.UniqueConstraint(
                "agreement", Coalesce("financial_year", 0), Coalesce("schedule", 0), name="riskshare_terms_unique"
            ),
            models.CheckConstraint(
                condition=Q(contingency_reserve_pence__gte=0), name="riskshare_reserve_not_negative"
            ),
        ]

    def __str__(self) -> str:
        scope = self.schedule.title if self.schedule_id else "the fund"
        return f"Risk share for {scope}"


class PartyTerm(models.Model):
    """A partner's fixed percentage and/or its cap on overspend shares, under one set of terms."""

    terms = models.ForeignKey(RiskShareTerms, on_delete=models.CASCADE, related_name="party_terms")
    party = models.ForeignKey("agreements.Party", on_delete=models.CASCADE, related_name="risk_share_terms")
    fixed_percent = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    cap_pence = models.BigIntegerField(null=True, blank=True)
    cap_percent = models.DecimalField(
        max_digits=7, decimal_places=4, null=True, blank=True,
        help_text="Cap as a percentage of the partner's total pooled contribution.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["terms", "party"], name="riskshare_party_once"),
            models.CheckConstraint(
                condition=Q(cap_pence__isnull=True) | Q(cap_percent__isnull=True), name="riskshare_one_kind_of_cap"
            ),
            models.CheckConstraint(condition=Q(cap_pence__isnull=True) | Q(cap_pence__gte=0), name="riskshare_cap_pos"),
            models.CheckConstraint(
                condition=Q(fixed_percent__isnull=True) | (Q(fixed_percent__gte=0) & Q(fixed_percent__lte=100)),
                name="riskshare_fixed_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} under {self.terms}"
