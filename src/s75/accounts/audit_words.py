"""How the audit trail words this app's acts (registered in ``AccountsConfig.ready``)."""

from s75.audit.wording import ActionWords

ACCOUNT_WORDS = (
    ActionWords("second_factor_set_up", "Second factor",
                lambda event: f"set up an authenticator app for {event.object_repr}"),
    ActionWords("second_factor_remove", "Second factor",
                lambda event: f"removed the authenticator app of {event.object_repr}"),
)
