from django.contrib import admin

from .models import Agreement, Approval, ExcludedFunction, Party, Schedule, Transition, Variation


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0


class ScheduleInline(admin.StackedInline):
    model = Schedule
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("title", "reference", "status", "start_date", "end_date")
    list_filter = ("status", "pooled_fund", "is_better_care_fund")
    search_fields = ("title", "reference")
    readonly_fields = ("status", "end_reason")
    inlines = [PartyInline, ScheduleInline]


@admin.register(ExcludedFunction)
class ExcludedFunctionAdmin(admin.ModelAdmin):
    list_display = ("name", "keywords")


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):
    list_display = ("agreement", "party", "decided_on", "decision_maker")


@admin.register(Transition, Variation)
class HistoryAdmin(admin.ModelAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
