from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "s75.demo"
    label = "demo"
