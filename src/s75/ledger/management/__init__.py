"""What the ledger commands share: the fund a command works on, found as the acting user may see it."""

from django.core.management.base import CommandError

from s75.ledger.models import Fund
from s75.ledger.selectors import fund_get


def command_fund(user, wanted: str) -> Fund:
    """The fund with this id, if ``user`` (``None``: the system operator) may see it; else a ``CommandError``."""
    if not str(wanted).isdigit():
        raise CommandError(f"{wanted!r} is not a fund id: give the number shown on the fund's page.")
    try:
        return fund_get(user=user, pk=int(wanted))
    except Fund.DoesNotExist as exc:
        raise CommandError(f"No fund {wanted} was found.") from exc
