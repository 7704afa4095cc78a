"""Lead commissioning: the providers a lead commissioner buys from, the contracts it places under a schedule, the
care packages bought under them on a partner's behalf, and the monthly recharges of those packages to the partners.

A package is identified by a pseudonymous reference only: no table here has a field for a person's name, NHS number
or date of birth (a test holds this). A change to a package (a new rate, more hours) is a new
:class:`PackageVersion` from a date; versions are only ever added, never edited, so a posted recharge always
reads the versions it was costed from. A package's end is on the package (its last day and the reason).

A :class:`Recharge` is posted once per agreement, partner and month; it is put right by a correcting entry (its
``reversal``), never changed. A line the partner disputes is a :class:`Dispute`: left out of the month's recharge
and carried to each later statement until resolved.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from s75.core.fiscal import FinancialMonth, FinancialYear
from s75.core.models import TrackedModel


class ProviderType(models.TextChoices):
    HOME_CARE = "home_care", "Care at home"
    RESIDENTIAL = "residential", "Residential care"
    NURSING = "nursing", "Nursing care"
    SUPPORTED_LIVING = "supported_living", "Supported living"
    DAY_SERVICES = "day_services", "Day services"
    OTHER = "other", "Other"


class Provider(TrackedModel):
    """A care provider on a lead commissioner's framework. The Companies House number (eight digits, or two letters
    and six digits) and the CQC provider id (``1-`` and digits) are optional, checked by
    ``services.provider_problems``."""

    name = models.CharField(max_length=300)
    provider_type = models.CharField(max_length=20, choices=ProviderType.choices)
    companies_house_number = models.CharField(max_length=8, blank=True)
    cqc_id = models.CharField("CQC provider id", max_length=20, blank=True)
    framework_lot = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="provider_name_unique"),
            models.UniqueConstraint(fields=["companies_house_number"], condition=~Q(companies_house_number=""),
                                    name="provider_companies_house_unique"),
            models.UniqueConstraint(fields=["cqc_id"], condition=~Q(cqc_id=""), name="provider_cqc_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="provider_named"),
        ]

    def __str__(self) -> str:
        return self.name


class Contract(TrackedModel):
    """A contract placed with a provider under one of an agreement's schedules by the schedule's lead
    commissioner, up to a ceiling value."""

    schedule = models.ForeignKey("agreements.Schedule", on_delete=models.PROTECT, related_name="contracts")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    placed_by = models.ForeignKey("agreements.Party", on_delete=models.PROTECT, related_name="contracts_placed")
    reference = models.CharField(max_length=60)
    start_date = models.DateField()
    end_date = models.DateField()
    ceiling_pence = models.BigIntegerField("ceiling value")

    class Meta:
        ordering = ["schedule", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "reference"], name="contract_reference_unique"),
            models.CheckConstraint(condition=~Q(reference=""), name="contract_has_reference"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="contract_dates_ordered"),
            models.CheckConstraint(condition=Q(ceiling_pence__gt=0), name="contract_ceiling_positive"),
        ]

    def __str__(self) -> str:
        return self.reference


class RateUnit(models.TextChoices):
    HOUR = "hour", "Per hour"
    WEEK = "week", "Per week"
    NIGHT = "night", "Per night"
    BAND = "band", "Per week, by band"


class Rate(models.Model):
    """A contract's price for a unit of care; a band (``unit=band``) is a weekly price with a name."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="rates")
    unit = models.CharField(max_length=10, choices=RateUnit.choices)
    band_name = models.CharField(max_length=100, blank=True)
    pence_per_unit = models.BigIntegerField()

    class Meta:
        ordering = ["contract", "unit", "band_name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "unit", "band_name"], name="rate_once_per_unit"),
            models.CheckConstraint(condition=Q(pence_per_unit__gt=0), name="rate_positive"),
            models.CheckConstraint(condition=Q(unit=RateUnit.BAND, band_name__gt="") | (~Q(unit=RateUnit.BAND)
                                                                                         & Q(band_name="")),
                                   name="rate_band_named_only_for_bands"),
        ]

    def __str__(self) -> str:
        return f"{self.band_name or self.get_unit_display()}: {self.pence_per_unit}p"


class EndReason(models.TextChoices):
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"
    MOVED_SETTING = "moved_setting", "Moved to another setting"
    FUNDING_CHANGED = "funding_changed", "Funding responsibility changed"
    DIED = "died", "Died"
    OTHER = "other", "Other"


class Package(TrackedModel):
    """A person's care package under a contract, known only by its pseudonymous ``reference``. Its cost comes from
    its versions (``costing``); it ends on ``end_date`` (its last day) for ``end_reason``."""

    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.PROTECT, related_name="packages")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="packages")
    reference = models.CharField(max_length=60, help_text="A pseudonymous reference: never a name or NHS number.")
    unit = models.CharField(max_length=10, choices=RateUnit.choices)
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["agreement", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "reference"], name="package_reference_unique"),
            models.CheckConstraint(condition=~Q(reference=""), name="package_has_reference"),
            models.CheckConstraint(condition=Q(end_date__isnull=True, end_reason="")
                                   | Q(end_date__isnull=False, end_reason__gt=""),
                                   name="package_end_has_reason"),
        ]

    def __str__(self) -> str:
        return self.reference


class PackageFunding(models.Model):
    """A partner's share of a package's cost in basis points; a package's shares add up to 10,000 (checked by the
    services, which write them all at once)."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="funding")
    party = models.ForeignKey("agreements.Party", on_delete=models.PROTECT, related_name="packages_funded")
    share_basis_points = models.PositiveIntegerField()

    class Meta:
        ordering = ["package", "party"]
        constraints = [
            models.UniqueConstraint(fields=["package", "party"], name="package_funding_once"),
            models.CheckConstraint(condition=Q(share_basis_points__gte=1) & Q(share_basis_points__lte=10000),
                                   name="package_share_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.party}: {self.share_basis_points}bp"


class PackageVersion(models.Model):
    """The package's terms from ``effective_from`` until the next version's date (or the package's end). Only
    added, never edited."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="versions")
    effective_from = models.DateField()
    pence_per_unit = models.BigIntegerField()
    units_per_week = models.DecimalField(max_digits=7, decimal_places=2)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["package", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["package", "effective_from"], name="package_version_once_a_day"),
            models.CheckConstraint(condition=Q(pence_per_unit__gt=0), name="package_version_rate_positive"),
            models.CheckConstraint(condition=Q(units_per_week__gt=0), name="package_version_units_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.package} from {self.effective_from}"


class Recharge(models.Model):
    """A partner's recharge for a month, posted once to the ledger (``entry``); put right by ``reversal``, a
    correcting entry, after which the month may be posted again."""

    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.PROTECT, related_name="recharges")
    party = models.ForeignKey("agreements.Party", on_delete=models.PROTECT, related_name="recharges")
    financial_year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    total_pence = models.BigIntegerField()
    entry = models.OneToOneField("ledger.JournalEntry", on_delete=models.PROTECT, related_name="recharge")
    reversal = models.OneToOneField("ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="recharge_reversed")
    posted_at = models.DateTimeField(auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agreement", "financial_year", "month", "party"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "party", "financial_year", "month"],
                                    condition=Q(reversal__isnull=True), name="recharge_once_a_month"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="recharge_month"),
            models.CheckConstraint(condition=Q(total_pence__gt=0), name="recharge_total_positive"),
        ]

    def __str__(self) -> str:
        return f"Recharge to {self.party} for {self.financial_year} M{self.month:02d}"


class RechargeLine(models.Model):
    """One line of a posted recharge: a package's version's days in a month (``cost_year``, ``cost_month``: the
    month of a carried disputed line, else the recharge's own), and the partner's share."""

    recharge = models.ForeignKey(Recharge, on_delete=models.CASCADE, related_name="lines")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="recharge_lines")
    version = models.ForeignKey(PackageVersion, on_delete=models.PROTECT, related_name="recharge_lines")
    cost_year = models.PositiveSmallIntegerField()
    cost_month = models.PositiveSmallIntegerField()
    days = models.PositiveSmallIntegerField()
    amount_pence = models.BigIntegerField()

    class Meta:
        ordering = ["recharge", "package", "cost_year", "cost_month", "version"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1) & Q(days__lte=31), name="recharge_line_days"),
            models.CheckConstraint(condition=Q(amount_pence__gte=0), name="recharge_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.package} {self.days} days"


class DisputeOutcome(models.TextChoices):
    OPEN = "", "Not resolved"
    CHARGE = "charge", "Resolved: to be recharged"
    WITHDRAWN = "withdrawn", "Resolved: not recharged"


class Dispute(TrackedModel):
    """A partner's dispute of a package's cost in a month, marked before the month is posted: the line is left
    out of that recharge and carried to each later statement until resolved; one resolved to be charged goes into
    the next recharge posted (``charged_in``)."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="disputes")
    party = models.ForeignKey("agreements.Party", on_delete=models.PROTECT, related_name="recharge_disputes")
    financial_year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    reason = models.TextField()
    outcome = models.CharField(max_length=10, choices=DisputeOutcome.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    charged_in = models.ForeignKey(Recharge, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="disputes_charged")

    class Meta:
        ordering = ["financial_year", "month", "package"]
        constraints = [
            models.UniqueConstraint(fields=["package", "party", "financial_year", "month"], name="dispute_once"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="dispute_month"),
            models.CheckConstraint(condition=~Q(reason=""), name="dispute_has_reason"),
            models.CheckConstraint(condition=Q(outcome="", resolved_at__isnull=True)
                                   | Q(outcome__gt="", resolved_at__isnull=False), name="dispute_resolution_dated"),
            models.CheckConstraint(condition=Q(charged_in__isnull=True) | Q(outcome="charge"),
                                   name="dispute_charged_only_when_resolved_so"),
        ]

    def __str__(self) -> str:
        return f"Dispute of {self.package} for {self.cost_month}"

    @property
    def cost_month(self) -> FinancialMonth:
        return FinancialMonth(FinancialYear(self.financial_year), self.month)
