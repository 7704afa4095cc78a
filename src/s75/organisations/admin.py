from django.contrib import admin

from s75.core.admin import ReadOnlyAdmin

from .models import Organisation, Succession


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "ods_code", "ons_code", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("name", "ods_code", "ons_code")


@admin.register(Succession)
class SuccessionAdmin(ReadOnlyAdmin):
    list_display = ("predecessor", "successor", "effective_on")
    search_fields = ("predecessor__name", "successor__name")
