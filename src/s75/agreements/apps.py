from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "s75.agreements"
    label = "agreements"

    def ready(self):
        # The audit trail sits below agreements, so it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import AGREEMENT_WORDS

        action_words_register(*AGREEMENT_WORDS)
