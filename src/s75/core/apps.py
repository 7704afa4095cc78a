from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "s75.core"
    label = "core"
