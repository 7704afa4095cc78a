from django.contrib import admin

from s75.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Agreement, Approval, ExcludedFunction, Party, Schedule, Transition, Variation


class PartyInline(ReadOnlyInline):
    model = Party


class ScheduleInline(ReadOnlyInline):
    model = Schedule


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("title", "reference", "status", "start_date", "end_date")
    list_filter = ("status", "pooled_fund", "is_better_care_fund")
    search_fields = ("title", "reference")
    readonly_fields = ("status", "end_reason")
    inlines = [PartyInline, ScheduleInline]


@admin.register(ExcludedFunction)
class ExcludedFunctionAdmin(ReadOnlyAdmin):
    list_display = ("name", "keywords")


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "party", "decided_on", "decision_maker")


@admin.register(Transition, Variation)
class HistoryAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "__str__")
