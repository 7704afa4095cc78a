"""Forms of the monitoring pages. They read what was typed (amounts such as ``£1,234.56`` through ``parse_pence``);
the services decide whether the change is allowed, and their problems go to the error summary, on the field each
one concerns."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from s75.core.fiscal import MONTH_NAMES, FinancialMonth, FinancialYear, month_label
from s75.core.forms import GovukDateField, GovukForm
from s75.core.money import MoneyError, parse_pence

from .models import ActionStatus, ConsentDecision, ForecastMethod


def _money(label: str, *, help_text: str = "", required: bool = True, error: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, required=required, error_messages={"required": error},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal",
                                      "spellcheck": "false"}),
    )


def _pence(text: str) -> int:
    try:
        return parse_pence(text)
    except MoneyError as exc:
        raise ValidationError(str(exc)[0].upper() + str(exc)[1:]) from exc


class PeriodForm(forms.Form):
    """The month the dashboard shows, from the query string."""

    period = forms.ChoiceField(label="Month")

    def __init__(self, *args, years: list[FinancialYear], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (period.label, f"{period.year.label} {month_label(period.month)} ({period.month_name})")
            for period in (FinancialMonth(year, month) for year in years for month in range(1, 13))
        ]


METHOD_CHOICES = [("", "The manager's figure when one is entered for the month, else the run rate"),
                  *ForecastMethod.choices]


class ForecastForm(GovukForm):
    method = forms.ChoiceField(
        label="Forecast method", choices=METHOD_CHOICES, required=False, widget=forms.RadioSelect,
        help_text="The method is the schedule's for the whole year; the figure is this month's.",
    )
    amount = _money(
        "Forecast outturn for the year", required=False,
        help_text="The manager's figure, for example £1,130,000.00. Leave it blank to use the method's own figure.",
    )
    commentary = forms.CharField(
        label="Commentary", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why the forecast is what it is: shown beside the schedule on the dashboard.",
    )

    problem_fields = {"amount_pence": "amount"}

    def clean_amount(self) -> int | None:
        text = self.cleaned_data["amount"].strip()
        return _pence(text) if text else None


class ProfileForm(GovukForm):
    """Twelve weights, one a month; all blank means flat twelfths."""

    problem_fields = {"profile": "M01"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for month, name in enumerate(MONTH_NAMES, start=1):
            self.fields[month_label(month)] = forms.CharField(
                label=f"{month_label(month)} ({name})", required=False,
                widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "decimal",
                                              "spellcheck": "false"}),
            )

    @classmethod
    def initial_for(cls, profile: list | None) -> dict:
        return {month_label(month): str(weight) for month, weight in enumerate(profile or [], start=1)}

    def clean(self):
        cleaned = super().clean()
        texts = [cleaned.get(month_label(month), "").strip() for month in range(1, 13)]
        if not any(texts):
            cleaned["profile"] = None
            return cleaned
        weights = []
        for month, text in enumerate(texts, start=1):
            name = month_label(month)
            try:
                weight = Decimal(text.rstrip("%") or "x")
            except InvalidOperation:
                self.add_error(name, f"Enter a weight for {name}, for example 8.5 or 0")
                continue
            if not weight.is_finite() or weight < 0 or weight.as_tuple().exponent < -4:
                self.add_error(name, f"The weight for {name} is a number of at most four decimal places, not negative")
            weights.append(weight)
        if not self.errors:
            # JSON holds exact weights: whole numbers as numbers, others as text, read back by Fraction.
            cleaned["profile"] = [int(w) if w == w.to_integral_value() else str(w.normalize()) for w in weights]
        return cleaned


class CommentaryForm(GovukForm):
    text = forms.CharField(
        label="Commentary", widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The month's position, its risks and what is being done about them.",
        error_messages={"required": "Enter the commentary"},
    )


class ConsentForm(GovukForm):
    problem_fields = {"up_to_pence": "up_to", "party": "decision"}

    decision = forms.ChoiceField(
        label="The partner's decision", choices=ConsentDecision.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the partner's decision"},
    )
    up_to = _money("Agrees to fund up to", required=False,
                   help_text="Only when the partner agrees: the most it will fund above its contributions, for "
                             "example £70,000.00.")
    decided_on = GovukDateField(label="Date of the decision", help_text="For example, 20 3 2014",
                                error_messages={"required": "Enter the date of the decision"})
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="For example, who decided and where it is minuted.")

    def clean_up_to(self) -> int | None:
        text = self.cleaned_data["up_to"].strip()
        return _pence(text) if text else None


class RecoveryActionForm(GovukForm):
    problem_fields = {"saving_pence": "saving"}

    description = forms.CharField(label="Action", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": "Describe the action"})
    saving = _money("Saving", help_text="What the action saves this year, for example £12,500.00",
                    error="Enter the saving")
    owner = forms.CharField(label="Owner", max_length=200, help_text="Who is responsible for it.",
                            widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
                            error_messages={"required": "Enter who owns the action"})
    due_date = GovukDateField(label="Due by", help_text="For example, 31 1 2014",
                              error_messages={"required": "Enter the date the action is due"})

    def clean_saving(self) -> int:
        saving = _pence(self.cleaned_data["saving"])
        if saving <= 0:
            raise ValidationError("Enter a saving of more than £0")
        return saving


class ActionStatusForm(GovukForm):
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices)
