"""Forms of the import pages: the upload, posting a checked file, a column mapping, the cost-centre mapping. They
read what was typed; the services decide whether it can be done, and their problems are shown on the form."""

from pathlib import Path

from django import forms

from s75.core.forms import GovukForm

from .mappings import FIELDS, cost_centre_rows_read
from .models import ColumnMapping, Fund
from .tasks import UPLOAD_SUFFIXES

MAX_UPLOAD_BYTES = 1024 * 1024 * 1024  # a year of a large council's ledger is a few hundred megabytes


class UploadForm(GovukForm):
    file = forms.FileField(
        label="General-ledger file", error_messages={"required": "Select the file to import"},
        help_text="A CSV (UTF-8) or Excel (XLSX) export from the finance system.",
    )
    mapping = forms.ModelChoiceField(
        label="Column mapping", queryset=ColumnMapping.objects.none(), empty_label=None,
        error_messages={"required": "Select the column mapping", "invalid_choice": "Select one of the fund's mappings"},
        help_text="Which column of the file holds each field.",
    )
    dry_run = forms.BooleanField(
        label="Check the file only (a dry run): show what it would post, and post nothing", required=False,
    )

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].queryset = fund.column_mappings.order_by("name")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError("The file must be a CSV or an Excel workbook (.csv or .xlsx)")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 1 GB: split it by month")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty")
        return upload


class CheckedFilePostForm(GovukForm):
    """"Import the file" on a check's result; a file held for a year with no budget also needs "post anyway" and
    why, which the audit trail keeps."""

    post_anyway = forms.BooleanField(
        label="Post the file anyway, although it has lines in a year with no budget", required=False,
    )
    why = forms.CharField(
        label="Why should it be posted all the same?", required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the budget for the year is agreed but not yet recorded. Kept in the audit trail "
                  "with your name.",
    )
    problem_fields = {"post_anyway": "why"}

    def __init__(self, *args, held: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not held:
            del self.fields["post_anyway"], self.fields["why"]

    def clean(self):
        cleaned = super().clean()
        if "post_anyway" in self.fields:
            if not cleaned.get("post_anyway"):
                self.add_error("post_anyway", "Tick ‘post the file anyway’ to post it with lines in a year with no "
                                              "budget, or record the year's contributions first")
            elif not cleaned.get("why", "").strip():
                self.add_error("why", "Say why the file should be posted all the same")
        return cleaned

    def reason(self) -> str:
        return self.cleaned_data.get("why", "").strip() if "why" in self.fields else ""


class ColumnMappingForm(GovukForm):
    """A mapping's name and, for each field, the heading of its column in the file."""

    name = forms.CharField(label="Name", max_length=100, error_messages={"required": "Give the mapping a name"},
                           help_text="For example, the finance system's name: Oracle GL export.")
    sections = [("Column headings in the file", list(FIELDS))]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hints = {
            "posting_date": "Dates such as 2024-04-30, 30/04/2024 or 30-Apr-2024.",
            "amount": "Leave blank when the file has separate debit and credit columns.",
            "debit": "Only when the file has separate debit and credit columns.",
            "source_line_id": "The finance system's own id for each line, so that a line is never posted twice.",
        }
        for name, label in FIELDS.items():
            self.fields[name] = forms.CharField(
                label=label, required=False, max_length=200, help_text=hints.get(name, ""),
                widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
            )

    def columns(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in FIELDS if self.cleaned_data.get(name, "").strip()}

    def _field_of(self, problem: str) -> str | None:
        lowered = problem.lower()
        if "name" in lowered and "mapping" in lowered:
            return "name"
        for name, label in FIELDS.items():
            if label.lower() in lowered:
                return name
        return None


class CostCentreForm(GovukForm):
    """The whole cost-centre mapping as lines of ``cost centre, schedule``; saving replaces it."""

    lines = forms.CharField(
        label="Cost centres and their schedules", required=False,
        help_text="One cost centre a line: the code, a comma, then the schedule's number or title.",
        widget=forms.Textarea(attrs={"rows": 15, "spellcheck": "false"}),
    )

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fund = fund

    def clean_lines(self):
        text = self.cleaned_data["lines"]
        rows = [(number, line.split(",", 1)) for number, line in enumerate(text.splitlines(), start=1)]
        mappings, problems = cost_centre_rows_read(fund=self.fund, rows=rows)
        if problems:
            raise forms.ValidationError([problem[0].upper() + problem[1:] for problem in problems])
        self.mappings = mappings
        return text
