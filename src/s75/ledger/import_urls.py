"""Pages of general-ledger imports: upload, progress, result, history, mappings."""

from django.urls import path

from . import import_views as views

app_name = "imports"

urlpatterns = [
    path("<int:fund_pk>/imports/", views.history_view, name="history"),
    path("<int:fund_pk>/imports.xlsx", views.history_xlsx, name="history_xlsx"),
    path("<int:fund_pk>/imports/new/", views.upload_view, name="upload"),
    path("<int:fund_pk>/imports/runs/<int:run_pk>/", views.run_view, name="run"),
    path("<int:fund_pk>/imports/runs/<int:run_pk>/post/", views.run_post_view, name="run_post"),
    path("<int:fund_pk>/imports/runs/<int:run_pk>/progress.json", views.run_progress_json, name="run_progress"),
    path("<int:fund_pk>/imports/runs/<int:run_pk>/problems.csv", views.run_problems_csv, name="run_problems"),
    path("<int:fund_pk>/imports/<int:import_pk>/", views.import_view, name="import"),
    path("<int:fund_pk>/imports/<int:import_pk>/problems.csv", views.import_problems_csv, name="import_problems"),
    path("<int:fund_pk>/imports/mappings/", views.mappings_view, name="mappings"),
    path("<int:fund_pk>/imports/mappings/new/", views.mapping_edit_view, name="mapping_new"),
    path("<int:fund_pk>/imports/mappings/<int:mapping_pk>/", views.mapping_edit_view, name="mapping_edit"),
    path("<int:fund_pk>/imports/cost-centres/", views.cost_centres_view, name="cost_centres"),
]
