from django.contrib import admin

from s75.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import PartyTerm, RiskShareTerms


class PartyTermInline(ReadOnlyInline):
    model = PartyTerm


@admin.register(RiskShareTerms)
class RiskShareTermsAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "financial_year", "schedule", "overspend_rule", "underspend_rule", "offset_first")
    inlines = [PartyTermInline]
