"""Writes to the clause templates. A change never alters a version: it writes the next one, with an audit record.
The shipped sets are never changed: an organisation's first change copies the shipped set as its own, and only
those who may change that organisation's templates (``may_edit_templates``) change it.

Every path (the template pages, the loader command, the demo) goes through these services.
"""

from dataclasses import dataclass
from importlib import resources

import yaml
from django.core.exceptions import PermissionDenied
from django.db import transaction

from s75.audit.services import audit_record
from s75.core.errors import ServiceError
from s75.organisations.models import Organisation

from .clauses import clause_body_problem
from .models import CLAUSE_KEY, ClauseTemplate, TemplateSet, TemplateSetVersion
from .selectors import STANDARD_SET, may_edit_templates


class TemplateError(ServiceError):
    """A refused change; ``problems`` lists every reason, each in words an editor can act on."""


@dataclass(frozen=True)
class ClauseText:
    key: str
    heading: str
    body: str


def _acting_user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _clause_problems(clauses: list[ClauseText]) -> list[str]:
    problems = []
    keys = [clause.key for clause in clauses]
    for clause in clauses:
        if CLAUSE_KEY.regex.match(clause.key) is None:
            problems.append(f"{clause.key!r}: {CLAUSE_KEY.message}")
        if not clause.heading.strip():
            problems.append(f"{clause.key}: enter the clause's heading")
        problem = clause_body_problem(clause.body)
        if problem:
            problems.append(f"{clause.heading or clause.key}: {problem}")
    problems.extend(f"The key {key!r} is used by more than one clause" for key in sorted(set(keys))
                    if keys.count(key) > 1)
    return problems


def _version_snapshot(version: TemplateSetVersion, clauses: list[ClauseText]) -> dict:
    return {"number": version.number, "note": version.note,
            "clauses": [{"key": c.key, "heading": c.heading, "body": c.body} for c in clauses]}


def _version_create(*, actor, template_set: TemplateSet, number: int, note: str,
                    clauses: list[ClauseText]) -> TemplateSetVersion:
    version = TemplateSetVersion.objects.create(
        template_set=template_set, number=number, note=note, created_by=_acting_user(actor)
    )
    ClauseTemplate.objects.bulk_create([
        ClauseTemplate(version=version, position=position, key=clause.key, heading=clause.heading, body=clause.body)
        for position, clause in enumerate(clauses, start=1)
    ])
    return version


def template_set_install(*, actor, slug: str = STANDARD_SET) -> TemplateSetVersion | None:
    """Install a set shipped with s75 (``data/<slug>.yaml``) as its version 1, if the set is not there yet.

    Returns the new version, or ``None`` when the set already exists (its versions are left as they are).
    """
    with transaction.atomic():
        if TemplateSet.objects.filter(slug=slug, organisation__isnull=True).exists():
            return None
        shipped = yaml.safe_load(resources.files("s75.documents").joinpath(f"data/{slug}.yaml").read_text("utf-8"))
        clauses = [ClauseText(**clause) for clause in shipped["clauses"]]
        problems = _clause_problems(clauses)
        if problems:
            raise TemplateError(problems)
        template_set = TemplateSet.objects.create(slug=slug, name=shipped["name"], description=shipped["description"])
        version = _version_create(actor=actor, template_set=template_set, number=1, note=shipped["note"],
                                  clauses=clauses)
        audit_record(actor=actor, action="template_set_install", obj=version,
                     after=_version_snapshot(version, clauses))
    return version


def _copy_get_or_make(*, actor, organisation: Organisation, slug: str) -> TemplateSet:
    """The organisation's copy of the shipped set ``slug``, locked; made now if it has none: its first version is
    the shipped set's latest, with the same number, so an edit started from the shipped set applies to the copy."""
    shipped = TemplateSet.objects.select_for_update().filter(slug=slug, organisation__isnull=True).first()
    if shipped is None:
        raise TemplateError([f"The clause templates {slug!r} are not installed: run `s75 load-clause-templates`"])
    copy = TemplateSet.objects.select_for_update().filter(slug=slug, organisation=organisation).first()
    if copy is not None:
        return copy
    latest = shipped.versions.order_by("-number").first()
    clauses = [ClauseText(clause.key, clause.heading, clause.body) for clause in latest.clauses.order_by("position")]
    copy = TemplateSet.objects.create(organisation=organisation, slug=slug, name=shipped.name,
                                      description=shipped.description)
    version = _version_create(actor=actor, template_set=copy, number=latest.number, clauses=clauses,
                              note=f"{organisation}'s copy of version {latest.number} as shipped with s75.")
    audit_record(actor=actor, action="template_set_copy", obj=version, after=_version_snapshot(version, clauses))
    return copy


def clause_template_edit(
    *, actor, organisation: Organisation, key: str, heading: str, body: str, note: str, based_on: int,
    slug: str = STANDARD_SET,
) -> TemplateSetVersion:
    """Write the next version of the organisation's set: every clause of its latest version, with clause ``key``
    changed; the organisation's first change copies the shipped set first (in the same step).

    ``based_on`` is the version number the editor started from; when someone has saved a newer version since,
    the change is refused rather than silently undoing theirs.
    """
    if getattr(actor, "is_authenticated", False) and not may_edit_templates(user=actor, organisation=organisation):
        raise PermissionDenied(f"Changing {organisation}'s clause templates needs the permission to edit them, "
                               "as one of its people")
    with transaction.atomic():
        locked = _copy_get_or_make(actor=actor, organisation=organisation, slug=slug)
        latest = locked.versions.order_by("-number").first()
        current = [ClauseText(clause.key, clause.heading, clause.body)
                   for clause in latest.clauses.order_by("position")]
        problems = []
        if latest.number != based_on:
            problems.append(f"Version {latest.number} was saved after you started editing version {based_on}: "
                            "open the clause again to see it")
        if key not in {clause.key for clause in current}:
            problems.append(f"There is no clause {key!r} in {locked}")
        if not note.strip():
            problems.append("Say what changed and why")
        edited = ClauseText(key, heading.strip(), body)
        changed = [edited if clause.key == key else clause for clause in current]
        problems.extend(_clause_problems(changed))
        if not problems and changed == current:
            problems.append("Nothing was changed")
        if problems:
            raise TemplateError(problems)
        version = _version_create(actor=actor, template_set=locked, number=latest.number + 1, note=note.strip(),
                                  clauses=changed)
        before = next(clause for clause in current if clause.key == key)
        audit_record(actor=actor, action="clause_template_edit", obj=version, reason=note.strip(),
                     before={"version": latest.number, "key": key, "heading": before.heading, "body": before.body},
                     after={"version": version.number, "key": key, "heading": edited.heading, "body": body})
    return version
