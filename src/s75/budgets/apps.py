from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "s75.budgets"
    label = "budgets"
