"""Forms of the ledger pages: the filters of the lines listing, closing a period, reversing an entry. They read
what was typed; the services decide whether the change is allowed."""

from django import forms
from django.core.exceptions import ValidationError

from s75.core.fiscal import FinancialYear
from s75.core.forms import GovukForm
from s75.core.money import MoneyError, format_finance, parse_pence

from .models import Fund, JournalEntry, Period, PeriodStatus
from .selectors import fund_period, fund_years

MONTHS = [(f"M{number:02d}", f"M{number:02d}") for number in range(1, 13)]


class LinesFilterForm(GovukForm):
    """The filters of the lines listing, read from the query string; every filter is optional."""

    year = forms.ChoiceField(label="Financial year", required=False)
    period = forms.ChoiceField(label="Month", required=False, choices=[("", "Every month"), *MONTHS])
    schedule = forms.ModelChoiceField(label="Schedule", queryset=None, required=False, empty_label="Every schedule")
    partner = forms.ModelChoiceField(label="Partner", queryset=None, required=False, empty_label="Every partner")
    account = forms.ModelChoiceField(label="Account", queryset=None, required=False, empty_label="Every account")
    cost_centre = forms.CharField(
        label="Cost centre", required=False, max_length=50,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    search = forms.CharField(
        label="Description or reference", required=False, max_length=200,
        help_text="Words in the description, or the finance system's reference for the line",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        error_messages={"max_length": "Search for at most %(limit_value)d characters"},
    )
    amount = forms.CharField(
        label="Amount", required=False, max_length=30,
        help_text="A debit or a credit, for example 1,234.56; in brackets, (1,234.56), only a credit",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fund = fund
        self.fields["year"].choices = [("", "Every year"), *[(year.label, year.label) for year in fund_years(fund)]]
        self.fields["schedule"].queryset = fund.agreement.schedules.order_by("number")
        self.fields["partner"].queryset = fund.agreement.parties.order_by("position", "id")
        self.fields["account"].queryset = fund.accounts.order_by("code")
        self.fields["schedule"].label_from_instance = lambda schedule: f"{schedule.number}. {schedule.title}"
        self.fields["account"].label_from_instance = lambda account: f"{account.code} {account.name}"

    def clean_amount(self) -> int | None:
        text = self.cleaned_data["amount"]
        if not text:
            return None
        try:
            return parse_pence(text)
        except MoneyError as error:
            message = str(error)
            raise ValidationError(message[:1].upper() + message[1:]) from error

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") and not cleaned.get("year"):
            self.add_error("year", "Choose the financial year of the month")
        return cleaned

    def selected_period(self) -> Period | None:
        data = self.cleaned_data
        if not data.get("period"):
            return None
        year = FinancialYear.parse(data["year"])
        return self.fund.periods.get(financial_year=year.start_year, number=int(data["period"][1:]))

    def selected_year(self) -> FinancialYear | None:
        return FinancialYear.parse(self.cleaned_data["year"]) if self.cleaned_data.get("year") else None

    def active(self) -> list[tuple[str, str]]:
        """The filters in use, as (label, value) pairs, to say what the listing shows."""
        shown = []
        for name in ("year", "period", "schedule", "partner", "account", "cost_centre", "search", "amount"):
            value = self.cleaned_data.get(name)
            if value:
                field = self.fields[name]
                if name == "amount":
                    text = format_finance(value, show_pence=True) + ("" if value < 0 else ", debit or credit")
                elif hasattr(field, "label_from_instance"):
                    text = field.label_from_instance(value)
                else:
                    text = str(value)
                shown.append((field.label, text))
        return shown


class PeriodCloseForm(GovukForm):
    """Which period to close, posted by the button on its row; a problem belongs to the form as a whole, since
    the page has no field to link it to."""

    period = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fund = fund

    def clean(self):
        cleaned = super().clean()
        label = cleaned.get("period", "")
        try:
            cleaned["period"] = fund_period(fund=self.fund, label=label)
        except (ValueError, Period.DoesNotExist) as exc:
            raise ValidationError(f"{label or 'That'} is not a period of this fund") from exc
        return cleaned


class EntryReverseForm(GovukForm):
    reason = forms.CharField(
        label="Why is the entry reversed?", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with the reversal, your name and the time.",
        error_messages={"required": "Say why the entry is reversed"},
    )
    period = forms.ModelChoiceField(
        label="Post the reversal to", queryset=None, required=False, empty_label="The entry's own period",
        help_text="Choose an open period when the entry's own period is closed.",
    )

    def __init__(self, *args, entry: JournalEntry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.fields["period"].queryset = entry.fund.periods.filter(status=PeriodStatus.OPEN).order_by(
            "financial_year", "number"
        )

