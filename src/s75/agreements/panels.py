"""The parts of an agreement's pages that apps above agreements fill, and the hook through which they fill them.

The agreement's page links to its financial schedules, year by year, and states its risk-share terms; the page of
the agreement as it stood on a date shows each year's contributions. The years and contributions belong to
budgets and the terms' wording to riskshare, which sit above agreements in the layers (``docs/architecture.md``):
each registers its panel here when Django loads it (its ``AppConfig.ready``), under the name the page's template
reads, so that this app never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PagePanel:
    name: str  # the variable the page's template reads
    # (agreement=) → what the agreement's page shows; None: the panel is not on that page
    detail: Callable[..., object] | None = None
    # (document=) → what the page of the agreement as at a date shows, from its document on that date
    as_at: Callable[..., object] | None = None


_panels: dict[str, PagePanel] = {}


def page_panel_register(panel: PagePanel) -> None:
    """Add ``panel`` to the agreement's pages (once, when Django loads its app)."""
    _panels[panel.name] = panel


def detail_panels(*, agreement) -> dict[str, object]:
    """What each registered panel shows on the agreement's page, by the name its template reads."""
    return {panel.name: panel.detail(agreement=agreement) for panel in _panels.values() if panel.detail}


def as_at_panels(*, document: dict) -> dict[str, object]:
    """What each registered panel shows on the page of the agreement as at a date, from its document then."""
    return {panel.name: panel.as_at(document=document) for panel in _panels.values() if panel.as_at}
