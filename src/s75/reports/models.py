"""The quarterly reports and annual returns a fund has issued, each version kept with the figures it was built from.

A version is never changed or removed (the database refuses both, migration 0002): a new paper is a new version.
Its ``snapshot`` holds every figure of the paper in pence and every word taken from the database, so the paper can
be drawn again from it alone, identical, however many lines have since been posted to the ledger.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from s75.core.fiscal import FinancialYear, Quarter
from s75.jobs.models import TaskRun


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"


class ReportVersion(models.Model):
    fund = models.ForeignKey("ledger.Fund", on_delete=models.PROTECT, related_name="report_versions")
    financial_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(help_text="1 to 3: a quarterly report; 4: the annual return.")
    number = models.PositiveIntegerField(help_text="1, 2, … for the fund's papers of the same quarter.")
    snapshot = models.JSONField(help_text="Every figure (in pence) and word of the paper, as it was drawn.")
    pdf_file = models.CharField(max_length=300, blank=True, help_text="Under the reports folder; blank if not made.")
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    xlsx_file = models.CharField(max_length=300, blank=True, help_text="Under the reports folder; blank if not made.")
    xlsx_sha256 = models.CharField(max_length=64, blank=True)
    reproduces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reproductions",
        help_text="The version whose snapshot this one was drawn from, when it was drawn again.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-financial_year", "-quarter", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "financial_year", "quarter", "number"], name="report_version_once"),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="report_quarter_1_to_4"),
            models.CheckConstraint(condition=Q(number__gte=1), name="report_number_positive"),
            models.CheckConstraint(condition=~Q(pdf_file="") | ~Q(xlsx_file=""), name="report_has_a_file"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.period.label} version {self.number}"

    @property
    def period(self) -> Quarter:
        return Quarter(FinancialYear(self.financial_year), self.quarter)

    @property
    def title(self) -> str:
        return "Annual return" if self.period.is_annual else "Quarterly report"

    @property
    def formats(self) -> list[str]:
        return [fmt for fmt, path in ((ReportFormat.PDF, self.pdf_file), (ReportFormat.XLSX, self.xlsx_file)) if path]


class ReportRun(TaskRun):
    """A paper asked for from a page and made by a background task: for what, and the version it made."""

    fund = models.ForeignKey("ledger.Fund", on_delete=models.PROTECT, related_name="report_runs")
    quarter = models.CharField(max_length=10, help_text="As 2024-25/Q2.")
    formats = models.JSONField(default=list, blank=True, help_text="Of a new version; a reproduction has its own.")
    reproduces = models.ForeignKey(ReportVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(ReportVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text="The version the task made.")

    def __str__(self) -> str:
        return f"Report {self.quarter} for {self.fund_id}"
