from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "s75.agreements"
    label = "agreements"
