"""How the audit trail words this app's acts (registered in ``ApiConfig.ready``)."""

from s75.audit.wording import ActionWords

API_WORDS = (
    ActionWords("api_token_create", "API token", lambda event: f"made the API token ‘{event.after['name']}’"),
    ActionWords("api_token_revoke", "API token", lambda event: f"revoked the API token ‘{event.after['name']}’"),
    ActionWords("ledger_import_request", "General-ledger import",
                lambda event: f"sent {event.after['file']} to be {'checked' if event.after['dry_run'] else 'imported'} "
                              f"through the API token ‘{event.api_token_use.token_name}’"),
)
