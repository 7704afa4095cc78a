"""Pages of lead commissioning of one agreement, under ``/agreements/<pk>/commissioning/``: its packages, a package,
and a partner's recharge statement for a month (written ``2024-25/M06`` in the path), with its posting, reversal
and disputes (POSTs)."""

from django.urls import path, register_converter

from s75.core.fiscal import FinancialMonth

from . import views


class MonthConverter:
    regex = r"\d{4}-\d{2}/M\d{2}"

    def to_python(self, value: str) -> FinancialMonth:
        return FinancialMonth.parse(value)  # a ValueError (2013-15/M13) is a 404

    def to_url(self, value: FinancialMonth | str) -> str:
        return value.label if isinstance(value, FinancialMonth) else FinancialMonth.parse(value).label


register_converter(MonthConverter, "recharge_month")

app_name = "commissioning"

urlpatterns = [
    path("packages/", views.packages_view, name="packages"),
    path("packages.xlsx", views.packages_xlsx, name="packages_xlsx"),
    path("packages/<int:package_id>/", views.package_view, name="package"),
    path("import/", views.import_view, name="import"),
    path("recharges/<int:party_id>/<recharge_month:month>/", views.statement_view, name="statement"),
    path("recharges/<int:party_id>/<recharge_month:month>.xlsx", views.statement_xlsx, name="statement_xlsx"),
    path("recharges/<int:party_id>/<recharge_month:month>.pdf", views.statement_pdf_view, name="statement_pdf"),
    path("recharges/<int:party_id>/<recharge_month:month>/post/", views.recharge_post_view, name="recharge_post"),
    path("recharges/<int:party_id>/<recharge_month:month>/reverse/", views.recharge_reverse_view,
         name="recharge_reverse"),
    path("recharges/<int:party_id>/<recharge_month:month>/disputes/", views.dispute_mark_view, name="dispute_mark"),
    path("recharges/<int:party_id>/<recharge_month:month>/disputes/<int:dispute_id>/resolve/",
         views.dispute_resolve_view, name="dispute_resolve"),
]
