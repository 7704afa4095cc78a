"""Pages of a fund's ledger, under ``/funds/``: the fund's year, its lines, its entries, its periods; opening a
fund's ledger from its agreement; and the overdue instalments of every agreement the user may see."""

from django.urls import path

from s75.budgets import urls as budget_urls  # noqa: F401 - registers the financial_year path converter
from s75.budgets import views as budget_views

from . import views

app_name = "ledger"

urlpatterns = [
    path("open/<int:agreement_pk>/", views.fund_open_view, name="fund_open"),
    path("overdue-instalments/", budget_views.instalments_overdue_view, name="instalments_overdue"),
    path("overdue-instalments.xlsx", budget_views.instalments_overdue_xlsx, name="instalments_overdue_xlsx"),
    path("<int:pk>/", views.fund_view, name="fund"),
    path("<int:pk>/trial-balance-<financial_year:year>.xlsx", views.trial_balance_xlsx, name="trial_balance_xlsx"),
    path("<int:pk>/expenditure-<financial_year:year>.xlsx", views.expenditure_xlsx, name="expenditure_xlsx"),
    path("<int:pk>/periods/close/", views.period_close_view, name="period_close"),
    path("<int:pk>/lines/", views.lines_view, name="lines"),
    path("<int:pk>/lines.xlsx", views.lines_xlsx, name="lines_xlsx"),
    path("<int:pk>/lines.csv", views.lines_csv, name="lines_csv"),
    path("<int:pk>/entries/<int:entry_id>/", views.entry_view, name="entry"),
    path("<int:pk>/entries/<int:entry_id>/reverse/", views.entry_reverse_view, name="entry_reverse"),
]
