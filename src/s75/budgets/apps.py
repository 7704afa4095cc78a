from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "s75.budgets"
    label = "budgets"

    def ready(self):
        # Agreements sit below budgets: each schedule's contributions join the agreement's file, and the years its
        # pages, through these hooks.
        from s75.agreements.file_parts import file_part_register
        from s75.agreements.panels import PagePanel, page_panel_register

        from .agreement_file import CONTRIBUTIONS
        from .selectors import agreement_years, document_financial_schedules

        file_part_register(CONTRIBUTIONS)
        page_panel_register(PagePanel("years", detail=agreement_years, as_at=document_financial_schedules))

        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import BUDGET_WORDS

        action_words_register(*BUDGET_WORDS)
