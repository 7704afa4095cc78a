from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "s75.home"
    label = "home"
