"""The hook through which the lifecycle asks whether an agreement's own consultation, run in s75, is finished.

Consultations belong to the consultations app, which sits above agreements in the layers (``docs/architecture.md``):
it registers its rule here when Django loads it (``ConsultationsConfig.ready``), so that this app never imports it.
An agreement with no consultation in s75 keeps the recorded ``consultation_closed_on`` (or the exemption reason).
"""

from collections.abc import Callable
from datetime import date

from django.db.models import Model

# (agreement=, on=) → None when the agreement has no consultation in s75; else what is unfinished (empty when done)
ConsultationRule = Callable[..., list[str] | None]

_registered: list[ConsultationRule] = []


def consultation_rule_register(rule: ConsultationRule) -> None:
    """Make ``rule`` the one the lifecycle asks about an agreement's consultation (once, when Django loads)."""
    _registered[:] = [rule]


def consultation_unfinished(*, agreement: Model, on: date) -> list[str] | None:
    """What is unfinished of the agreement's consultations in s75 on ``on``; None when it has none (or no app
    registered a rule, so that the agreements app stands alone)."""
    if not _registered:
        return None
    return _registered[0](agreement=agreement, on=on)
