"""The audit trail's filter: words, dates, person and kind of change, sent in the address (GET) so that a filtered
trail can be linked to, downloaded as it is and read without JavaScript."""

from django import forms

from s75.core.forms import GovukForm, date_field, text_field

from .selectors import AuditChoice, audit_kinds, audit_people


class AuditFilterForm(GovukForm):
    words = text_field("Search", help_text="Words in the change, such as a file name, a partner or a person",
                       width="20")
    since = date_field("From", help_text="For example, 1 4 2024")
    until = date_field("To", help_text="For example, 31 3 2025")
    person = forms.ChoiceField(label="Person", required=False)
    action = forms.ChoiceField(label="Kind of change", required=False)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Anyone"), *audit_people(agreement=agreement)]
        self.fields["action"].choices = [("", "Any kind"), *audit_kinds(agreement=agreement)]
        self.fields["words"].widget.attrs["spellcheck"] = "false"

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The date to must be the same as or after the date from")
        return data

    def choice(self) -> AuditChoice:
        """What the reader chose; nothing narrowed when the form was not filled in or is not valid."""
        if not self.is_bound or not self.is_valid():
            return AuditChoice()
        data = self.cleaned_data
        return AuditChoice(since=data["since"], until=data["until"], person=data["person"], action=data["action"],
                           words=data["words"].strip())

    @property
    def narrowed(self) -> bool:
        return self.choice() != AuditChoice()
