from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.board_list_view, name="board_list"),
    path("boards.xlsx", views.board_list_xlsx, name="board_list_xlsx"),
    path("meetings.xlsx", views.meeting_list_xlsx, name="meeting_list_xlsx"),
    path("boards/new/", views.board_create_view, name="board_create"),
    path("boards/<int:pk>/", views.board_detail_view, name="board_detail"),
    path("boards/<int:pk>/members.xlsx", views.board_members_xlsx, name="board_members_xlsx"),
    path("boards/<int:pk>/meetings.xlsx", views.board_meetings_xlsx, name="board_meetings_xlsx"),
    path("boards/<int:pk>/members/new/", views.member_add_view, name="member_add"),
    path("boards/<int:pk>/meetings/new/", views.meeting_create_view, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail_view, name="meeting_detail"),
    path("meetings/<int:pk>/decisions.xlsx", views.meeting_decisions_xlsx, name="meeting_decisions_xlsx"),
    path("meetings/<int:pk>/papers/new/", views.paper_add_view, name="paper_add"),
    path("meetings/<int:pk>/decisions/new/", views.decision_record_view, name="decision_record"),
    path("papers/<int:pk>/", views.paper_download_view, name="paper_download"),
    path("decisions/", views.decision_list_view, name="decision_list"),
    path("decisions.xlsx", views.decision_list_xlsx, name="decision_list_xlsx"),
    path("decisions/<int:pk>/", views.decision_detail_view, name="decision_detail"),
    path("decisions/<int:pk>/approval/", views.decision_approval_view, name="decision_approval"),
    path("forward-plan/", views.forward_plan_view, name="forward_plan"),
    path("forward-plan.xlsx", views.forward_plan_xlsx, name="forward_plan_xlsx"),
]
