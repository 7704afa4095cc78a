"""Pages of budget monitoring: the fund dashboard, the consent panel, recovery plans, commentary."""

from django.urls import path  # noqa: F401

app_name = "monitoring"

urlpatterns: list = []
