from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "s75.commissioning"
    label = "commissioning"

    def ready(self):
        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import COMMISSIONING_WORDS

        action_words_register(*COMMISSIONING_WORDS)
