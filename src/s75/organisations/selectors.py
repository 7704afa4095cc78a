"""Reads of the organisation register."""

from datetime import date

from django.db import connection

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


# The organisations the anchor selects and every one they succeeded, however long the chain (PCT, then CCG, then ICB)
# and however many merged into one; UNION rather than UNION ALL stops at an organisation already reached.
_LINEAGE_CTE = """
WITH RECURSIVE lineage(id) AS (
    {anchor}
    UNION
    SELECT succession.predecessor_id FROM {succession} succession JOIN lineage ON succession.successor_id = lineage.id
)"""
_LINEAGE_SQL = "{lineage} SELECT id FROM lineage"
_ORGANISATION_ANCHOR = "SELECT id FROM {organisation} WHERE id = %s"


def lineage_cte(*, anchor: str) -> str:
    """``WITH RECURSIVE lineage(id)``: the organisations ``anchor`` (a ``SELECT`` of organisation ids) selects and
    every one they succeeded, in one statement. A recursive query has no ORM form."""
    return _LINEAGE_CTE.format(anchor=anchor, succession=Succession._meta.db_table)


def organisation_lineage_ids(*, organisation: Organisation) -> set[int]:
    """The ids of ``organisation`` and of every organisation it succeeded, directly or through others."""
    anchor = _ORGANISATION_ANCHOR.format(organisation=Organisation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_LINEAGE_SQL.format(lineage=lineage_cte(anchor=anchor)), [organisation.pk])
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


def user_lineage_noted(*, user, ids: set[int]) -> None:
    """Note ``ids`` as the lineage of the user's organisation, read with the user (``accounts.backends``), so that
    ``user_lineage_ids`` need not ask again in this request."""
    if user.organisation_id is not None:
        user_memo(user=user, name="lineage")["ids"] = ids


def user_lineage_ids(*, user) -> set[int]:
    """``organisation_lineage_ids`` of the user's organisation (none without one), worked out once per request."""
    if user.organisation_id is None:
        return set()
    kept = user_memo(user=user, name="lineage")
    if "ids" not in kept:
        kept["ids"] = organisation_lineage_ids(organisation=user.organisation)
    return kept["ids"]
