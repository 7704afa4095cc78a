from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list_view, name="list"),
    path("agreements.xlsx", views.agreement_list_xlsx, name="list_xlsx"),
    path("new/", views.agreement_create_view, name="create"),
    path("<int:pk>/", views.agreement_detail_view, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit_view, name="edit"),
    path("<int:pk>/transition/", views.agreement_transition_view, name="transition"),
    path("<int:pk>/parties/new/", views.party_add_view, name="party_add"),
    path("<int:pk>/schedules/new/", views.schedule_create_view, name="schedule_create"),
    path("<int:pk>/schedules/<int:number>/", views.schedule_detail_view, name="schedule_detail"),
    path("<int:pk>/schedules/<int:number>/edit/", views.schedule_edit_view, name="schedule_edit"),
    path("<int:pk>/approvals/new/", views.approval_record_view, name="approval_record"),
    path("<int:pk>/renew/", views.agreement_renew_view, name="renew"),
    path("<int:pk>/audit/", views.audit_view, name="audit"),
    path("<int:pk>/audit.xlsx", views.audit_xlsx, name="audit_xlsx"),
    path("<int:pk>/as-at/", views.agreement_as_at_view, name="as_at"),
]
