from django.apps import AppConfig


class BcfConfig(AppConfig):
    name = "s75.bcf"
    label = "bcf"
    verbose_name = "Better Care Fund"

    def ready(self):
        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import BCF_WORDS

        action_words_register(*BCF_WORDS)
