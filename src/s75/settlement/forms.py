"""The form that computes a new draft settlement: the year, the outturn to use, and any spend outside the
agreement per schedule."""

from datetime import date

from django import forms

from s75.agreements.models import Agreement
from s75.core.fiscal import FinancialYear
from s75.core.forms import GovukForm
from s75.core.money import MoneyError, parse_pence

from .models import OutturnBasis


class SettlementRunForm(GovukForm):
    year = forms.ChoiceField(label="Financial year", help_text="One of the years of the fund's ledger",
                             error_messages={"required": "Select the financial year",
                                             "invalid_choice": "Select one of the fund's financial years"})
    outturn = forms.ChoiceField(label="Outturn", choices=OutturnBasis.choices, initial=OutturnBasis.ACTUAL,
                                widget=forms.RadioSelect)

    def __init__(self, *args, agreement: Agreement, years: list[FinancialYear], today: date, **kwargs):
        """``years`` are the fund's, in order; the latest of them to have begun by ``today`` is chosen at first."""
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year.label, year.label) for year in years]
        begun = [year for year in years if year.starts_on <= today]
        if years:
            self.fields["year"].initial = (begun or years)[-1].label
        self.schedules = list(agreement.schedules.order_by("number"))
        for schedule in self.schedules:
            self.fields[f"outside_{schedule.number}"] = forms.CharField(
                label=f"{schedule.number}. {schedule.title}", required=False,
                widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
            )
        self.sections = [("Spend outside the agreement", [f"outside_{s.number}" for s in self.schedules])]

    def clean_year(self) -> FinancialYear:
        return FinancialYear.parse(self.cleaned_data["year"])

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
