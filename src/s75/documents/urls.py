from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("agreements/<int:pk>/draft.docx", views.agreement_docx_view, name="agreement_docx"),
    path("templates/", views.template_set_list_view, name="template_sets"),
    path("templates/<slug:slug>/", views.template_set_view, name="template_set"),
    path("templates/<slug:slug>/clauses/<slug:key>/edit/", views.clause_edit_view, name="clause_edit"),
]
