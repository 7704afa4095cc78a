"""What the Better Care Fund commands share: the plan a command acts on."""

from django.core.management.base import CommandError

from s75.bcf.models import Plan
from s75.bcf.selectors import plan_get


def command_plan(user, wanted: str) -> Plan:
    """The plan with this id, if ``user`` (``None``: the system operator) may see it; else a ``CommandError``."""
    if not str(wanted).isdigit():
        raise CommandError(f"{wanted!r} is not a plan id: give the number shown on the plan's page.")
    try:
        return plan_get(user=user, pk=int(wanted))
    except Plan.DoesNotExist as exc:
        raise CommandError(f"No Better Care Fund plan {wanted} was found.") from exc
