"""How the audit trail words the acts of this app's services (registered in ``BudgetsConfig.ready``)."""

from s75.audit.values import date_words, money_words, value_words
from s75.audit.wording import ActionWords

from .models import Contribution, Receipt


def _contribution(event, fields: dict) -> str:
    party = value_words(fields["party_id"], name="party_id", model=Contribution)
    schedule = value_words(fields["schedule_id"], name="schedule_id", model=Contribution)
    year = value_words(fields["financial_year"], name="financial_year")
    return f"{party}'s {year} contribution to {schedule}"


def _contribution_set(event) -> str:
    after = event.after
    if event.before and event.before.get("amount_pence") != after["amount_pence"]:
        return (f"changed {_contribution(event, after)} from {money_words(event.before['amount_pence'])} to "
                f"{money_words(after['amount_pence'])}")
    return f"set {_contribution(event, after)} at {money_words(after['amount_pence'])}"


def _instalments(value: list) -> str:
    return "; ".join(f"{date_words(due_on)}: {money_words(amount)}" for due_on, amount in value)


def _receipt(event) -> str:
    after = event.after
    instalment = value_words(after["instalment_id"], name="instalment_id", model=Receipt)
    reference = f" (reference {after['reference']})" if after["reference"] else ""
    return (f"recorded {money_words(after['amount_pence'])} received on {date_words(after['received_on'])} for "
            f"{instalment}{reference}")


CONTRIBUTION_LABELS = {"party_id": "Partner", "schedule_id": "Schedule", "funding_stream_id": "Funding stream"}

BUDGET_WORDS = (
    ActionWords("contribution_set", "Contribution set", _contribution_set, labels=CONTRIBUTION_LABELS),
    ActionWords("contribution_remove", "Contribution removed", lambda event: (
        f"removed {_contribution(event, event.before)} of {money_words(event.before['amount_pence'])}"
    ), labels=CONTRIBUTION_LABELS),
    ActionWords("instalment_set", "Instalments set", lambda event: (
        f"set {event.object_repr}'s instalments for {event.after['year']}: {len(event.after['instalments'])} "
        f"{'' if event.after['pattern'] == 'custom' else event.after['pattern'] + ' '}instalments adding up to "
        f"{money_words(event.after['total_pence'])}"
    ), labels={"year": "Financial year", "pattern": "How often", "total_pence": "Total"},
        values={"instalments": _instalments,
                "funding_stream": lambda stream: "All funding streams" if stream == "all" else stream}),
    ActionWords("instalment_remove", "Instalment removed", lambda event: (
        f"removed {event.object_repr}, due on {date_words(event.before['due_on'])}, of "
        f"{money_words(event.before['amount_pence'])}"
    ), labels={"number": "Instalment number", "due_on": "Due on"}),
    ActionWords("receipt_record", "Receipt recorded", _receipt,
                labels={"instalment_id": "Instalment", "received_on": "Received on"}),
)
