"""The parts of an agreement's document that apps above agreements own, and the hook through which they join it.

The agreement file (``docs/agreement-file.md``) holds each schedule's contributions, which belong to budgets, and
the risk-share terms, which belong to riskshare. Both apps sit above agreements in the layers, so each registers
its part here when Django loads it (its ``AppConfig.ready``): how to write the part into the document, how to
check it in a file, and how to load it through its own services. The agreement's document, the file checks and
the loader take every registered part in turn, so that this app never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FilePart:
    key: str  # the part's field: in each schedule (``contributions``) or in the document (``risk_share``)
    in_schedule: bool
    # (owner=, code_of=) → the part's entries, for the schedule or agreement ``owner``; ``code_of`` maps a party's id
    # to its organisation's code, the file's name for it
    write: Callable[..., list]
    # (checks=, path=, entries=) → None: reports each problem through ``checks.add`` (``file_checks.FileChecks``)
    check: Callable[..., None]
    # (loading=, path=, entries=, owner=) → None: loads the entries through the app's services, each inside
    # ``loading.at(path)`` so that a refusal is reported where it lies (``file_loading.Loading``)
    load: Callable[..., None]


_parts: dict[str, FilePart] = {}


def file_part_register(part: FilePart) -> None:
    """Add ``part`` to every agreement document, file check and load (once, when Django loads its app)."""
    _parts[part.key] = part


def file_parts(*, in_schedule: bool) -> list[FilePart]:
    """The registered parts of a schedule (``in_schedule``) or of the document, in the order they were registered."""
    return [part for part in _parts.values() if part.in_schedule == in_schedule]
