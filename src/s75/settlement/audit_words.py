"""How the audit trail words the acts of this app's services (registered in ``SettlementConfig.ready``)."""

from s75.audit.values import money_words
from s75.audit.wording import ActionWords, event_object

from .models import OutturnBasis


def _net_payments(value: dict) -> str:
    """Each partner's net payment in words: positive, the host pays the partner; negative, the partner pays it."""
    return "; ".join(
        f"{name} is paid {money_words(amount)} by the host" if amount > 0
        else f"{name} pays the host {money_words(-amount)}" if amount < 0 else f"{name}: no payment"
        for name, amount in value.items()
    )


def _approved(event) -> str:
    approval = event_object(event)
    run = approval.run
    return f"approved the {run.year_label} settlement (version {run.version}) for {approval.party.display_name}"


def _finalised(event) -> str:
    run = event_object(event)
    payments = event.after["payments"]
    text = f"finalised the {run.year_label} settlement (version {run.version})"
    return f"{text}: {'; '.join(payments)}" if payments else f"{text}: no payments between the partners"


SETTLEMENT_WORDS = (
    ActionWords("settlement_run_create", "Settlement worked out", lambda event: (
        f"worked out the {event.after['year']} settlement (version {event.after['version']}) on the "
        f"{OutturnBasis(event.after['outturn']).label.lower()}"
    ), labels={"year": "Financial year", "outturn": "Worked out on", "net_payments_pence": "Payments",
               "unfunded_overspend_pence": "Overspend no partner funds", "reserve_used_pence": "Reserve used"},
        values={"outturn": lambda basis: OutturnBasis(basis).label, "net_payments_pence": _net_payments}),
    ActionWords("settlement_approve", "Settlement approved", _approved, labels={"run": "Settlement", "party": "For"}),
    ActionWords("settlement_finalise", "Settlement finalised", _finalised, labels={
        "run": "Settlement", "settlement_entry": "Settlement journal entry",
        "carry_forward_entry": "Carry-forward journal entry", "payments": "Payments", "notes": "Notes",
    }, values={"settlement_entry": lambda pk: f"entry {pk}", "carry_forward_entry": lambda pk: f"entry {pk}"}),
)
