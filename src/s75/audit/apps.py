from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "s75.audit"
    label = "audit"
