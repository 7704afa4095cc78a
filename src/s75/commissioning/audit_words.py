"""How the audit trail words the acts of this app's services (registered in ``CommissioningConfig.ready``)."""

from s75.audit.values import date_words, money_words
from s75.audit.wording import ActionWords

COMMISSIONING_WORDS = (
    ActionWords("provider_create", "Provider added", lambda event: f"added the provider {event.after['name']}"),
    ActionWords("contract_create", "Contract placed", lambda event: (
        f"placed the contract {event.after['reference']}, up to {money_words(event.after['ceiling_pence'])}"
    ), labels={"ceiling_pence": "Ceiling value"}),
    ActionWords("package_create", "Care package placed", lambda event: (
        f"placed the package {event.after['reference']} from {date_words(event.after['effective_from'])}"
    )),
    ActionWords("package_change", "Care package changed", lambda event: (
        f"changed the package {event.after['reference']} from {date_words(event.after['effective_from'])}"
    )),
    ActionWords("package_end", "Care package ended", lambda event: (
        f"ended the package {event.after['reference']} on {date_words(event.after['end_date'])}"
    )),
    ActionWords("recharge_post", "Recharge posted", lambda event: (
        f"posted the recharge of {money_words(event.after['total_pence'])} for {event.after['month']}"
    ), labels={"total_pence": "Total"}),
    ActionWords("recharge_reverse", "Recharge reversed", lambda event: (
        f"reversed the recharge for {event.after['month']}: {event.reason}"
    )),
    ActionWords("dispute_mark", "Recharge line disputed", lambda event: (
        f"disputed the package {event.after['reference']} for {event.after['month']}"
    )),
    ActionWords("dispute_resolve", "Recharge dispute resolved", lambda event: (
        f"resolved the dispute of the package {event.after['reference']} for {event.after['month']}: "
        f"{event.after['outcome']}"
    )),
)
