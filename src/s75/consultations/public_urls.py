from django.urls import path

from . import public_views as views

app_name = "consult"

urlpatterns = [
    path("", views.hub_view, name="hub"),
    path("<slug:slug>/", views.consultation_view, name="consultation"),
    path("<slug:slug>/documents/<int:pk>/", views.document_view, name="document"),
    path("<slug:slug>/respond/", views.survey_start_view, name="survey_start"),
    path("<slug:slug>/respond/check/", views.survey_check_view, name="survey_check"),
    path("<slug:slug>/respond/sent/", views.survey_done_view, name="survey_done"),
    path("<slug:slug>/respond/<str:page>/", views.survey_page_view, name="survey_page"),
]
