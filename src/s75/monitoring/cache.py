"""The fund dashboard kept in Django's cache (settings ``CACHES``), so that readers of a fund of a million ledger
lines do not each redraw its report, trend and charts, nor each read the fund, its partners, its years and its
commentary again.

Everything is kept under the version of what it is drawn from (``selectors.monitoring_inputs_version``), which a
request reads first, in one query: the page after a posting, a forecast, a consent decision or any other change is
drawn afresh, so what is kept is never stale, and what was kept under an older version is simply never asked for
again (the cache drops it when full or after a day). Nothing kept depends on the reader but their rights, which are
part of the key of the page's parts: whether the reader may see the fund at all is decided on every request.

The key also holds a digest of the product's own code and templates (``drawing``), so that a release that draws the
page differently (a new chart, another way of writing money) never serves what an older release kept in a shared
cache such as Redis.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache as once
from hashlib import blake2b
from pathlib import Path

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from s75.core.fiscal import FinancialYear
from s75.ledger.models import Fund

from .selectors import (
    MonthCommentary,
    monitoring_commentary,
    monitoring_inputs_version,
    monitoring_latest_period,
    monitoring_years,
)

KEEP_SECONDS = 24 * 60 * 60


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


def code_digest(root: Path) -> str:
    """A digest of the names and contents of the Python files and templates under ``root``."""
    digest = blake2b(digest_size=8)
    for path in sorted(path for pattern in ("*.py", "*.html") for path in root.rglob(pattern)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@once
def drawing() -> str:
    """The digest of this release of s75's code and templates, read once per process."""
    return code_digest(Path(__file__).resolve().parent.parent)


def _key(kind: str, *parts) -> str:
    return f"monitoring:{kind}:{drawing()}:{blake2b(repr(parts).encode(), digest_size=16).hexdigest()}"


def kept_fund(*, fund_id: int) -> KeptFund | None:
    """The fund ``fund_id`` as of the current version of its data, from the cache or else read and kept; None if
    there is no such fund. Whoever asks must still decide whether the reader may see it."""
    version = monitoring_inputs_version(fund_id=fund_id)  # read first: see its docstring
    if version is None:
        return None
    key = _key("fund", fund_id, version)
    kept = cache.get(key)
    if kept is None:
        fund = Fund.objects.select_related("agreement").get(pk=fund_id)
        kept = KeptFund(
            fund, version, frozenset(fund.agreement.parties.values_list("organisation_id", flat=True)),
            monitoring_years(fund=fund), monitoring_latest_period(agreement=fund.agreement),
            monitoring_commentary(agreement=fund.agreement),
        )
        cache.set(key, kept, KEEP_SECONDS)
    return kept


def dashboard_parts(*, kept: KeptFund, variant: tuple, render: Callable[[], tuple[str, ...]]) -> tuple[SafeString, ...]:
    """The parts of the fund's dashboard page for ``variant`` (the month and the reader's rights), from the cache or
    else drawn by ``render`` and kept. ``render`` must not use the request: the parts are shared."""
    key = _key("dashboard", kept.fund.pk, variant, kept.version)
    parts = cache.get(key)
    if parts is None:
        parts = render()
        cache.set(key, parts, KEEP_SECONDS)
    return tuple(mark_safe(part) for part in parts)  # drawn by our own templates, which escaped them
