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


class Instalment(TrackedModel):
    """One payment a partner owes the pool for a financial year, due on a date, in pence.

    A partner's instalments for a year split its contributions to the pooled schedules (all streams, or one
    stream) by the largest-remainder method, so they add up to the contributions exactly. ``due_entry`` is the
    ledger entry that raised the receivable (Dr contributions receivable, Cr contributions), once posted.
    """

    party = models.ForeignKey("agreements.Party", on_delete=models.PROTECT, related_name="instalments")
    financial_year = models.PositiveSmallIntegerField(help_text="The calendar year the financial year starts in.")
    number = models.PositiveSmallIntegerField(help_text="1, 2, … in due-date order within the partner's year.")
    due_on = models.DateField()
    amount_pence = models.BigIntegerField()
    funding_stream = models.ForeignKey(
        FundingStream, null=True, blank=True, on_delete=models.PROTECT, related_name="instalments",
        help_text="Blank when the instalment covers every stream of the partner's contributions.",
    )
    due_entry = models.OneToOneField(
        "ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="instalment_due"
    )

    class Meta:
        ordering = ["party__agreement", "financial_year", "party__position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["party", "financial_year", "number"], name="instalment_number_unique"),
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="instalment_amount_positive"),
            models.CheckConstraint(condition=Q(number__gte=1), name="instalment_number_positive"),
            models.CheckConstraint(
                condition=Q(financial_year__gte=1990) & Q(financial_year__lte=2100), name="instalment_year_sane"
            ),
        ]
        indexes = [models.Index(fields=["due_on"], name="instalment_due_on")]

    def __str__(self) -> str:
        return f"{self.party} {self.year.label} instalment {self.number}"

    @property
    def year(self) -> FinancialYear:
        return FinancialYear(self.financial_year)


class Receipt(TrackedModel):
    """Money received from a partner against an instalment, in pence; ``entry`` is its ledger posting
    (Dr cash, Cr contributions receivable) when the agreement has a fund."""

    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="receipts")
    received_on = models.DateField()
    amount_pence = models.BigIntegerField()
    reference = models.CharField(max_length=100, blank=True, help_text="The remittance or bank reference.")
    entry = models.OneToOneField(
        "ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="receipt"
    )

    class Meta:
        ordering = ["instalment", "received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="receipt_amount_positive"),
            models.UniqueConstraint(
                fields=["instalment", "reference"], condition=~Q(reference=""), name="receipt_reference_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Receipt {self.reference or self.pk} for {self.instalment}"
