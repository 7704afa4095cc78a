from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "s75.accounts"
    label = "accounts"

    def ready(self):
        from . import signals  # noqa: F401 - connects the sign-in receiver
