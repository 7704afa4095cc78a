"""Reads of the organisation register."""

from datetime import date

from django.db import connections, router
from django.utils import timezone

from .models import Organisation, Succession


def organisation_get_by_code(*, code: str) -> Organisation:
    """The organisation with this ODS or ONS code; ``Organisation.DoesNotExist`` when there is none."""
    code = code.strip()
    match = Organisation.objects.filter(ods_code=code).first() or Organisation.objects.filter(ons_code=code).first()
    if match is None:
        raise Organisation.DoesNotExist(f"no organisation has the code {code!r}")
    return match


def organisation_successors_as_at(*, organisation: Organisation, as_at: date) -> list[Organisation]:
    """Who carries ``organisation``'s functions on ``as_at``: itself, or the end of its succession chain.

    A merger leads several organisations to one; a split leads one to several, so the answer is a list.
    """
    current, seen, result = [organisation], set(), []
    while current:
        org = current.pop(0)
        if org.pk in seen:
            continue
        seen.add(org.pk)
        nexts = [
            s.successor
            for s in Succession.objects.filter(predecessor=org, effective_on__lte=as_at).select_related("successor")
        ]
        if nexts:
            current.extend(nexts)
        elif org not in result:
            result.append(org)
    return result


# The organisation and every one it succeeded, however long the chain (PCT, then CCG, then ICB) and however many
# merged into one, in one statement; UNION rather than UNION ALL stops at an organisation already reached.
_LINEAGE_SQL = """
WITH RECURSIVE lineage(id) AS (
    SELECT id FROM {organisation} WHERE id = %s
    UNION
    SELECT succession.predecessor_id FROM {succession} succession JOIN lineage ON succession.successor_id = lineage.id
)
SELECT id FROM lineage
"""


def organisation_lineage_ids(*, organisation: Organisation) -> set[int]:
    """The ids of ``organisation`` and of every organisation it succeeded, directly or through others. Raw SQL
    because a recursive query has no ORM form, and every page asks for the signed-in user's lineage. Read where the
    ORM would read it (the replica, for a read-only request: s75.core.replica)."""
    with connections[router.db_for_read(Organisation)].cursor() as cursor:
        tables = {"organisation": Organisation._meta.db_table, "succession": Succession._meta.db_table}
        cursor.execute(_LINEAGE_SQL.format(**tables), [organisation.pk])
        return {pk for (pk,) in cursor.fetchall()}


def user_memo(*, user, name: str) -> dict:
    """A dict kept on the user object under ``name`` for what a request has already worked out about the user, as
    Django keeps their permissions: a request's user lives for that request, and a page asks again for every
    agreement, partner and right it shows. It starts empty again if the user's organisation is changed."""
    attribute, organisation_id = f"_s75_{name}", getattr(user, "organisation_id", None)
    kept = getattr(user, attribute, None)
    if kept is None or kept[0] != organisation_id:
        kept = (organisation_id, {})
        setattr(user, attribute, kept)
    return kept[1]


def user_lineage_ids(*, user) -> set[int]:
    """``organisation_lineage_ids`` of the user's organisation (none without one), worked out once per request."""
    if user.organisation_id is None:
        return set()
    kept = user_memo(user=user, name="lineage")
    if "ids" not in kept:
        kept["ids"] = organisation_lineage_ids(organisation=user.organisation)
    return kept["ids"]


def organisation_display_name(*, organisation: Organisation, on: date | None = None) -> str:
    """The name pages give ``organisation``: its own, or, where others have taken on its functions by ``on`` (today),
    theirs and what they succeeded: "NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board (formerly NHS
    Luton CCG)"."""
    successors = organisation_successors_as_at(organisation=organisation, as_at=on or timezone.localdate())
    if successors == [organisation]:
        return organisation.name
    names = [successor.name for successor in successors]
    joined = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return f"{joined} (formerly {organisation.name})"
