"""The Better Care Fund (DESIGN.md §7): a plan per Health and Wellbeing Board (HWB) area and financial year,
governed by one section 75 agreement and its pooled fund, against the year's national lists.

The lists (sources of funding, scheme types and sub-types, areas of spend, provider types, national conditions,
metrics) are rows of :class:`ListItem` under the year's :class:`BcfYear`, not code: staff add next year's in the
admin or with ``s75 bcf-lists FILE``.

Plan states: ``draft → submitted → assured → in_delivery → closed``, and ``submitted → draft`` when a plan is sent
back; every move and its conditions are in ``lifecycle.py``.
"""

from django.db import models
from django.db.models import F, Q

from s75.core.fiscal import FinancialYear
from s75.core.models import TrackedModel

# The generation counter (``core.kept``) that every change to a year, its lists or an allocation moves on: they belong
# to no agreement, and the national view, kept in the cache, reads them.
REFERENCE_GENERATION = "bcf-reference"


class BcfYear(TrackedModel):
    """The national framework of one financial year: its key dates, and (as ``items``) its lists."""

    financial_year = models.PositiveSmallIntegerField(unique=True, help_text="The calendar year it starts in.")
    framework = models.CharField(max_length=300, help_text="The policy framework and planning requirements.")
    plans_due_on = models.DateField(null=True, blank=True)
    agreements_signed_by = models.DateField("s75 agreements signed by", null=True, blank=True)

    class Meta:
        ordering = ["financial_year"]
        verbose_name = "Better Care Fund year"
        constraints = [
            models.CheckConstraint(
                condition=Q(financial_year__gte=2013) & Q(financial_year__lte=2100), name="bcf_year_sane"
            ),
        ]
        permissions = [
            ("manage_plan", "Prepare and submit Better Care Fund plans and their returns"),
            ("assure_plan", "Assure Better Care Fund plans for NHS England"),
            ("view_national", "See every Better Care Fund plan in England"),
        ]

    def __str__(self) -> str:
        return self.year.label

    @property
    def year(self) -> FinancialYear:
        return FinancialYear(self.financial_year)


class ListName(models.TextChoices):
    SOURCE = "source", "Source of funding"
    SCHEME_TYPE = "scheme_type", "Scheme type"
    SUB_TYPE = "sub_type", "Scheme sub-type"
    AREA_OF_SPEND = "area_of_spend", "Area of spend"
    PROVIDER_TYPE = "provider_type", "Provider type"
    NATIONAL_CONDITION = "national_condition", "National condition"
    METRIC = "metric", "Metric"


class SourceRole(models.TextChoices):
    """What the checks need to know of a source of funding."""

    NHS_MINIMUM = "nhs_minimum", "NHS minimum contribution"
    DFG = "dfg", "Disabled Facilities Grant"
    OTHER = "other", "Other"


class ListItem(TrackedModel):
    """One entry of one of a year's national lists.

    A source of funding names the budgets' funding stream its contributions are recorded under and its role in the
    checks; an area of spend says whether it counts as adult social care; a sub-type belongs to a scheme type; a
    metric has a unit and says whether lower is better.
    """

    year = models.ForeignKey(BcfYear, on_delete=models.PROTECT, related_name="items")
    list = models.CharField(max_length=30, choices=ListName.choices)
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="sub_types",
        help_text="The scheme type a sub-type belongs to.",
    )
    funding_stream = models.ForeignKey(
        "budgets.FundingStream", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The funding stream the agreement's contributions of this source are recorded under.",
    )
    source_role = models.CharField(max_length=20, choices=SourceRole.choices, blank=True)
    is_social_care = models.BooleanField(
        default=False, help_text="An area of spend that counts as adult social care in the NHS minimum check."
    )
    unit = models.CharField(max_length=100, blank=True, help_text="A metric's unit, e.g. per 100,000 people 65+.")
    lower_is_better = models.BooleanField(null=True, blank=True, help_text="For a metric.")

    class Meta:
        ordering = ["year", "list", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "list", "code"], name="bcf_item_code_unique"),
            models.UniqueConstraint(fields=["year", "list", "name"], condition=Q(parent__isnull=True),
                                    name="bcf_item_name_unique"),
            models.UniqueConstraint(fields=["parent", "name"], condition=Q(parent__isnull=False),
                                    name="bcf_sub_type_name_unique"),
            models.CheckConstraint(
                condition=Q(list=ListName.SUB_TYPE, parent__isnull=False) | (~Q(list=ListName.SUB_TYPE)
                                                                             & Q(parent__isnull=True)),
                name="bcf_item_parent_iff_sub_type",
            ),
            models.CheckConstraint(
                condition=Q(list=ListName.SOURCE, funding_stream__isnull=False) & ~Q(source_role="")
                | (~Q(list=ListName.SOURCE) & Q(funding_stream__isnull=True) & Q(source_role="")),
                name="bcf_item_stream_iff_source",
            ),
            models.CheckConstraint(
                condition=Q(list=ListName.METRIC, lower_is_better__isnull=False)
                | (~Q(list=ListName.METRIC) & Q(lower_is_better__isnull=True)),
                name="bcf_item_direction_iff_metric",
            ),
            models.CheckConstraint(condition=Q(is_social_care=False) | Q(list=ListName.AREA_OF_SPEND),
                                   name="bcf_item_social_care_only_area"),
        ]

    def __str__(self) -> str:
        return self.name


class Allocation(TrackedModel):
    """What the national allocations set for one HWB area and year: its NHS minimum contribution and the part of it
    that must go to adult social care at least."""

    hwb = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="bcf_allocations",
                            verbose_name="Health and Wellbeing Board area")
    year = models.ForeignKey(BcfYear, on_delete=models.PROTECT, related_name="allocations")
    nhs_minimum_pence = models.BigIntegerField("NHS minimum contribution")
    asc_minimum_pence = models.BigIntegerField("Required minimum spend on adult social care")

    class Meta:
        ordering = ["year", "hwb__name"]
        constraints = [
            models.UniqueConstraint(fields=["hwb", "year"], name="bcf_allocation_once"),
            models.CheckConstraint(condition=Q(nhs_minimum_pence__gte=0) & Q(asc_minimum_pence__gte=0),
                                   name="bcf_allocation_not_negative"),
            models.CheckConstraint(condition=Q(asc_minimum_pence__lte=F("nhs_minimum_pence")),
                                   name="bcf_allocation_asc_within_minimum"),
        ]

    def __str__(self) -> str:
        return f"{self.hwb} {self.year}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ASSURED = "assured", "Assured"
    IN_DELIVERY = "in_delivery", "In delivery"
    CLOSED = "closed", "Closed"


class Plan(TrackedModel):
    """The BCF plan of one HWB area for one financial year, governed by ``agreement`` and its pooled fund. Its NHS
    partners are the agreement's NHS parties; the HWB chair's sign-off is the board decision ``signed_off_by``."""

    hwb = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="bcf_plans",
                            verbose_name="Health and Wellbeing Board area")
    year = models.ForeignKey(BcfYear, on_delete=models.PROTECT, related_name="plans")
    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.PROTECT, related_name="bcf_plans")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    signed_off_by = models.ForeignKey(
        "governance.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="bcf_plans",
        help_text="The Health and Wellbeing Board's decision, by its chair, approving the plan.",
    )
    narrative = models.TextField(blank=True, help_text="The plan's summary of its approach.")

    class Meta:
        ordering = ["-year__financial_year", "hwb__name"]
        constraints = [
            models.UniqueConstraint(fields=["hwb", "year"], name="bcf_plan_once_per_area_year"),
        ]

    def __str__(self) -> str:
        return f"{self.hwb} Better Care Fund plan {self.year}"

    @property
    def financial_year(self) -> FinancialYear:
        return self.year.year


class Income(TrackedModel):
    """Money a contributing organisation puts into the plan from one source of funding, in pence."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="income")
    source = models.ForeignKey(ListItem, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    amount_pence = models.BigIntegerField()

    class Meta:
        ordering = ["plan", "source__position", "organisation__name"]
        verbose_name_plural = "income"
        constraints = [
            models.UniqueConstraint(fields=["plan", "source", "organisation"], name="bcf_income_once"),
            models.CheckConstraint(condition=Q(amount_pence__gte=0), name="bcf_income_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.source}"


class Commissioner(models.TextChoices):
    LA = "la", "Local authority"
    NHS = "nhs", "NHS"
    JOINT = "joint", "Joint"


class NewOrExisting(models.TextChoices):
    NEW = "new", "New"
    EXISTING = "existing", "Existing"


class ExpenditureLine(TrackedModel):
    """One line of the plan's expenditure: a scheme (or part of one) funded from one source, with the s75 schedule
    whose ledger carries its actual spend. A joint line says the NHS and local authority shares, in per cent."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    scheme_id = models.CharField("scheme ID", max_length=30)
    scheme_name = models.CharField(max_length=300)
    description = models.TextField("brief description", blank=True)
    scheme_type = models.ForeignKey(ListItem, on_delete=models.PROTECT, related_name="+")
    sub_type = models.ForeignKey(ListItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outputs = models.DecimalField("planned outputs", max_digits=12, decimal_places=2, null=True, blank=True)
    output_unit = models.CharField("units", max_length=100, blank=True)
    area_of_spend = models.ForeignKey(ListItem, on_delete=models.PROTECT, related_name="+")
    commissioner = models.CharField(max_length=10, choices=Commissioner.choices)
    nhs_percent = models.DecimalField("% NHS", max_digits=5, decimal_places=2, null=True, blank=True)
    la_percent = models.DecimalField("% LA", max_digits=5, decimal_places=2, null=True, blank=True)
    provider_type = models.ForeignKey(ListItem, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(ListItem, on_delete=models.PROTECT, related_name="+",
                               verbose_name="source of funding")
    planned_pence = models.BigIntegerField("planned expenditure")
    new_or_existing = models.CharField(max_length=10, choices=NewOrExisting.choices)
    schedule = models.ForeignKey("agreements.Schedule", on_delete=models.PROTECT, related_name="bcf_lines")
    passed_to = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The district (housing) council a Disabled Facilities Grant line is passed to.",
    )

    class Meta:
        ordering = ["plan", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "line_number"], name="bcf_line_number_once"),
            models.CheckConstraint(condition=Q(planned_pence__gte=0), name="bcf_line_not_negative"),
            models.CheckConstraint(
                condition=Q(commissioner=Commissioner.JOINT, nhs_percent__gte=0, la_percent__gte=0,
                            nhs_percent__lte=100, la_percent__lte=100)
                & Q(nhs_percent=100 - F("la_percent"))
                | (~Q(commissioner=Commissioner.JOINT) & Q(nhs_percent__isnull=True) & Q(la_percent__isnull=True)),
                name="bcf_line_joint_shares",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.scheme_name}"


class ConditionConfirmation(TrackedModel):
    """The plan's confirmation of one national condition, with its comment."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="conditions")
    condition = models.ForeignKey(ListItem, on_delete=models.PROTECT, related_name="+")
    confirmed = models.BooleanField(default=False)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "condition__position"]
        constraints = [models.UniqueConstraint(fields=["plan", "condition"], name="bcf_condition_once")]

    def __str__(self) -> str:
        return str(self.condition)


class MetricValue(TrackedModel):
    """A metric's planned figure for one quarter of the plan's year, and the actual reported."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="metric_values")
    metric = models.ForeignKey(ListItem, on_delete=models.PROTECT, related_name="+")
    quarter = models.PositiveSmallIntegerField()
    planned = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["plan", "metric__position", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "metric", "quarter"], name="bcf_metric_quarter_once"),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="bcf_metric_quarter_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} Q{self.quarter}"

    @property
    def on_track(self) -> bool | None:
        """Whether the actual meets the plan (``None`` until both are known)."""
        if self.planned is None or self.actual is None:
            return None
        return self.actual <= self.planned if self.metric.lower_is_better else self.actual >= self.planned


class CheckExplanation(TrackedModel):
    """Why a plan is submitted although one of its checks fails (``checks.CHECKS`` names them)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="explanations")
    check_code = models.CharField(max_length=40)
    explanation = models.TextField()

    class Meta:
        ordering = ["plan", "check_code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "check_code"], name="bcf_explanation_once"),
            models.CheckConstraint(condition=~Q(explanation=""), name="bcf_explanation_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.check_code}"
