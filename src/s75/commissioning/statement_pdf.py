"""A partner's recharge statement as a PDF (WeasyPrint), as the settlement's statements are printed.

Each line is a package's days under one version in a month: its reference, contract, the weeks and days, the rate
and units a week, the partner's share and the amount. The lines are grouped so that the totals add up as printed:
the month's own charged lines, then the lines carried from earlier months and resolved to be charged, the two
subtotals making the total recharged; the disputed lines (the month's own and those carried, still open) are
printed after the total, with their own subtotal, as held back.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from s75.core.money import format_percent

from .costing import DAYS_A_WEEK, month_days
from .exports import UNIT_WORDS
from .selectors import LineStatus, Statement, StatementLine


def weeks_and_days(days: int) -> str:
    """``30`` is "4 weeks 2 days", ``7`` "1 week", ``3`` "3 days"."""
    weeks, left = divmod(days, DAYS_A_WEEK)
    parts = [f"{weeks} week{'' if weeks == 1 else 's'}"] if weeks else []
    parts += [f"{left} day{'' if left == 1 else 's'}"] if left or not weeks else []
    return " ".join(parts)


@dataclass(frozen=True)
class LineGroup:
    """A heading, its lines and their subtotal."""

    title: str
    lines: list[StatementLine]

    @property
    def total_pence(self) -> int:
        return sum(line.amount_pence for line in self.lines)

    @property
    def rows(self) -> list[tuple[StatementLine, str, str, str]]:
        """Each line with its weeks and days, its unit in words and the partner's share as a percentage."""
        return [(line, weeks_and_days(line.days), UNIT_WORDS[line.package.unit],
                 format_percent(Decimal(line.share_basis_points) / 100)) for line in self.lines]


def statement_groups(statement: Statement) -> tuple[list[LineGroup], list[LineGroup]]:
    """The groups making the total recharged, and the groups held back as disputed (empty groups left out)."""

    def group(title: str, *statuses: str) -> LineGroup:
        return LineGroup(title, [line for line in statement.lines if line.status in statuses])

    month = f"{month_days(statement.month)[0]:%B %Y}"
    charged = [group(f"Care in {month}", LineStatus.CHARGED),
               group("Carried from earlier months: disputes resolved to be recharged", LineStatus.CARRIED_CHARGED)]
    held = [group(f"Disputed lines of {month}", LineStatus.DISPUTED),
            group("Carried from earlier months: disputes still open", LineStatus.CARRIED_DISPUTED)]
    return [found for found in charged if found.lines], [found for found in held if found.lines]


def statement_pdf(*, statement: Statement) -> bytes:
    charged, held = statement_groups(statement)
    first, last = month_days(statement.month)
    placed_by = {line.package.contract.placed_by_id for line in statement.lines}
    lead = [party.name_in_agreement for party in statement.agreement.parties.filter(pk__in=placed_by)]
    html = render_to_string("commissioning/statement_pdf.html", {
        "statement": statement, "agreement": statement.agreement, "month": statement.month, "first": first,
        "last": last, "charged": charged, "held": held, "lead_commissioners": lead,
        "generated_at": timezone.now(),
    })
    return HTML(string=html).write_pdf()
