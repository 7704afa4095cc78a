from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list_view, name="list"),
    path("new/<int:agreement_pk>/", views.consultation_create_view, name="create"),
    path("<int:pk>/", views.consultation_detail_view, name="detail"),
    path("<int:pk>/edit/", views.consultation_edit_view, name="edit"),
    path("<int:pk>/faqs/new/", views.faq_add_view, name="faq_add"),
    path("<int:pk>/contacts/new/", views.contact_add_view, name="contact_add"),
    path("<int:pk>/documents/new/", views.document_add_view, name="document_add"),
    path("<int:pk>/questions/new/", views.question_add_view, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/remove/", views.question_remove_view, name="question_remove"),
    path("<int:pk>/preview/", views.survey_preview_view, name="preview"),
    path("<int:pk>/responses/new/", views.response_record_view, name="response_record"),
    path("<int:pk>/responses.xlsx", views.responses_xlsx, name="responses_xlsx"),
    path("<int:pk>/responses.csv", views.responses_csv_view, name="responses_csv"),
    path("<int:pk>/analysis/", views.analysis_view, name="analysis"),
    path("<int:pk>/themes/new/", views.theme_add_view, name="theme_add"),
    path("<int:pk>/answers/<int:answer_pk>/themes/", views.answer_tag_view, name="answer_tag"),
    path("<int:pk>/responses/<int:response_pk>/notes/", views.note_add_view, name="note_add"),
    path("<int:pk>/outcome/", views.outcome_view, name="outcome"),
    path("<int:pk>/erase/", views.erase_view, name="erase"),
]
