"""The GOV.UK form base the apps' forms build on: a form laid out in sections that places a service's problems by
their field, the GOV.UK date input, and the text, text-area and date fields made the same way everywhere."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from .files import NOT_TEXT

DATE_PARTS = ("day", "month", "year")


class GovukForm(forms.Form):
    """A form laid out in sections: ``sections`` names the fields under each heading, in order; fields in no
    section come first, under no heading."""

    sections: list[tuple[str, list[str]]] = []
    # The service's argument a problem concerns (``Problem.field``) → this form's field, where the names differ.
    problem_fields: dict[str, str] = {}

    def add_problems(self, problems: list[str]) -> None:
        """Add a service's problems: to the field each concerns, so the error summary links to it and the field
        shows it, or else (a problem of the act as a whole, or of an argument this form does not ask for) to the
        form as a whole."""
        for problem in problems:
            field = getattr(problem, "field", None)
            field = self.problem_fields.get(field, field)
            self.add_error(field if field in self.fields else None, problem[0].upper() + problem[1:])

    def full_clean(self):
        """Django's cleaning, then every text refused that holds a character that is not text (a control character
        but the tab and line breaks): no page stores what a database or a spreadsheet would refuse later."""
        super().full_clean()
        if not self.is_bound:
            return
        for name, value in list(self.cleaned_data.items()):
            bad = NOT_TEXT.search(value) if isinstance(value, str) else None
            if bad:
                self.add_error(name, f"Remove the character U+{ord(bad.group()):04X}: it is not text")

    def grouped_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        placed = {name for _, names in self.sections for name in names}
        groups = [("", [self[name] for name in self.fields if name not in placed])]
        groups += [(heading, [self[name] for name in names if name in self.fields]) for heading, names in self.sections]
        return [(heading, fields) for heading, fields in groups if fields]


class GovukDateInput(forms.Widget):
    """The GOV.UK date input: day, month and year boxes, posted as ``name-day``, ``name-month``, ``name-year``.

    A single ``name=YYYY-MM-DD`` parameter is read too, so a date can be given in a link (``?date=2014-06-30``).
    """

    template_name = "core/widgets/date_input.html"

    def value_from_datadict(self, data, files, name):
        if data.get(name):
            return data[name]
        year, month, day = (data.get(f"{name}-{part}", "").strip() for part in ("year", "month", "day"))
        return f"{year}-{month}-{day}" if year or month or day else ""

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}-{part}" in data for part in DATE_PARTS)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        first_id = widget["attrs"].get("id", f"id_{name}")
        widget["invalid"] = widget["attrs"].get("aria-invalid") == "true"
        widget["parts"] = [
            {"name": f"{name}-{part}", "id": first_id if part == "day" else f"{first_id}-{part}",
             "label": part.capitalize(), "width": 4 if part == "year" else 2, "value": widget["value"][part]}
            for part in DATE_PARTS
        ]
        return context

    def format_value(self, value):
        if isinstance(value, date):
            return {"day": value.day, "month": value.month, "year": value.year}
        year, month, day = ([*str(value or "").split("-", 2), "", ""])[:3]
        return {"day": day, "month": month, "year": year}


class GovukDateField(forms.DateField):
    widget = GovukDateInput
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": "Enter a real date, for example 31 3 2016"}

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None and result.year < 1900:
            raise ValidationError("Enter the year as four digits, for example 2016", code="invalid")
        return result


def text_field(label: str, *, error: str = "", help_text: str = "", width: str = "") -> forms.CharField:
    """A text input; ``error`` is the message when it is left blank, and a field without one is optional."""
    attrs = {"class": f"govuk-input--width-{width}"} if width else {}
    return forms.CharField(
        label=label, required=bool(error), help_text=help_text, widget=forms.TextInput(attrs=attrs),
        error_messages={"required": error},
    )


def textarea_field(label: str, *, help_text: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows}),
        strip=True,
    )


def date_field(label: str, *, error: str = "", help_text: str = "") -> GovukDateField:
    """A GOV.UK date input; ``error`` is the message when it is left blank, and one without is optional."""
    return GovukDateField(label=label, required=bool(error), help_text=help_text, error_messages={"required": error})
