"""Contributions: money a partner puts into a schedule for a financial year, by funding stream, in pence."""

from django.db import models
from django.db.models import Q

from s75.core.fiscal import FinancialYear
from s75.core.models import TrackedModel


class FundingStream(models.Model):
    """A source of money, e.g. the NHS minimum contribution or the Disabled Facilities Grant."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    is_better_care_fund = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contribution(TrackedModel):
    schedule = models.ForeignKey("agreements.Schedule", on_delete=models.PROTECT, related_name="contributions")
    party = models.ForeignKey("agreements.Party", on_delete=models.PROTECT, related_name="contributions")
    financial_year = models.PositiveSmallIntegerField(help_text="The calendar year the financial year starts in.")
    funding_stream = models.ForeignKey(FundingStream, on_delete=models.PROTECT, related_name="contributions")
    amount_pence = models.BigIntegerField()

    class Meta:
        ordering = ["schedule__number", "party__position", "financial_year", "funding_stream__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "party", "financial_year", "funding_stream"], name="contribution_unique"
            ),
            models.CheckConstraint(condition=Q(amount_pence__gte=0), name="contribution_not_negative"),
            models.CheckConstraint(
                condition=Q(financial_year__gte=1990) & Q(financial_year__lte=2100), name="contribution_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} → {self.schedule.title} {self.year.label} ({self.funding_stream})"

    @property
    def year(self) -> FinancialYear:
        return FinancialYear(self.financial_year)
