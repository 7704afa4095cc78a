"""The form that computes a new draft settlement: the year, the outturn to use, and any spend outside the
agreement per schedule."""

from django import forms
from django.core.exceptions import ValidationError

from s75.agreements.models import Agreement
from s75.core.fiscal import FinancialYear
from s75.core.forms import GovukForm
from s75.core.money import MoneyError, parse_pence

from .models import OutturnBasis


class SettlementRunForm(GovukForm):
    year = forms.CharField(label="Financial year", help_text="For example, 2024-25",
                           widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
                           error_messages={"required": "Enter the financial year, for example 2024-25"})
    outturn = forms.ChoiceField(label="Outturn", choices=OutturnBasis.choices, initial=OutturnBasis.ACTUAL,
                                widget=forms.RadioSelect)

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.schedules = list(agreement.schedules.order_by("number"))
        for schedule in self.schedules:
            self.fields[f"outside_{schedule.number}"] = forms.CharField(
                label=f"{schedule.number}. {schedule.title}", required=False,
                widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
            )
        self.sections = [("Spend outside the agreement", [f"outside_{s.number}" for s in self.schedules])]

    def clean_year(self) -> FinancialYear:
        try:
            return FinancialYear.parse(self.cleaned_data["year"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        outside = {}
        for schedule in self.schedules:
            text = data.get(f"outside_{schedule.number}", "").strip()
            if not text:
                continue
            try:
                outside[schedule.number] = parse_pence(text)
            except MoneyError as exc:
                self.add_error(f"outside_{schedule.number}", str(exc))
        data["outside_agreement"] = outside
        return data
