from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "s75.monitoring"
    label = "monitoring"
