from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "s75.reports"
    label = "reports"

    def ready(self):
        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import REPORT_WORDS

        action_words_register(*REPORT_WORDS)
