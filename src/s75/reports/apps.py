from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "s75.reports"
    label = "reports"
