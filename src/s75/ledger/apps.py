from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "s75.ledger"
    label = "ledger"
