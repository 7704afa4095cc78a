from django.apps import AppConfig


class SettlementConfig(AppConfig):
    name = "s75.settlement"
    label = "settlement"
    verbose_name = "Year-end settlement"

    def ready(self):
        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import SETTLEMENT_WORDS

        action_words_register(*SETTLEMENT_WORDS)
