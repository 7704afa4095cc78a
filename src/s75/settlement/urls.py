from django.urls import path

from . import views

app_name = "settlement"

RUN = "<int:pk>/settlement/<int:run>"

urlpatterns = [
    path("<int:pk>/settlement/", views.settlement_list_view, name="list"),
    path(f"{RUN}/", views.settlement_run_view, name="run"),
    path(f"{RUN}/approve/<int:party>/", views.settlement_approve_view, name="approve"),
    path(f"{RUN}/statements.pdf", views.settlement_pdf_view, name="pdf"),
    path(f"{RUN}/statements.xlsx", views.settlement_xlsx_view, name="xlsx"),
]
