"""Forms of the instalment pages. They read what was typed (an amount such as ``£1,234.56`` through
``parse_pence``); the services decide whether the change is allowed, and their problems go to the error summary."""

from django import forms
from django.core.exceptions import ValidationError

from s75.agreements.forms import GovukDateField, GovukForm
from s75.agreements.models import Agreement
from s75.core.fiscal import FinancialYear
from s75.core.money import MoneyError, parse_pence

from .selectors import agreement_years
from .services import PATTERN_LABELS


class InstalmentProblemsForm(GovukForm):
    """Puts a service's problem on the field it concerns, by the words in it; the rest go to the form."""

    problem_fields: list[tuple[str, str]] = []

    def _field_of(self, problem: str) -> str | None:
        words = problem.lower()
        return next((name for keyword, name in self.problem_fields if keyword in words and name in self.fields),
                    None)


class InstalmentGenerateForm(InstalmentProblemsForm):
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

    problem_fields = [
        ("not a party", "party"),
        ("no contribution", "financial_year"),
        ("already", "replace"),
        ("money has been received", "replace"),
        ("outside the agreement's term", "financial_year"),
    ]

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = agreement.parties.order_by("position", "id")
        self.fields["financial_year"].choices = [(year.label, year.label)
                                                 for year in agreement_years(agreement=agreement)]

    def clean_financial_year(self) -> FinancialYear:
        return FinancialYear.parse(self.cleaned_data["financial_year"])


class ReceiptForm(InstalmentProblemsForm):
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

    problem_fields = [
        ("receipt date", "received_on"),
        ("period", "received_on"),
        ("amount", "amount"),
        ("paid in full", "amount"),
        ("reference", "reference"),
    ]

    def clean_amount(self) -> int:
        try:
            return parse_pence(self.cleaned_data["amount"])
        except MoneyError as exc:
            raise ValidationError(str(exc)[0].upper() + str(exc)[1:]) from exc
