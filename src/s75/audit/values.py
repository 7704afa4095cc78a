"""A recorded field in plain words: its label ("Amount", not ``amount_pence``) and its value ("£1,234.50", "In force",
"31 March 2014", the related record's name rather than its id).

An audit event keeps its before and after as the JSON its service wrote, with the names of the model's fields. The
model is found by the label the event stored (``object_type``) through Django's app registry, so that this app reads
the choices, verbose names and related records of models above it without importing them. A model or record that is
no longer there still reads: the name is turned into words and the value shown as it was stored.
"""

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from s75.core.fiscal import FinancialYear
from s75.core.money import format_gbp

# Fields that say nothing about the change a reader is looking at: bookkeeping of the row itself, and the agreement
# the trail is already of.
UNSHOWN_FIELDS = frozenset(
    {"id", "created_at", "modified_at", "created_by_id", "modified_by_id", "data_version", "agreement_id"}
)
BLANK = "none"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
_SUFFIXES = ("_pence", "_id")

ValueWords = Callable[[Any], str]


def model_of(object_type: str) -> type[models.Model] | None:
    """The model an event's ``object_type`` (``"agreements.Agreement"``) names, or ``None`` if it is gone."""
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    """The model's own (concrete) field stored under ``name``, by its name or its column's name (``party_id``)."""
    if model is None:
        return None
    return next((field for field in model._meta.concrete_fields if name in (field.name, field.attname)), None)


def words_of_name(name: str) -> str:
    """``"rows_already_posted"`` → ``"Rows already posted"``; ``"up_to_pence"`` → ``"Up to"``."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return capfirst(name.replace("_", " ").strip())


def field_label(model: type[models.Model] | None, name: str, labels: Mapping[str, str]) -> str:
    """The label of field ``name``: the one its action gave it, else the model field's own verbose name where one was
    written, else its name in words."""
    if name in labels:
        return labels[name]
    field = _model_field(model, name)
    verbose = str(getattr(field, "verbose_name", "") or "")
    if field is not None and verbose and verbose != field.name.replace("_", " "):
        return capfirst(verbose)
    return words_of_name(name)


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def value_words(value: Any, *, name: str = "", model: type[models.Model] | None = None) -> str:
    """``value`` of field ``name`` in words: money in pounds, choices by their label, related records by name,
    dates written out, lists and mappings item by item."""
    if is_blank(value):
        return BLANK
    if isinstance(value, bool):
        return "Yes" if value else "No"
    field = _model_field(model, name)
    if field is not None and field.choices and not isinstance(value, list | dict):
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.is_relation and field.many_to_one and name == field.attname:
        return _related_words(field, value)
    money = name.endswith("_pence")
    if isinstance(value, dict):
        return "; ".join(f"{_key_words(key)}: {value_words(item, name=name if money else str(key))}"
                         for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(value_words(item, name=name if money else "") for item in value)
    if isinstance(value, int):
        if money:
            return money_words(value)
        if name in ("financial_year", "year") and 1900 <= value <= 2999:
            return FinancialYear(value).label
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return _text_words(str(value))


def _related_words(field: models.ForeignKey, pk: Any) -> str:
    """The name of the record a stored id points at, as it is now; the id when it is gone."""
    try:
        related = field.related_model._base_manager.filter(pk=pk).first()
    except (TypeError, ValueError):
        related = None
    return str(related) if related is not None else f"number {pk}"


def _key_words(key: Any) -> str:
    """A mapping's key: a field name in words, a name or code as it is."""
    key = str(key)
    return words_of_name(key) if re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", key) else key


def money_words(pence: int) -> str:
    """``£1,234,567.89``, in the one format of money the product has (``core.money``)."""
    return format_gbp(pence, show_pence=True)


def date_words(day: date | str) -> str:
    """``31 March 2014``, from a date or its ISO text."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day.day} {day:%B %Y}"


def _text_words(text: str) -> str:
    """A date or a moment stored as text, written out (a moment in London's time); any other text as it is."""
    try:
        if _DATE.match(text):
            return date_words(date.fromisoformat(text))
        if _DATETIME.match(text):
            moment = datetime.fromisoformat(text)
            moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
            return f"{date_words(moment)}, {moment:%H:%M}"
    except ValueError:
        return text
    return text
