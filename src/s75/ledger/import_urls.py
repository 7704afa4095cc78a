"""Pages of general-ledger imports: upload, progress, result, history, mappings."""

from django.urls import path  # noqa: F401

app_name = "imports"

urlpatterns: list = []
