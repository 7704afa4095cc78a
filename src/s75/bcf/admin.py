"""The year lists are reference data that staff keep in the admin: next year's lists need no release."""

from django.contrib import admin

from s75.core.kept import generation_move

from .models import REFERENCE_GENERATION, Allocation, BcfYear, ListItem


class ReferenceAdmin(admin.ModelAdmin):
    """Every save and delete moves ``REFERENCE_GENERATION`` on in the admin's own transaction, as the services do, so
    that the national view kept in the cache is drawn afresh."""

    def save_model(self, request, obj, form, change):
        generation_move(REFERENCE_GENERATION)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        generation_move(REFERENCE_GENERATION)
        super().save_related(request, form, formsets, change)

    def delete_model(self, request, obj):
        generation_move(REFERENCE_GENERATION)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        generation_move(REFERENCE_GENERATION)
        super().delete_queryset(request, queryset)


class ListItemInline(admin.TabularInline):
    model = ListItem
    fk_name = "year"
    extra = 0
    fields = ("list", "code", "name", "position", "parent", "funding_stream", "source_role", "is_social_care",
              "unit", "lower_is_better")


@admin.register(BcfYear)
class BcfYearAdmin(ReferenceAdmin):
    list_display = ("__str__", "framework", "plans_due_on", "agreements_signed_by")
    inlines = [ListItemInline]


@admin.register(Allocation)
class AllocationAdmin(ReferenceAdmin):
    list_display = ("hwb", "year", "nhs_minimum_pence", "asc_minimum_pence")
    list_filter = ("year",)
    search_fields = ("hwb__name",)
