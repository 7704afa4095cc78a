"""How an audit event reads to a finance officer: a sentence ("Pat Manager imported gl-march.csv: 4,210 lines,
£1,234,567.89") and the fields it changed as a before/after table in plain labels.

Every app's services record events, and nearly every app sits above this one (``docs/architecture.md``): each app
registers the words of the actions its services record when Django loads it (its ``AppConfig.ready`` calls
:func:`action_words_register`), so that this app never imports them. An event still reads when no app registers
its action (a row older than the code) or its stored data no longer fits the sentence: its action is turned into
words, its fields into labels.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from .models import AuditEvent
from .values import UNSHOWN_FIELDS, ValueWords, field_label, is_blank, model_of, value_words, words_of_name

SYSTEM = "The system"


@dataclass(frozen=True)
class ActionWords:
    """The words of one action, registered by the app whose service records it."""

    action: str
    # The kind of change, as the trail's filter offers it: "General-ledger import".
    kind: str
    # What the person did, after their name, from what the event stored: "imported gl-march.csv: 4,210 lines, …".
    says: Callable[[AuditEvent], str]
    # Labels of fields whose model field's name or verbose name does not say what they are.
    labels: Mapping[str, str] = field(default_factory=dict)
    # How a field's value reads, where the general rules of ``values.value_words`` do not fit it.
    values: Mapping[str, ValueWords] = field(default_factory=dict)
    # Fields recorded for the record's sake that are no change a reader looks for (a file's path on the server).
    unshown: frozenset[str] = frozenset()


_registered: dict[str, ActionWords] = {}


def action_words_register(*words: ActionWords) -> None:
    """Give each action its words (once, when Django loads the app that records it)."""
    for one in words:
        _registered[one.action] = one


def registered_actions() -> frozenset[str]:
    return frozenset(_registered)


def action_kind(action: str) -> str:
    """The kind of change an action is, in words: "General-ledger import"; an unregistered action's name in words."""
    words = _registered.get(action)
    return words.kind if words else words_of_name(action)


@dataclass(frozen=True)
class Change:
    """One field an event changed or recorded; ``before`` is ``None`` when the event recorded no earlier value."""

    label: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class EventInWords:
    event: AuditEvent
    who: str
    kind: str
    sentence: str
    changes: list[Change]

    @property
    def has_before(self) -> bool:
        return any(change.before is not None for change in self.changes)

    @property
    def searched_text(self) -> str:
        """Everything the page shows of the event, as the search matches it."""
        parts = [self.sentence, self.kind, self.event.reason, self.event.object_repr]
        parts += [f"{change.label} {change.before or ''} {change.after or ''}" for change in self.changes]
        return " ".join(parts).casefold()


# Helpers for the sentences the apps register.

def listed(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = [item for item in items if item]
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def changed_fields(event: AuditEvent, labels: Mapping[str, str] | None = None) -> str:
    """The labels of the fields the event changed, in lower case: ``"the summary and the end date"``."""
    before, after = _as_fields(event.before), _as_fields(event.after)
    model = model_of(event.object_type)
    names = [name for name in dict.fromkeys([*before, *after])
             if name not in UNSHOWN_FIELDS and before.get(name) != after.get(name)]
    return listed([f"the {_in_sentence(field_label(model, name, labels or {}))}" for name in names]) or "nothing"


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "End date" → "end date"; a name ("Better Care Fund", "ODS code") as it is."""
    words = label.split()
    if words[0].isupper() or any(word[0].isupper() for word in words[1:]):
        return label
    return label[0].lower() + label[1:]


def event_object(event: AuditEvent) -> Any:
    """The record the event is about, as it is now; ``LookupError`` when it is gone (the sentence then falls back to
    the general words)."""
    model = model_of(event.object_type)
    found = model._base_manager.filter(pk=event.object_id).first() if model is not None else None
    if found is None:
        raise LookupError(f"{event.object_type} {event.object_id} is no longer there")
    return found


def actor_name(event: AuditEvent) -> str:
    return str(event.actor) if event.actor_id else SYSTEM


# A sentence reads the event's stored data by name and may look up its record; a row recorded before the data took
# its present shape lacks a key or holds another type, or its record is gone, and then reads in the general words.
_UNFITTING_DATA = (LookupError, TypeError, ValueError, AttributeError)


def event_sentence(event: AuditEvent, words: ActionWords | None = None) -> str:
    who = actor_name(event)
    if words is not None:
        try:
            return f"{who} {words.says(event)}"
        except _UNFITTING_DATA:
            pass
    return f"{who} made a change ({words_of_name(event.action).lower()}): {event.object_repr}"


def event_changes(event: AuditEvent, words: ActionWords | None = None) -> list[Change]:
    """The fields of the event's before and after that differ, or that it recorded, each labelled and in words."""
    before, after = _as_fields(event.before), _as_fields(event.after)
    labels = words.labels if words else {}
    shown_as = words.values if words else {}
    unshown = UNSHOWN_FIELDS | (words.unshown if words else frozenset())
    model = model_of(event.object_type)

    def shown(name: str, value: Any) -> str:
        if name in shown_as:
            try:
                return shown_as[name](value)
            except _UNFITTING_DATA:
                pass
        return value_words(value, name=name, model=model)

    changes = []
    for name in dict.fromkeys([*before, *after]):
        if name in unshown or (name in before and name in after and before[name] == after[name]):
            continue
        if (name not in before and is_blank(after[name])) or (name not in after and is_blank(before[name])):
            continue  # a blank field of a record created or removed: nothing to read
        changes.append(Change(
            label=field_label(model, name, labels),
            before=shown(name, before[name]) if name in before else None,
            after=shown(name, after[name]) if name in after else None,
        ))
    return changes


def _as_fields(value: Any) -> dict:
    if value is None:
        return {}
    return value if isinstance(value, dict) else {"value": value}


def event_in_words(event: AuditEvent) -> EventInWords:
    words = _registered.get(event.action)
    return EventInWords(event=event, who=actor_name(event), kind=action_kind(event.action),
                        sentence=event_sentence(event, words), changes=event_changes(event, words))


class EventsInWords:
    """A query of events that reads each event in words only when it is taken: a page of a paginator, or one by one
    for an export or a search."""

    def __init__(self, events: QuerySet[AuditEvent]):
        self.events = events

    def count(self) -> int:
        return self.events.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [event_in_words(event) for event in self.events[index]]
        return event_in_words(self.events[index])

    def __iter__(self) -> Iterator[EventInWords]:
        for event in self.events.iterator(chunk_size=500):
            yield event_in_words(event)
