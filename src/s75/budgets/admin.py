from django.contrib import admin

from s75.core.admin import ReadOnlyAdmin

from .models import Contribution, FundingStream


@admin.register(FundingStream)
class FundingStreamAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "is_better_care_fund")


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ("schedule", "party", "financial_year", "funding_stream", "amount_pence")
    list_filter = ("financial_year", "funding_stream")
    search_fields = ("schedule__title", "party__name_in_agreement")
