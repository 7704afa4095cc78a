from django.contrib import admin

from .models import Organisation, Succession


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "ods_code", "ons_code", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("name", "ods_code", "ons_code")


@admin.register(Succession)
class SuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "effective_on")
    search_fields = ("predecessor__name", "successor__name")
