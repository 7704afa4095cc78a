from django.apps import AppConfig


class RiskshareConfig(AppConfig):
    name = "s75.riskshare"
    label = "riskshare"
