"""Pages of a fund's quarterly reports and annual returns, under ``/funds/<id>/reports/``."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<int:pk>/reports/", views.reports_view, name="list"),
    path("<int:pk>/reports/generate/", views.generate_view, name="generate"),
    path("<int:pk>/reports/runs/<int:run_pk>/", views.run_view, name="run"),
    path("<int:pk>/reports/runs/<int:run_pk>/progress.json", views.run_progress_json, name="run_progress"),
    path("<int:pk>/reports/<int:version_pk>/reproduce/", views.reproduce_view, name="reproduce"),
    path("<int:pk>/reports/<int:version_pk>/<str:fmt>/", views.version_file, name="file"),
]
