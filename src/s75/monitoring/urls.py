"""Pages of budget monitoring, under ``/funds/<id>/monitoring/``: the fund dashboard (``?period=2024-25/M06``), its
tables as Excel, and the forms of a month (written ``2024-25/M06`` in the path): a schedule's forecast and profile,
the commentary, a partner's consent decision and recovery plan."""

from django.urls import path, register_converter

from s75.core.fiscal import FinancialMonth

from . import views


class ReportPeriodConverter:
    regex = r"\d{4}-\d{2}/M\d{2}"

    def to_python(self, value: str) -> FinancialMonth:
        return FinancialMonth.parse(value)  # a ValueError (2013-15/M13) is a 404

    def to_url(self, value: FinancialMonth | str) -> str:
        return value.label if isinstance(value, FinancialMonth) else FinancialMonth.parse(value).label


register_converter(ReportPeriodConverter, "report_period")

app_name = "monitoring"

MONTH = "<int:pk>/monitoring/<report_period:period>"

urlpatterns = [
    path("<int:pk>/monitoring/", views.dashboard_view, name="dashboard"),
    path(f"{MONTH}/<slug:table>.xlsx", views.table_xlsx, name="table_xlsx"),
    path(f"{MONTH}/commentary/", views.commentary_view, name="commentary"),
    path(f"{MONTH}/schedules/<int:number>/forecast/", views.forecast_view, name="forecast"),
    path(f"{MONTH}/schedules/<int:number>/profile/", views.profile_view, name="profile"),
    path(f"{MONTH}/partners/<int:party_id>/consent/", views.consent_view, name="consent"),
    path(f"{MONTH}/partners/<int:party_id>/recovery/", views.recovery_view, name="recovery"),
    path(f"{MONTH}/partners/<int:party_id>/recovery/<int:action_id>/status/", views.action_status_view,
         name="action_status"),
]
