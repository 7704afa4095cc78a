"""Reads of the organisation register."""

from datetime import date

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


def organisation_lineage_ids(*, organisation: Organisation) -> set[int]:
    """The ids of ``organisation`` and of every organisation it succeeded, directly or through others."""
    ids, frontier = {organisation.pk}, [organisation.pk]
    while frontier:
        frontier = [
            pk
            for pk in Succession.objects.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True)
            if pk not in ids
        ]
        ids.update(frontier)
    return ids


def user_lineage_ids(*, user) -> set[int]:
    """``organisation_lineage_ids`` of the user's organisation (none without one), kept on the user object as Django
    keeps their permissions: a request's user lives for that request, and a page asks for every agreement, partner
    and right it shows."""
    if user.organisation_id is None:
        return set()
    kept = getattr(user, "_lineage_cache", None)
    if kept is None or kept[0] != user.organisation_id:
        kept = user._lineage_cache = (user.organisation_id, organisation_lineage_ids(organisation=user.organisation))
    return kept[1]
