"""The Better Care Fund's pages, under ``/bcf/``: plans, and the national and regional view."""

from django.urls import path

from . import national_views, views

app_name = "bcf"

urlpatterns = [
    path("national/", national_views.national_page, name="national"),
    path("national.xlsx", national_views.national_xlsx, name="national_xlsx"),
    # Plans: the list, a new plan, a plan's page and its changes, workbooks and upload.
    path("", views.plan_list_view, name="list"),
    path("plans.xlsx", views.plan_list_xlsx, name="list_xlsx"),
    path("new/", views.plan_create_view, name="create"),
    path("<int:pk>/", views.plan_detail_view, name="detail"),
    path("<int:pk>/checks/<slug:check_code>/explanation/", views.explanation_view, name="explanation"),
    path("<int:pk>/conditions/<int:confirmation_pk>/", views.condition_view, name="condition"),
    path("<int:pk>/metrics/<int:metric_pk>/actual/", views.metric_actual_view, name="metric_actual"),
    path("<int:pk>/sign-off/", views.sign_off_view, name="sign_off"),
    path("<int:pk>/move/", views.move_view, name="move"),
    path("<int:pk>/workbooks/quarterly-<int:quarter>.xlsx", views.workbook_view, {"template": "quarterly"},
         name="quarterly_workbook"),
    path("<int:pk>/workbooks/<slug:template>.xlsx", views.workbook_view, name="workbook"),
    path("<int:pk>/upload/", views.upload_view, name="upload"),
    path("<int:pk>/upload/import/", views.import_checked_view, name="import_checked"),
]
