"""Forms of the instalment pages. They read what was typed (an amount such as ``£1,234.56`` through
``parse_pence``); the services decide whether the change is allowed, and their problems go to the error summary,
each on the field it concerns."""

from django import forms
from django.core.exceptions import ValidationError

from s75.agreements.forms import ChangeForm
from s75.agreements.models import Agreement
from s75.core.fiscal import FinancialYear
from s75.core.forms import GovukDateField, GovukForm, text_field
from s75.core.money import MoneyError, parse_pence

from .models import FundingStream
from .selectors import agreement_years
from .services import PATTERN_LABELS


class InstalmentGenerateForm(GovukForm):
    party = forms.ModelChoiceField(
        label="Partner", queryset=None, empty_label=None, error_messages={"required": "Select the partner"}
    )
    financial_year = forms.ChoiceField(
        label="Financial year", error_messages={"required": "Select the financial year"}
    )
    pattern = forms.ChoiceField(
        label="Instalments", choices=list(PATTERN_LABELS.items()), initial="quarterly", widget=forms.RadioSelect,
        help_text="The partner's contributions to pooled schedules for the year are split over the instalments to "
                  "the penny; any odd pennies go to the earliest.",
        error_messages={"required": "Select how the contributions are paid"},
    )
    replace = forms.BooleanField(
        label="Replace the partner's instalments for the year",
        help_text="Only while nothing has been received against them. Their entries in the ledger are reversed.",
        required=False,
    )

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = agreement.parties.order_by("position", "id")
        self.fields["financial_year"].choices = [(year.label, year.label)
                                                 for year in agreement_years(agreement=agreement)]

    def clean_financial_year(self) -> FinancialYear:
        return FinancialYear.parse(self.cleaned_data["financial_year"])


class ReceiptForm(GovukForm):
    problem_fields = {"amount_pence": "amount"}

    received_on = GovukDateField(
        label="Date received", help_text="For example, 15 4 2024",
        error_messages={"required": "Enter the date the money was received"},
    )
    amount = forms.CharField(
        label="Amount received", help_text="For example, £1,234.56",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal",
                                      "spellcheck": "false"}),
        error_messages={"required": "Enter the amount received"},
    )
    reference = forms.CharField(
        label="Reference", required=False, max_length=100, help_text="The remittance or bank reference, if any.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )

    def clean_amount(self) -> int:
        try:
            return parse_pence(self.cleaned_data["amount"])
        except MoneyError as exc:
            raise ValidationError(str(exc)[0].upper() + str(exc)[1:]) from exc


class ContributionForm(ChangeForm):
    """A partner's contribution to a schedule for a year and funding stream; a variation once the agreement is in
    force."""

    problem_fields = {**ChangeForm.problem_fields, "amount_pence": "amount"}

    schedule = forms.ModelChoiceField(
        label="Schedule", queryset=None, empty_label=None, error_messages={"required": "Select the schedule"}
    )
    party = forms.ModelChoiceField(
        label="Partner", queryset=None, empty_label=None, error_messages={"required": "Select the partner"}
    )
    financial_year = text_field(
        "Financial year", width="5", help_text="For example, 2024-25",
        error="Enter the financial year, for example 2024-25",
    )
    funding_stream = forms.ModelChoiceField(
        label="Funding stream", queryset=FundingStream.objects.all(), empty_label=None,
        error_messages={"required": "Select the funding stream"},
    )
    amount = forms.CharField(
        label="Amount", help_text="For example, £1,234.56. Enter 0 to remove the contribution.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal",
                                      "spellcheck": "false"}),
        error_messages={"required": "Enter the amount, or 0 to remove the contribution"},
    )

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, agreement=agreement, **kwargs)
        self.fields["schedule"].queryset = agreement.schedules.all()
        self.fields["party"].queryset = agreement.parties.all()
        self.fields["financial_year"].initial = FinancialYear.containing(agreement.start_date).label
        self.fields["funding_stream"].initial = FundingStream.objects.filter(code="core").first()

    def clean_financial_year(self) -> int:
        try:
            return FinancialYear.parse(self.cleaned_data["financial_year"]).start_year
        except ValueError as exc:
            raise ValidationError(f"{exc}") from exc

    def clean_amount(self) -> int:
        try:
            return parse_pence(self.cleaned_data["amount"])
        except MoneyError as exc:
            raise ValidationError(str(exc)) from exc
