"""Forms of the governance pages. They read and check what was typed; the services decide whether the change is
allowed, and their problems are shown in the form's error summary."""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError

from s75.agreements.models import Party, Variation
from s75.core.fiscal import FinancialYear
from s75.core.forms import GovukForm, date_field, text_field, textarea_field
from s75.organisations.models import Organisation
from s75.organisations.selectors import organisation_get_by_code

from .models import BoardKind, Decision, DecisionOutcome, DecisionSubject

PAPER_SUFFIXES = {".pdf", ".docx", ".doc", ".odt", ".xlsx", ".xls", ".ods", ".pptx", ".ppt", ".odp", ".rtf", ".txt"}
MAX_PAPER_BYTES = 50 * 1024 * 1024  # a board pack with appendices


class BoardForm(GovukForm):
    name = text_field("Name", error="Enter the board's name",
                      help_text="For example, Bexley Health and Wellbeing Board.")
    kind = forms.ChoiceField(label="What kind of board is it?", choices=BoardKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select what kind of board it is"})
    organisation = forms.ModelChoiceField(
        label="Whose board is it?", queryset=None, empty_label=None,
        help_text="The body whose board or committee it is, which keeps its papers and minutes.",
        error_messages={"required": "Select whose board it is"},
    )
    terms_of_reference = textarea_field("Terms of reference", rows=8,
                                   help_text="What the board is for, what it may decide, who it reports to.")
    agreements = forms.ModelMultipleChoiceField(
        label="Agreements the board oversees", queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )

    def __init__(self, *args, agreements, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreements"].queryset = agreements
        self.fields["organisation"].queryset = organisations


def _organisation_by_code(code: str) -> Organisation | None:
    if not code:
        return None
    try:
        return organisation_get_by_code(code=code.upper())
    except Organisation.DoesNotExist as exc:
        raise ValidationError(f"No organisation has the code {code}: check the ODS code (NHS) or ONS code "
                              "(council), or leave it blank") from exc


class MemberForm(GovukForm):
    name = text_field("Name", error="Enter the member's name")
    role = text_field("Role on the board", error="Enter the member's role on the board",
                 help_text="For example, Chair, or Director of Adult Social Services.")
    organisation = text_field("ODS or ONS code of the organisation they represent", width="10",
                         help_text="For example, 72Q or E09000004. Leave blank for Healthwatch or the voluntary "
                                   "sector.")
    from_date = date_field("Member from", error="Enter the date membership began", help_text="For example, 1 4 2021")
    to_date = date_field("Member until", help_text="Leave blank if they are still a member.")

    def clean_organisation(self) -> Organisation | None:
        return _organisation_by_code(self.cleaned_data["organisation"])


class MeetingForm(GovukForm):
    held_on = date_field("Date of the meeting", error="Enter the date of the meeting",
                         help_text="For example, 10 12 2020")
    title = text_field("Title", help_text="Leave blank for an ordinary meeting; for example, Extraordinary meeting.")


class PaperForm(GovukForm):
    title = text_field("Title", error="Enter the paper's title")
    agenda_item = text_field("Agenda item", width="5", help_text="For example, 7.")
    file = forms.FileField(label="Upload the paper", required=False, widget=forms.FileInput,
                           help_text="A PDF, Word, Excel or PowerPoint file smaller than 50 MB.")
    url = forms.URLField(label="Or link to where it is published", required=False, assume_scheme="https",
                         help_text="For example, the council's committee papers page.",
                         error_messages={"invalid": "Enter a full web address, like https://www.bexley.gov.uk/"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is None:
            return None
        if Path(upload.name).suffix.lower() not in PAPER_SUFFIXES:
            raise ValidationError("The paper must be a PDF, Word, Excel, PowerPoint, OpenDocument or text file")
        if upload.size > MAX_PAPER_BYTES:
            raise ValidationError("The paper must be smaller than 50 MB")
        if upload.size == 0:
            raise ValidationError("The file is empty")
        return upload


class DecisionForm(GovukForm):
    agreement = forms.ModelChoiceField(label="Agreement", queryset=None,
                                       error_messages={"required": "Select the agreement the decision is on"})
    subject = forms.ChoiceField(label="What was it about?", choices=DecisionSubject.choices,
                                initial=DecisionSubject.AGREEMENT)
    variation = forms.ModelChoiceField(
        label="Variation", queryset=None, required=False, empty_label="None",
        help_text="If the decision is about a variation already recorded.",
    )
    financial_year = text_field("Financial year", width="5",
                           help_text="For a budget, plan, quarterly report or annual return: for example, 2024-25.")
    quarter = forms.TypedChoiceField(
        label="Quarter", choices=[("", "None"), (1, "Q1 (April to June)"), (2, "Q2 (April to September)"),
                                  (3, "Q3 (April to December)")],
        coerce=int, empty_value=None, required=False, help_text="For a quarterly report.",
    )
    summary = forms.CharField(label="What was decided", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "Say what was decided"})
    outcome = forms.ChoiceField(label="Outcome", choices=DecisionOutcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Select the outcome"})
    minute_reference = text_field("Minute reference", width="10", help_text="For example, 7 or HWB/20/41.")

    sections = [("About the decision", ["agreement", "subject", "variation", "financial_year", "quarter"]),
                ("The decision", ["summary", "outcome", "minute_reference"])]

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements
        self.fields["variation"].queryset = Variation.objects.filter(agreement__in=agreements, number__gt=0)

    def clean_financial_year(self) -> int | None:
        text = self.cleaned_data["financial_year"]
        if not text:
            return None
        try:
            return FinancialYear.parse(text).start_year
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class DecisionApprovalForm(GovukForm):
    party = forms.ModelChoiceField(label="Which partner's approval does the decision record?", queryset=None,
                                   empty_label=None, widget=forms.RadioSelect,
                                   error_messages={"required": "Select the partner"})

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(agreement=decision.agreement)


class DecisionFilterForm(GovukForm):
    """The filters of the decisions list, read from the query string; each is optional."""

    held_from = date_field("From", help_text="Meetings on or after, for example 1 4 2024")
    held_to = date_field("To", help_text="Meetings on or before, for example 31 3 2025")
    subject = forms.ChoiceField(label="Kind of decision", required=False,
                                error_messages={"invalid_choice": "Choose a kind of decision from the list"})
    outcome = forms.ChoiceField(label="Outcome", required=False,
                                error_messages={"invalid_choice": "Choose an outcome from the list"})
    recorded_by = forms.ModelChoiceField(label="Recorded by", queryset=None, required=False, empty_label="Anyone",
                                         error_messages={"invalid_choice": "Choose a person from the list"})

    def __init__(self, *args, recorders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", "Every kind"), *DecisionSubject.choices]
        self.fields["outcome"].choices = [("", "Every outcome"), *DecisionOutcome.choices]
        self.fields["recorded_by"].queryset = recorders
        self.fields["recorded_by"].label_from_instance = lambda user: user.get_full_name() or user.username

    def clean(self):
        cleaned = super().clean()
        held_from, held_to = cleaned.get("held_from"), cleaned.get("held_to")
        if held_from and held_to and held_to < held_from:
            self.add_error("held_to", f"The ‘to’ date must be the same as or after {held_from:%-d %B %Y}")
        return cleaned

    def filters(self) -> dict:
        """The cleaned filters as ``decision_list``'s arguments."""
        return {name: self.cleaned_data[name] for name in ("held_from", "held_to", "subject", "outcome", "recorded_by")}

    def active(self) -> list[tuple[str, str]]:
        """The filters in use, as (label, value) pairs, to say what the list shows."""
        shown = []
        for name, value in self.filters().items():
            if not value:
                continue
            field = self.fields[name]
            if hasattr(field, "label_from_instance"):
                text = field.label_from_instance(value)
            elif name in ("subject", "outcome"):
                text = dict(field.choices)[value]
            else:
                text = f"{value:%-d %B %Y}"
            shown.append((field.label, text))
        return shown
