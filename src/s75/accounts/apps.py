from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "s75.accounts"
    label = "accounts"

    def ready(self):
        from s75.audit.wording import action_words_register

        from . import signals  # noqa: F401 - connects the sign-in receiver
        from .audit_words import ACCOUNT_WORDS

        action_words_register(*ACCOUNT_WORDS)
