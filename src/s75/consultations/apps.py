from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "s75.consultations"
    label = "consultations"

    def ready(self):
        # Agreements sit below this app: the lifecycle asks through this hook whether the agreement's consultation
        # has closed and published its outcome.
        from s75.agreements.consultation_gate import consultation_rule_register

        from .selectors import agreement_consultation_unfinished

        consultation_rule_register(agreement_consultation_unfinished)

        # The agreement's page lists its consultations through this hook.
        from s75.agreements.panels import PagePanel, page_panel_register

        from .selectors import agreement_consultations

        page_panel_register(PagePanel("consultations", detail=agreement_consultations))

        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import CONSULTATION_WORDS

        action_words_register(*CONSULTATION_WORDS)
