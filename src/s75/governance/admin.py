from django.contrib import admin

from s75.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Board, BoardMember, Decision, Meeting, Paper


class BoardMemberInline(ReadOnlyInline):
    model = BoardMember


class PaperInline(ReadOnlyInline):
    model = Paper


@admin.register(Board)
class BoardAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "organisation")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [BoardMemberInline]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("board", "held_on", "title")
    inlines = [PaperInline]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "minute_reference", "agreement", "subject", "outcome")
    list_filter = ("outcome", "subject")
