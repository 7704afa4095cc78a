"""Agreements, their parties and schedules, the approvals and variations that change them.

Lifecycle (the conditions of each transition live in ``lifecycle.TRANSITIONS``, the one table of them)::

    draft ──► consultation ──► approved ──► in_force ──► ended (expired | terminated | superseded)
      ▲            │              ▲
      └────────────┘              │
      draft ──────────────────────┘   (when a reason why no consultation was needed is recorded)
"""

from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from s75.core.models import TrackedModel
from s75.organisations.selectors import organisation_display_name


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONSULTATION = "consultation", "In consultation"
    APPROVED = "approved", "Approved"
    IN_FORCE = "in_force", "In force"
    ENDED = "ended", "Ended"

class EndReason(models.TextChoices):
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"
    SUPERSEDED = "superseded", "Superseded by a renewal"

class Agreement(TrackedModel):
    reference = models.SlugField(
        max_length=60, help_text="A short reference, unique in its organisation's register, e.g. luton-s75-2013."
    )
    # Whose register the reference is unique in: the organisation of the person who made or loaded the agreement
    # (for the system operator, who has none, the host its file names). Another organisation may use the same
    # reference, so a refusal never says that someone else's agreement has it.
    held_by = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        editable=False,
    )
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)

    basis_s75 = models.BooleanField("Section 75", default=True)
    basis_s76 = models.BooleanField("Section 76", default=False)
    basis_s256 = models.BooleanField("Section 256", default=False)
    pooled_fund = models.BooleanField(default=False)
    lead_commissioning = models.BooleanField(default=False)
    integrated_provision = models.BooleanField(default=False)
    is_better_care_fund = models.BooleanField("Better Care Fund", default=False)

    start_date = models.DateField()
    end_date = models.DateField()
    extension_months_available = models.PositiveSmallIntegerField(
        default=0, help_text="The partners may extend the term by up to this many months."
    )
    renewal_notice_months = models.PositiveSmallIntegerField(
        default=settings.S75_RENEWAL_NOTICE_MONTHS, help_text="Raise a renewal alert this many months before the end."
    )

    status = models.CharField(max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)

    pooled_fund_manager_name = models.CharField(max_length=200, blank=True)
    pooled_fund_manager_title = models.CharField(max_length=200, blank=True)
    pooled_fund_manager_email = models.EmailField(blank=True)

    contribution_variation_terms = models.TextField(
        blank=True, help_text="How contributions may be varied (content checklist b)."
    )
    review_terms = models.TextField(blank=True, help_text="How the agreement is reviewed (checklist f).")
    variation_terms = models.TextField(blank=True, help_text="How the agreement is varied (checklist f).")
    termination_terms = models.TextField(blank=True, help_text="How the agreement is terminated (checklist f).")
    fund_management_terms = models.TextField(
        blank=True, help_text="How the fund is managed and monitored: reports, annual return, audit (checklist g)."
    )
    prior_agreement_clause = models.TextField(
        blank=True, help_text="The clause requiring a partner's prior agreement before its contribution is overspent."
    )

    consultation_closed_on = models.DateField(null=True, blank=True)
    consultation_exemption_reason = models.TextField(
        blank=True, help_text="Why no joint consultation was needed, where none was held."
    )
    renewal_alert_sent_on = models.DateField(null=True, blank=True, editable=False)
    # Moved on by every service that changes what the fund's monitoring dashboard shows, in the same transaction, so
    # that what is kept in the cache under it is never out of date (docs/adr/0004-sessions-and-cache.md).
    data_version = models.PositiveBigIntegerField(default=0, editable=False)
    predecessor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals",
        help_text="The agreement this one renews.",
    )
    renewal_decision = models.ForeignKey(
        "governance.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="authorised_renewals",
        help_text="The recorded board decision, on the agreement this one renews, that authorised the renewal.",
    )

    class Meta:
        ordering = ["title"]
        permissions = [
            ("manage_agreement", "Create and edit agreements, schedules and contributions"),
            ("transition_agreement", "Move an agreement through its lifecycle"),
            ("vary_agreement", "Record a variation to an agreement in force"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["held_by", "reference"], name="agreement_reference_unique_per_register"),
            models.UniqueConstraint(
                fields=["reference"], condition=Q(held_by__isnull=True), name="agreement_reference_unique_unheld"
            ),
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="agreement_term_ordered"),
            models.CheckConstraint(
                condition=Q(basis_s75=True) | Q(basis_s76=True) | Q(basis_s256=True), name="agreement_has_basis"
            ),
            models.CheckConstraint(
                condition=Q(basis_s75=False) | Q(pooled_fund=True) | Q(lead_commissioning=True)
                | Q(integrated_provision=True),
                name="agreement_s75_uses_a_flexibility",
            ),
            models.CheckConstraint(
                condition=(Q(status=AgreementStatus.ENDED) & ~Q(end_reason=""))
                | (~Q(status=AgreementStatus.ENDED) & Q(end_reason="")),
                name="agreement_end_reason_iff_ended",
            ),
            models.CheckConstraint(condition=~Q(predecessor=F("id")), name="agreement_not_own_predecessor"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def legal_bases(self) -> list[str]:
        return [label for flag, label in ((self.basis_s75, "s75"), (self.basis_s76, "s76"), (self.basis_s256, "s256"))
                if flag]

    @property
    def flexibilities(self) -> list[str]:
        return [label for flag, label in ((self.pooled_fund, "pooled fund"), (self.lead_commissioning,
                "lead commissioning"), (self.integrated_provision, "integrated provision")) if flag]

    @property
    def host(self) -> "Party | None":
        return next((party for party in self.parties.all() if party.is_host), None)

class Party(TrackedModel):
    """An organisation's place in an agreement, under the name the agreement gives it."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="parties")
    name_in_agreement = models.CharField(max_length=300)
    is_host = models.BooleanField(default=False)
    requires_prior_agreement = models.BooleanField(
        default=True, help_text="No overspend of this partner's contribution without its prior agreement."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in which the agreement lists the parties.")

    class Meta:
        ordering = ["agreement", "position", "id"]
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="party_once_per_agreement"),
            models.UniqueConstraint(fields=["agreement"], condition=Q(is_host=True), name="party_one_host"),
        ]

    def __str__(self) -> str:
        return self.name_in_agreement

    @cached_property
    def display_name(self) -> str:
        """The partner as pages name it: its name in the agreement, or, once another body has taken on its
        organisation's functions, that body and what it succeeded ("… ICB (formerly NHS Luton CCG)"). Not its
        ``str``: messages, files and statements keep the name the agreement gives it."""
        current = organisation_display_name(organisation=self.organisation)
        return self.name_in_agreement if current == self.organisation.name else current

class FundingType(models.TextChoices):
    POOLED = "pooled", "Pooled"
    ALIGNED = "aligned", "Aligned"
    NON_POOLED = "non_pooled", "Non-pooled"

class Schedule(TrackedModel):
    """One service or scheme in an agreement, with what the regulations ask each to state."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="schedules")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    funding_type = models.CharField(max_length=20, choices=FundingType.choices, default=FundingType.POOLED)
    lead_commissioner = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="schedules_led"
    )
    aims_and_outcomes = models.TextField(blank=True)
    nhs_functions = models.TextField(blank=True, help_text="One NHS function per line.")
    health_related_functions = models.TextField(blank=True, help_text="One health-related function per line.")
    eligible_people = models.TextField(blank=True)
    services = models.TextField(blank=True, help_text="The kinds of service covered.")
    resources = models.TextField(blank=True, help_text="Staff, goods, services or accommodation provided.")

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="schedule_number_unique"),
            models.UniqueConstraint(fields=["agreement", "title"], name="schedule_title_unique"),
        ]

    def __str__(self) -> str:
        return f"Schedule {self.number}: {self.title}"

class Approval(TrackedModel):
    """A party's decision to enter the agreement (its board, cabinet or executive), the evidence for approval."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="approvals")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="approvals")
    decided_on = models.DateField()
    decision_maker = models.CharField(max_length=300, help_text="e.g. Executive, Governing Body, Cabinet.")
    reference = models.CharField(max_length=300, blank=True, help_text="Minute or agenda item reference.")
    decision = models.ForeignKey(
        "governance.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="approvals",
        help_text="The recorded board decision the approval cites as its evidence.",
    )

    class Meta:
        ordering = ["decided_on"]
        constraints = [models.UniqueConstraint(fields=["agreement", "party"], name="approval_once_per_party")]

    def __str__(self) -> str:
        return f"{self.party} approved on {self.decided_on:%d %B %Y}"

class Transition(models.Model):
    """Every lifecycle move, with who made it, when and why. Written only by ``agreement_transition``."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=AgreementStatus.choices)
    to_status = models.CharField(max_length=20, choices=AgreementStatus.choices)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    reason = models.TextField()
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(
        "governance.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="transitions",
        help_text="The recorded board decision that authorised the move.",
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

class Variation(models.Model):
    """A dated change to an agreement in force, with the whole agreement before and after it.

    Number 0 is the agreement as it came into force. Variations are numbered in order of their effective
    dates, so the agreement on any date is the ``document_after`` of the last variation effective by then.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="variations")
    number = models.PositiveSmallIntegerField()
    effective_from = models.DateField()
    description = models.TextField()
    approval_reference = models.CharField(max_length=300, blank=True)
    decision = models.ForeignKey(
        "governance.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="authorised_variations",
        help_text="The recorded board decision that authorised the variation.",
    )
    document_before = models.JSONField(null=True, blank=True)
    document_after = models.JSONField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="variation_number_unique")]

    def __str__(self) -> str:
        return "As commenced" if self.number == 0 else f"Variation {self.number}"

class ExcludedFunction(models.Model):
    """An NHS function that partnership arrangements may not cover (regulations, reg. 6)."""

    name = models.CharField(max_length=200, unique=True)
    keywords = models.CharField(
        max_length=300, help_text="Comma-separated words or phrases; a schedule function naming any is refused."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip().lower() for word in self.keywords.split(",") if word.strip()]

