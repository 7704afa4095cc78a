"""The fund dashboard kept in Django's cache (settings ``CACHES``), so that readers of a fund of a million ledger
lines do not each redraw its report, trend and charts, nor each read the fund, its partners, its years and its
commentary again.

Everything is kept under the version of what it is drawn from (``selectors.monitoring_inputs_version``), which a
request reads first, in one query: the page after a posting, a forecast, a consent decision or any other change is
drawn afresh, so what is kept is never stale, and what was kept under an older version is simply never asked for
again (the cache drops it when full or after a day). Nothing kept depends on the reader but their rights, which are
part of the key of the page's parts: whether the reader may see the fund at all is decided on every request.

The keys are ``core.kept``'s, so they also hold a digest of the product's own code and templates.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from s75.core.fiscal import FinancialYear
from s75.core.kept import kept, kept_key
from s75.ledger.models import Fund

from .selectors import (
    MonthCommentary,
    monitoring_commentary,
    monitoring_inputs_version,
    monitoring_latest_period,
    monitoring_years,
)


@dataclass(frozen=True)
class KeptFund:
    """A fund as its dashboard needs it besides the body: with its agreement, the organisations party to the
    agreement (to decide whether the reader sees it), the years it can show, its latest month with figures and the
    commentary of each month, by ``(financial year, month)``."""

    fund: Fund
    version: tuple
    party_organisation_ids: frozenset[int]
    years: list[FinancialYear]
    latest: tuple[FinancialYear, int] | None
    commentary: dict[tuple[int, int], MonthCommentary]


def kept_fund(*, fund_id: int) -> KeptFund | None:
    """The fund ``fund_id`` as of the current version of its data, from the cache or else read and kept; None if
    there is no such fund. Whoever asks must still decide whether the reader may see it."""
    version = monitoring_inputs_version(fund_id=fund_id)  # read first: see its docstring
    if version is None:
        return None

    def draw() -> KeptFund:
        fund = Fund.objects.select_related("agreement").get(pk=fund_id)
        return KeptFund(
            fund, version, frozenset(fund.agreement.parties.values_list("organisation_id", flat=True)),
            monitoring_years(fund=fund), monitoring_latest_period(agreement=fund.agreement),
            monitoring_commentary(agreement=fund.agreement),
        )

    return kept(kept_key("monitoring", "fund", fund_id, version), draw)


def dashboard_parts(*, kept_fund: KeptFund, variant: tuple,
                    render: Callable[[], tuple[str, ...]]) -> tuple[SafeString, ...]:
    """The parts of the fund's dashboard page for ``variant`` (the month and the reader's rights), from the cache or
    else drawn by ``render`` and kept. ``render`` must not use the request: the parts are shared."""
    parts = kept(kept_key("monitoring", "dashboard", kept_fund.fund.pk, variant, kept_fund.version), render)
    return tuple(mark_safe(part) for part in parts)  # drawn by our own templates, which escaped them
