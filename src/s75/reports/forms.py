"""The form that asks for a paper: which quarter, in which formats."""

from django import forms

from s75.core.fiscal import FinancialYear, Quarter
from s75.core.forms import GovukForm

from .models import ReportFormat


class GenerateForm(GovukForm):
    quarter = forms.ChoiceField(label="Quarter", help_text="Q1 to Q3 make the quarterly report; Q4 the annual return.")
    formats = forms.MultipleChoiceField(
        label="Formats", choices=ReportFormat.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose PDF, Excel or both"},
    )

    def __init__(self, *args, years: list[FinancialYear], **kwargs):
        super().__init__(*args, **kwargs)
        quarters = [Quarter(year, number) for year in years for number in range(1, 5)]
        self.fields["quarter"].choices = [
            (quarter.label, f"{quarter.label}: {'annual return' if quarter.is_annual else 'quarterly report'}, "
                            f"to M{quarter.month:02d}")
            for quarter in quarters
        ]

    def clean_quarter(self) -> Quarter:
        return Quarter.parse(self.cleaned_data["quarter"])
