from django.urls import path

from . import views

app_name = "riskshare"

urlpatterns = [
    path("", views.terms_edit_view, name="terms_edit"),
]
