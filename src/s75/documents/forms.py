"""The clause edit form: it reads what was typed; ``clause_template_edit`` decides whether the change stands."""

from django import forms


class ClauseEditForm(forms.Form):
    heading = forms.CharField(label="Heading", max_length=200, error_messages={"required": "Enter the heading"})
    body = forms.CharField(
        label="Text", strip=False, widget=forms.Textarea(attrs={"rows": 18}),
        help_text="A blank line starts a new paragraph; a line starting with a dash and a space is a bullet. "
                  "Placeholders in double braces are filled in from the agreement.",
        error_messages={"required": "Enter the clause's text"},
    )
    note = forms.CharField(
        label="What changed and why", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the new version and in the audit trail.",
        error_messages={"required": "Say what changed and why"},
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput)

    def clean_body(self) -> str:
        return self.cleaned_data["body"].replace("\r\n", "\n").rstrip() + "\n"

    def add_problems(self, problems: list[str]) -> None:
        for problem in problems:
            self.add_error(None, problem)
