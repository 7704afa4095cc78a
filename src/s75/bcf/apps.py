from django.apps import AppConfig


class BcfConfig(AppConfig):
    name = "s75.bcf"
    label = "bcf"
    verbose_name = "Better Care Fund"

    def ready(self):
        # Agreements sit below this app: a Better Care Fund agreement's page lists its plans through this hook.
        from s75.agreements.panels import PagePanel, page_panel_register

        from .selectors import agreement_plans

        page_panel_register(PagePanel("bcf_plans", detail=agreement_plans))

        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import BCF_WORDS

        action_words_register(*BCF_WORDS)
