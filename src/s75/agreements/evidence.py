"""The hook through which the agreements app asks whether a board decision is evidence for an act on an agreement.

A partner's approval, a lifecycle move, a variation or a renewal may cite the board decision that authorised it.
Decisions belong to governance, which sits above agreements in the layers (``docs/architecture.md``): governance
registers its rules here when Django loads it (``GovernanceConfig.ready``), so that this app never imports it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class EvidenceRules:
    # (decision=, agreement=, on=, act=) → what stops the decision authorising ``act`` on ``on``; empty when it does
    unmet: Callable[..., list[str]]
    # (agreement=) → the decisions that may be cited as evidence for acts on it (their dates are checked by the act)
    citable: Callable[..., QuerySet]


_registered: list[EvidenceRules] = []


def evidence_rules_register(rules: EvidenceRules) -> None:
    """Make ``rules`` the ones every act on an agreement applies to a cited decision (once, when Django loads)."""
    _registered[:] = [rules]


def _rules() -> EvidenceRules:
    if not _registered:
        raise ImproperlyConfigured("no app has registered the rules for decisions cited as evidence: "
                                   "s75.governance must be in INSTALLED_APPS")
    return _registered[0]


def decision_evidence_unmet(*, decision: Model, agreement: Model, on: date, act: str) -> list[str]:
    """What stops ``decision`` authorising ``act`` (e.g. "the approval") on ``agreement`` on ``on``."""
    return _rules().unmet(decision=decision, agreement=agreement, on=on, act=act)


def decisions_citable(*, agreement: Model) -> QuerySet:
    """The decisions a page offers to cite as evidence for an act on ``agreement``."""
    return _rules().citable(agreement=agreement)
