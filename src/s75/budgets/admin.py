from django.contrib import admin

from s75.core.admin import ReadOnlyAdmin

from .models import Contribution, FundingStream, Instalment, Receipt


@admin.register(FundingStream)
class FundingStreamAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "is_better_care_fund")


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ("schedule", "party", "financial_year", "funding_stream", "amount_pence")
    list_filter = ("financial_year", "funding_stream")
    search_fields = ("schedule__title", "party__name_in_agreement")


@admin.register(Instalment)
class InstalmentAdmin(ReadOnlyAdmin):
    list_display = ("party", "financial_year", "number", "due_on", "amount_pence", "funding_stream")
    list_filter = ("financial_year",)
    search_fields = ("party__name_in_agreement",)


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ("instalment", "received_on", "amount_pence", "reference")
    search_fields = ("reference", "instalment__party__name_in_agreement")
