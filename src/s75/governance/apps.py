from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "s75.governance"
    label = "governance"
