"""Forms of the lead-commissioning pages: the packages list's filters and a package's change. They read what was
typed; the services decide whether the change is allowed, and their problems go beside the field each concerns."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from s75.core.forms import GovukDateField, GovukForm
from s75.core.money import MoneyError, parse_pence

from .models import DisputeOutcome
from .selectors import PackageStatus


class PackageFilterForm(forms.Form):
    """The packages list's filters, from the query string; a filter left blank does not filter."""

    reference = forms.CharField(label="Package reference contains", required=False, max_length=60)
    contract = forms.TypedChoiceField(label="Contract", required=False, coerce=int, empty_value=None)
    partner = forms.TypedChoiceField(label="Funded by", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="Status", required=False, choices=[
        ("", "All"), (PackageStatus.ACTIVE, "Running"), (PackageStatus.ENDED, "Ended")])

    def __init__(self, *args, contracts, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [("", "All")] + [(c.pk, f"{c.reference} ({c.provider})") for c in contracts]
        self.fields["partner"].choices = [("", "All")] + [(p.pk, p.name_in_agreement) for p in parties]


class PackageChangeForm(GovukForm):
    problem_fields = {"pence_per_unit": "rate"}

    effective_from = GovukDateField(label="The change takes effect from", help_text="For example, 1 10 2024",
                                    error_messages={"required": "Enter the date the change takes effect"})
    rate = forms.CharField(label="Rate a unit", help_text="For example, £21.50",
                           error_messages={"required": "Enter the rate a unit"},
                           widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}))
    units_per_week = forms.CharField(label="Units a week", help_text="For example, 12.5 hours",
                                     error_messages={"required": "Enter the units a week"},
                                     widget=forms.TextInput(attrs={"class": "govuk-input--width-5",
                                                                   "inputmode": "decimal"}))

    def clean_rate(self) -> int:
        try:
            return parse_pence(self.cleaned_data["rate"])
        except MoneyError as exc:
            raise ValidationError(str(exc)[0].upper() + str(exc)[1:]) from exc

    def clean_units_per_week(self) -> Decimal:
        try:
            units = Decimal(self.cleaned_data["units_per_week"].strip())
        except InvalidOperation:
            raise ValidationError("Enter the units a week as a number, like 12.5") from None
        if not units.is_finite():
            raise ValidationError("Enter the units a week as a number, like 12.5")
        return units


class ReasonForm(GovukForm):
    """Why a recharge is reversed."""

    reason = forms.CharField(label="Why is the recharge reversed?", max_length=500,
                             error_messages={"required": "Say why the recharge is reversed"})


class DisputeForm(GovukForm):
    """A package of the month's statement the partner disputes, and why."""

    package = forms.TypedChoiceField(label="Package", coerce=int,
                                     error_messages={"required": "Choose the package disputed"})
    reason = forms.CharField(label="Why is it disputed?", max_length=500,
                             error_messages={"required": "Say why the line is disputed"})

    def __init__(self, *args, packages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].choices = [("", "Choose a package")] + [(p.pk, p.reference) for p in packages]


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(choices=[(DisputeOutcome.CHARGE, "Recharge it"),
                                         (DisputeOutcome.WITHDRAWN, "Do not recharge it")])


class ImportKind:
    PROVIDERS = "providers"
    CONTRACTS = "contracts"
    PACKAGES = "packages"


class ImportForm(GovukForm):
    """A file from a case-management or contracts system, what it holds, and whether only to check it."""

    problem_fields = {"mapping": "file"}

    kind = forms.ChoiceField(label="What does the file hold?", widget=forms.RadioSelect, choices=[
        (ImportKind.PROVIDERS, "Providers: a row per provider"),
        (ImportKind.CONTRACTS, "Contracts: a row per rate of each contract"),
        (ImportKind.PACKAGES, "Care packages: a row per version of each package")],
        error_messages={"required": "Choose what the file holds"})
    file = forms.FileField(label="The file (CSV or XLSX)",
                           error_messages={"required": "Choose the file to load", "empty": "The file is empty"})
    dry_run = forms.BooleanField(label="Check the file only: load nothing", required=False)
