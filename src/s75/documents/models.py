"""Clause templates of the agreement document: sets of clauses, each change a new numbered version.

A :class:`TemplateSet` (e.g. "standard") belongs to an organisation, or to none when it is the set shipped with s75
(``data/<slug>.yaml``), which is never edited: an organisation's set is its own copy of the shipped one, made on its
first edit, and the drafts of the agreements it hosts use it. A set holds numbered :class:`TemplateSetVersion` rows;
each version holds the whole list of clauses in order. Editing a clause writes a new version with every clause
copied and the one clause changed, so a document drafted from version 3 can always be drafted again word for word.
Versions and clauses are only ever created (by ``services.py``), never updated or deleted; ``PROTECT`` keeps them
from cascading away.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

CLAUSE_KEY = RegexValidator(r"^[a-z][a-z0-9_]*$", "Use lower-case letters, digits and underscores, e.g. risk_share.")


class TemplateSet(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Whose set this is; none for the set shipped with s75.",
    )
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        permissions = [("edit_clause_templates", "Edit the clause templates of agreement documents")]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="template_set_once_per_organisation"),
            models.UniqueConstraint(fields=["slug"], condition=Q(organisation__isnull=True),
                                    name="template_set_shipped_once"),
        ]

    def __str__(self) -> str:
        return self.name


class TemplateSetVersion(models.Model):
    template_set = models.ForeignKey(TemplateSet, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.TextField(help_text="What changed in this version, and why.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["template_set", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template_set", "number"], name="template_version_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="template_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.template_set} version {self.number}"


class ClauseTemplate(models.Model):
    """One clause of a version: its heading, and a body written in Django's template language."""

    version = models.ForeignKey(TemplateSetVersion, on_delete=models.PROTECT, related_name="clauses")
    position = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=60, validators=[CLAUSE_KEY])
    heading = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="clause_key_once_per_version"),
            models.UniqueConstraint(fields=["version", "position"], name="clause_position_once_per_version"),
        ]

    def __str__(self) -> str:
        return self.heading
