"""Organisations and the successions between them (PCT → CCG in 2013, CCG → ICB on 1 July 2022)."""

from django.db import models
from django.db.models import Q

from s75.core.models import TrackedModel


class OrganisationKind(models.TextChoices):
    COUNTY_COUNCIL = "county_council", "County council"
    UNITARY_AUTHORITY = "unitary_authority", "Unitary authority"
    METROPOLITAN_DISTRICT = "metropolitan_district", "Metropolitan district"
    LONDON_BOROUGH = "london_borough", "London borough"
    DISTRICT_COUNCIL = "district_council", "District council"
    PCT = "pct", "Primary care trust"
    CCG = "ccg", "Clinical commissioning group"
    ICB = "icb", "Integrated care board"
    NHS_TRUST = "nhs_trust", "NHS trust"
    NHS_ENGLAND = "nhs_england", "NHS England"


NHS_KINDS = frozenset(
    {OrganisationKind.PCT, OrganisationKind.CCG, OrganisationKind.ICB, OrganisationKind.NHS_TRUST,
     OrganisationKind.NHS_ENGLAND}
)
LOCAL_AUTHORITY_KINDS = frozenset(set(OrganisationKind) - NHS_KINDS)

# The generation counter (``core.kept``) that every change to the register moves on: names, kinds, regions, parents
# and successions are read by pages kept in the cache across agreements (the Better Care Fund's national view).
REGISTER_GENERATION = "organisations"


class Organisation(TrackedModel):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=OrganisationKind.choices)
    ods_code = models.CharField("ODS code", max_length=10, null=True, blank=True)
    ons_code = models.CharField("ONS code", max_length=9, null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        help_text="The upper-tier authority of a district, the NHS region of an ICB's area, and so on.",
    )
    region = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["ods_code"], condition=Q(ods_code__isnull=False), name="org_ods_unique"),
            models.UniqueConstraint(fields=["ons_code"], condition=Q(ons_code__isnull=False), name="org_ons_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="org_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_nhs(self) -> bool:
        return self.kind in NHS_KINDS

    @property
    def code(self) -> str:
        return self.ods_code or self.ons_code or ""


class Succession(TrackedModel):
    """``successor`` took on ``predecessor``'s functions from ``effective_on``; merges give several rows."""

    predecessor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="successions_out")
    successor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="successions_in")
    effective_on = models.DateField()

    class Meta:
        ordering = ["effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="succession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d %B %Y})"
