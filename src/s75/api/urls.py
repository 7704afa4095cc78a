"""The API tokens section of the account page, under ``/account/api-tokens/``."""

from django.urls import path

from . import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.tokens_view, name="list"),
    path("<int:pk>/revoke/", views.token_revoke_view, name="revoke"),
]
