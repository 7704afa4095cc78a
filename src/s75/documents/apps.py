from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "s75.documents"
    label = "documents"
