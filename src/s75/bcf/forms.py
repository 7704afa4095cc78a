"""The forms of the Better Care Fund pages. Each only reads what is posted; the services decide and refuse."""

from django import forms

from s75.core.forms import GovukForm, textarea_field
from s75.organisations.models import LOCAL_AUTHORITY_KINDS, Organisation

from .models import BcfYear, PlanStatus


class PlanCreateForm(GovukForm):
    hwb = forms.ModelChoiceField(label="Health and Wellbeing Board area", queryset=Organisation.objects.none(),
                                 error_messages={"required": "Choose the Health and Wellbeing Board area"})
    year = forms.ModelChoiceField(label="Financial year", queryset=BcfYear.objects.all(),
                                  error_messages={"required": "Choose the financial year"})
    agreement = forms.ModelChoiceField(
        label="Governing section 75 agreement", queryset=None,
        help_text="The Better Care Fund agreement, and its pooled fund, that governs the plan.",
        error_messages={"required": "Choose the agreement that governs the plan"},
    )
    narrative = textarea_field("Summary of the plan's approach (optional)")

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements
        self.fields["agreement"].label_from_instance = lambda agreement: f"{agreement.title} ({agreement.reference})"
        self.fields["hwb"].queryset = Organisation.objects.filter(
            kind__in=LOCAL_AUTHORITY_KINDS, parties__agreement__in=agreements).distinct().order_by("name")


class ExplanationForm(GovukForm):
    explanation = textarea_field("Why the plan goes forward although this check fails",
                                 help_text="Leave it blank to withdraw the explanation.")


class ConditionForm(GovukForm):
    confirmed = forms.BooleanField(label="Confirmed", required=False)
    comment = textarea_field("Comment", rows=2)


class MetricActualForm(GovukForm):
    quarter = forms.TypedChoiceField(label="Quarter", coerce=int, choices=[(q, f"Q{q}") for q in range(1, 5)])
    actual = forms.DecimalField(label="Actual", required=False, max_digits=14, decimal_places=2,
                                help_text="Leave it blank to remove the actual reported.",
                                error_messages={"invalid": "Enter the actual as a number, like 412.5"})


class SignOffForm(GovukForm):
    decision = forms.ModelChoiceField(
        label="The board's decision approving the plan", queryset=None,
        error_messages={"required": "Choose the board's decision approving the plan"},
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions
        self.fields["decision"].label_from_instance = lambda decision: (
            f"{decision.meeting}: {decision.summary} ({decision.get_outcome_display().lower()})")


class MoveForm(GovukForm):
    to_status = forms.ChoiceField(label="Move the plan to", widget=forms.RadioSelect,
                                  error_messages={"required": "Choose where the plan moves to"})
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="The reason is recorded in the plan's history.",
                             error_messages={"required": "Say why the plan moves"})

    def __init__(self, *args, moves: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(move, PlanStatus(move).label) for move in moves]


class WorkbookUploadForm(GovukForm):
    file = forms.FileField(label="Filled-in planning workbook (.xlsx)",
                           error_messages={"required": "Choose the workbook to check",
                                           "empty": "The file is empty: save the workbook again"})


class CheckedWorkbookForm(GovukForm):
    token = forms.CharField(widget=forms.HiddenInput)
