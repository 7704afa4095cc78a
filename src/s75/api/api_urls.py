"""The API's routes, under ``/api/v1/``, its description (``schema/``) and documentation (``docs/``, and Swagger UI at
``docs/console/``: see ``documentation.py``)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView

from . import endpoints, fund_endpoints, import_endpoints, monitoring_endpoints, programme_endpoints, views

app_name = "api"

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.docs_view, name="docs"),
    path("docs/console/", SpectacularSwaggerSplitView.as_view(url_name="api:schema",
                                                              template_name="api/swagger_ui.html"), name="console"),
    path("organisations/", endpoints.OrganisationList.as_view(), name="organisations"),
    path("agreements/", endpoints.AgreementList.as_view(), name="agreements"),
    path("agreements/file/", endpoints.AgreementFileIn.as_view(), name="agreement_file_in"),
    path("agreements/<int:pk>/", endpoints.AgreementDetail.as_view(), name="agreement"),
    path("agreements/<int:pk>/file/", endpoints.AgreementFileOut.as_view(), name="agreement_file"),
    path("funds/", endpoints.FundList.as_view(), name="funds"),
    path("funds/<int:pk>/", endpoints.FundDetail.as_view(), name="fund"),
    path("funds/<int:pk>/balances/", endpoints.FundBalances.as_view(), name="balances"),
    path("funds/<int:pk>/lines/", endpoints.LedgerLines.as_view(), name="lines"),
    path("funds/<int:pk>/mappings/", import_endpoints.MappingList.as_view(), name="mappings"),
    path("funds/<int:pk>/imports/", import_endpoints.ImportHistory.as_view(), name="imports"),
    path("funds/<int:pk>/import-runs/", import_endpoints.ImportUpload.as_view(), name="import_upload"),
    path("funds/<int:pk>/import-runs/<int:run_pk>/", import_endpoints.ImportRunDetail.as_view(), name="import_run"),
    path("funds/<int:pk>/import-runs/<int:run_pk>/problems/", import_endpoints.ImportRunProblems.as_view(),
         name="import_problems"),
    path("funds/<int:pk>/monitoring/<str:year>/<int:month>/", monitoring_endpoints.MonitoringReport.as_view(),
         name="monitoring"),
    path("funds/<int:pk>/consents/", fund_endpoints.ConsentList.as_view(), name="consents"),
    path("funds/<int:pk>/settlement-runs/", fund_endpoints.SettlementRunList.as_view(), name="settlement_runs"),
    path("funds/<int:pk>/reports/", fund_endpoints.ReportVersionList.as_view(), name="reports"),
    path("funds/<int:pk>/reports/<int:version_pk>/<str:fmt>/", fund_endpoints.ReportVersionFile.as_view(),
         name="report_file"),
    path("bcf/plans/", programme_endpoints.PlanList.as_view(), name="bcf_plans"),
    path("bcf/plans/<int:pk>/", programme_endpoints.PlanDetail.as_view(), name="bcf_plan"),
    path("consultations/", programme_endpoints.ConsultationList.as_view(), name="consultations"),
    path("consultations/<int:pk>/", programme_endpoints.ConsultationDetail.as_view(), name="consultation"),
    # Anything else under /api/v1/ (an id that is not a number, a path that is not one of these) is the API's 404,
    # in JSON, not the site's page.
    re_path(r"", endpoints.NoSuchEndpoint.as_view()),
]
