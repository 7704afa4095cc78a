from django.apps import AppConfig


class SettlementConfig(AppConfig):
    name = "s75.settlement"
    label = "settlement"
    verbose_name = "Year-end settlement"
