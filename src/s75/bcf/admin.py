"""The year lists are reference data that staff keep in the admin: next year's lists need no release."""

from django.contrib import admin

from .models import Allocation, BcfYear, ListItem


class ListItemInline(admin.TabularInline):
    model = ListItem
    fk_name = "year"
    extra = 0
    fields = ("list", "code", "name", "position", "parent", "funding_stream", "source_role", "is_social_care",
              "unit", "lower_is_better")


@admin.register(BcfYear)
class BcfYearAdmin(admin.ModelAdmin):
    list_display = ("__str__", "framework", "plans_due_on", "agreements_signed_by")
    inlines = [ListItemInline]


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ("hwb", "year", "nhs_minimum_pence", "asc_minimum_pence")
    list_filter = ("year",)
    search_fields = ("hwb__name",)
