from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "s75.monitoring"
    label = "monitoring"

    def ready(self):
        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import MONITORING_WORDS

        action_words_register(*MONITORING_WORDS)
