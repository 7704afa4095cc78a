"""Boards, their members and terms of reference, their meetings and papers, and the decisions they record.

A decision is on one agreement (optionally about one of its variations, or the budget, plan or report of a
financial year) and is dated by its meeting. The agreement lifecycle accepts an approved decision as the evidence
for a partner's approval, a lifecycle move or a variation: ``evidence.decision_evidence_unmet`` states the rule.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.deconstruct import deconstructible

from s75.core.fiscal import FinancialYear
from s75.core.models import TrackedModel


@deconstructible
class PaperStorage(FileSystemStorage):
    """Uploaded meeting papers, kept under ``var/governance/papers``; read from the settings each time, so a
    deployment (or a test) that moves ``VAR_DIR`` moves the papers with it. Served only through the paper page,
    which checks the reader may see the meeting."""

    @property
    def base_location(self) -> str:
        return str(Path(settings.VAR_DIR) / "governance" / "papers")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


class BoardKind(models.TextChoices):
    HEALTH_AND_WELLBEING = "health_and_wellbeing", "Health and Wellbeing Board"
    PLACE = "place", "Place or borough-based board"
    INTEGRATION_EXECUTIVE = "integration_executive", "Integration executive"
    JOINT_COMMISSIONING = "joint_commissioning", "Joint commissioning group"


class Board(TrackedModel):
    name = models.CharField(max_length=300, unique=True)
    kind = models.CharField(max_length=30, choices=BoardKind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="boards",
        help_text="The body whose board or committee it is, which keeps its papers and minutes.",
    )
    terms_of_reference = models.TextField(blank=True)
    agreements = models.ManyToManyField(
        "agreements.Agreement", blank=True, related_name="boards", help_text="The agreements the board oversees."
    )

    class Meta:
        ordering = ["name"]
        permissions = [
            ("manage_governance", "Record boards, their members, meetings and papers"),
            ("record_decision", "Record a board's decisions"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:board_detail", args=[self.pk])


class BoardMember(TrackedModel):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, help_text="e.g. Chair, Director of Adult Social Services.")
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="board_members",
        help_text="Blank for a member who represents no body in the register (Healthwatch, the voluntary sector).",
    )
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["board", "from_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=F("from_date")), name="board_member_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"


class Meeting(TrackedModel):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=300, blank=True, help_text="e.g. Extraordinary meeting.")

    class Meta:
        ordering = ["board", "-held_on"]
        constraints = [models.UniqueConstraint(fields=["board", "held_on"], name="meeting_once_a_day")]

    def __str__(self) -> str:
        return f"{self.board}, {self.held_on:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting_detail", args=[self.pk])


class Paper(TrackedModel):
    """A paper for a meeting: an uploaded file, a link to where the body publishes it, or just its title."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=300)
    agenda_item = models.CharField(max_length=50, blank=True)
    file = models.FileField(upload_to="%Y/%m/", storage=PaperStorage(), blank=True, max_length=300)
    url = models.URLField("Link", max_length=500, blank=True)

    class Meta:
        ordering = ["meeting", "agenda_item", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return Path(self.file.name).name if self.file else ""


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    NOTED = "noted", "Noted"


class DecisionSubject(models.TextChoices):
    AGREEMENT = "agreement", "The agreement"
    VARIATION = "variation", "A variation"
    RENEWAL = "renewal", "Renewal"
    TERMINATION = "termination", "Termination"
    BUDGET = "budget", "The budget for a financial year"
    BCF_PLAN = "bcf_plan", "The Better Care Fund plan for a financial year"
    QUARTERLY_REPORT = "quarterly_report", "A quarterly report"
    ANNUAL_RETURN = "annual_return", "The annual return"
    OTHER = "other", "Something else"


# Subjects that belong to one financial year: the decision says which.
YEAR_SUBJECTS = (DecisionSubject.BUDGET, DecisionSubject.BCF_PLAN, DecisionSubject.QUARTERLY_REPORT,
                 DecisionSubject.ANNUAL_RETURN)


class Decision(TrackedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.PROTECT, related_name="decisions")
    subject = models.CharField(max_length=20, choices=DecisionSubject.choices, default=DecisionSubject.AGREEMENT)
    variation = models.ForeignKey(
        "agreements.Variation", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions",
        help_text="The recorded variation the decision is about, if any.",
    )
    financial_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The year a budget, plan or report is for, by the year it starts in."
    )
    quarter = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 to 3; quarter 4 is the annual return."
    )
    summary = models.TextField(help_text="What was decided.")
    outcome = models.CharField(max_length=10, choices=DecisionOutcome.choices)
    minute_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-meeting__held_on", "minute_reference", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject=DecisionSubject.QUARTERLY_REPORT, quarter__isnull=False, quarter__gte=1,
                            quarter__lte=3)
                | (~Q(subject=DecisionSubject.QUARTERLY_REPORT) & Q(quarter__isnull=True)),
                name="decision_quarter_iff_quarterly_report",
            ),
            models.CheckConstraint(
                condition=~Q(subject__in=YEAR_SUBJECTS) | Q(financial_year__isnull=False),
                name="decision_year_for_yearly_subjects",
            ),
            models.CheckConstraint(
                condition=Q(variation__isnull=True) | Q(subject=DecisionSubject.VARIATION),
                name="decision_variation_only_for_variations",
            ),
        ]

    def __str__(self) -> str:
        minute = f", minute {self.minute_reference}" if self.minute_reference else ""
        return f"{self.meeting}{minute}"

    def get_absolute_url(self) -> str:
        return reverse("governance:decision_detail", args=[self.pk])

    @property
    def decided_on(self):
        return self.meeting.held_on

    @property
    def period_label(self) -> str:
        """The financial year (and quarter) the decision is for, e.g. ``2024-25 Q2``; blank when it is for none."""
        if self.financial_year is None:
            return ""
        year = FinancialYear(self.financial_year).label
        return f"{year} Q{self.quarter}" if self.quarter else year
