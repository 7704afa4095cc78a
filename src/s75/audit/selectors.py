"""Reads of the audit trail: an agreement's events, narrowed by date, person, kind of change and words."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import AuditEvent
from .wording import SYSTEM, EventInWords, EventsInWords, action_kind, event_in_words

# The person filter's value for events no person made (the demo loader, a scheduled command).
BY_SYSTEM = "system"


@dataclass(frozen=True)
class AuditChoice:
    """What a reader narrowed the trail to; an empty value narrows nothing."""

    since: date | None = None
    until: date | None = None
    person: str = ""
    action: str = ""
    words: str = ""


def audit_events_for_agreement(*, agreement) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(agreement=agreement).select_related("actor")


def audit_trail(*, agreement, choice: AuditChoice) -> Sequence[EventInWords]:
    """The agreement's events that ``choice`` keeps, newest first, each in words.

    Words are looked for in what the page shows of each event (its sentence, kind, labels, values and reason), so
    that "gl-march" or "imported" finds the import that reads so; the other filters are done by the database first.
    """
    events = audit_events_for_agreement(agreement=agreement)
    if choice.since:
        events = events.filter(at__date__gte=choice.since)
    if choice.until:
        events = events.filter(at__date__lte=choice.until)
    if choice.person == BY_SYSTEM:
        events = events.filter(actor__isnull=True)
    elif choice.person:
        events = events.filter(actor_id=choice.person)
    if choice.action:
        events = events.filter(action=choice.action)
    wanted = choice.words.casefold().split()
    if not wanted:
        return EventsInWords(events)
    found = []
    for event in events.iterator(chunk_size=500):
        read = event_in_words(event)
        if all(word in read.searched_text for word in wanted):
            found.append(read)
    return found


def audit_people(*, agreement) -> list[tuple[str, str]]:
    """Who made the agreement's recorded changes, as ``(value, name)`` choices, by name; the system last."""
    events = AuditEvent.objects.filter(agreement=agreement)
    ids = set(events.filter(actor__isnull=False).order_by().values_list("actor_id", flat=True).distinct())
    people = sorted(((str(user.pk), str(user)) for user in get_user_model().objects.filter(pk__in=ids)),
                    key=lambda choice: choice[1].casefold())
    if events.filter(actor__isnull=True).exists():
        people.append((BY_SYSTEM, SYSTEM))
    return people


def audit_kinds(*, agreement) -> list[tuple[str, str]]:
    """The kinds of change recorded on the agreement, as ``(action, kind in words)`` choices, by kind."""
    actions = AuditEvent.objects.filter(agreement=agreement).order_by().values_list("action", flat=True).distinct()
    return sorted(((action, action_kind(action)) for action in actions), key=lambda choice: choice[1])
