from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "s75.jobs"
    label = "jobs"
