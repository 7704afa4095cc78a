from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "s75.organisations"
    label = "organisations"
