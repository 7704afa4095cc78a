"""The hook through which the instalment services have the fund's ledger follow them.

When the agreement has a pooled fund, an instalment's receivable and the money received against it are posted to
the fund's ledger (``s75.ledger.services`` says how). The ledger sits above budgets in the layers
(``docs/architecture.md``): it registers its posting services here when Django loads it (``LedgerConfig.ready``),
so that this app never imports it. Each does nothing while the agreement has no fund: opening it posts what was
recorded before.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class LedgerPostings:
    # (actor=, instalment=) → post the partner's receivable for an instalment just set
    due: Callable[..., object]
    # (actor=, receipt=) → post money just received (and its instalment's receivable, if not yet posted)
    received: Callable[..., object]
    # (actor=, instalment=, reason=) → reverse the instalment's receivable, before the instalment is taken away
    withdrawn: Callable[..., object]


_registered: list[LedgerPostings] = []


def ledger_postings_register(postings: LedgerPostings) -> None:
    """Make ``postings`` the ones every instalment service calls (once, when Django loads the ledger)."""
    _registered[:] = [postings]


def ledger_postings() -> LedgerPostings:
    if not _registered:
        raise ImproperlyConfigured("no app has registered how instalments post to the ledger: s75.ledger must be in "
                                   "INSTALLED_APPS")
    return _registered[0]
