"""Budget pages of one agreement, under ``/agreements/<pk>/finance/``: financial schedules (years are written as in
``2013-14``) and instalments."""

from django.urls import path, register_converter

from s75.core.fiscal import FinancialYear

from . import views


class FinancialYearConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> FinancialYear:
        return FinancialYear.parse(value)  # a ValueError (2013-15) is a 404

    def to_url(self, value: FinancialYear | str) -> str:
        return value.label if isinstance(value, FinancialYear) else FinancialYear.parse(value).label


register_converter(FinancialYearConverter, "financial_year")

app_name = "budgets"

urlpatterns = [
    path("<financial_year:year>/", views.financial_schedule_view, name="financial_schedule"),
    path("<financial_year:year>.xlsx", views.financial_schedule_xlsx, name="financial_schedule_xlsx"),
    path("contributions/new/", views.contribution_set_view, name="contribution_set"),
    path("instalments/", views.instalments_view, name="instalments"),
    path("instalments.xlsx", views.instalments_xlsx, name="instalments_xlsx"),
    path("instalments/new/", views.instalments_generate_view, name="instalments_generate"),
    path("instalments/<int:instalment_id>/receipts/new/", views.receipt_record_view, name="receipt_record"),
]
