from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "s75.accounts"
    label = "accounts"
