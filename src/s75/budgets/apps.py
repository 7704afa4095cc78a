from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "s75.budgets"
    label = "budgets"

    def ready(self):
        # Agreements sit below budgets: each schedule's contributions join the agreement's file through this hook.
        from s75.agreements.file_parts import file_part_register

        from .agreement_file import CONTRIBUTIONS

        file_part_register(CONTRIBUTIONS)
