"""The Better Care Fund's pages."""

from django.urls import path

from . import national_views

app_name = "bcf"

urlpatterns = [
    path("national/", national_views.national_page, name="national"),
    path("national.xlsx", national_views.national_xlsx, name="national_xlsx"),
]
