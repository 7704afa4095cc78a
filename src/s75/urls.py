"""Site map: the home page, sign-in, the agreement register, governance, the public consultation hub, the admin and the
REST API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from s75.accounts.views import (
    ChangePasswordView,
    SignInView,
    account_view,
    two_factor_remove_view,
    two_factor_setup_view,
    two_factor_verify_view,
)

urlpatterns = [
    path("", include("s75.home.urls")),
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-in/code/", two_factor_verify_view, name="two_factor_verify"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", account_view, name="account"),
    path("account/password/", ChangePasswordView.as_view(), name="password_change"),
    path("account/two-factor/", two_factor_setup_view, name="two_factor_setup"),
    path("account/two-factor/remove/", two_factor_remove_view, name="two_factor_remove"),
    path("account/api-tokens/", include("s75.api.urls")),
    path("api/v1/", include("s75.api.api_urls")),
    path("agreements/", include("s75.agreements.urls")),
    path("agreements/<int:pk>/finance/", include("s75.budgets.urls")),
    path("agreements/<int:pk>/risk-share/", include("s75.riskshare.urls")),
    path("agreements/<int:pk>/commissioning/", include("s75.commissioning.urls")),
    path("governance/", include("s75.governance.urls")),
    path("funds/", include("s75.ledger.urls")),
    path("funds/", include("s75.ledger.import_urls")),
    path("funds/", include("s75.monitoring.urls")),
    path("funds/", include("s75.settlement.urls")),
    path("funds/", include("s75.reports.urls")),
    path("documents/", include("s75.documents.urls")),
    path("bcf/", include("s75.bcf.urls")),
    path("consultations/manage/", include("s75.consultations.urls")),
    path("consultations/", include("s75.consultations.public_urls")),
    path("admin/", admin.site.urls),
]
