from django.contrib import admin

from .models import PartyTerm, RiskShareTerms


class PartyTermInline(admin.TabularInline):
    model = PartyTerm
    extra = 0


@admin.register(RiskShareTerms)
class RiskShareTermsAdmin(admin.ModelAdmin):
    list_display = ("agreement", "financial_year", "schedule", "overspend_rule", "underspend_rule", "offset_first")
    inlines = [PartyTermInline]
