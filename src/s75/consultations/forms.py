"""The forms of the consultation pages: the hub's search, a page of the survey, the respondent's details, the
check-answers page's honeypot, and staff's forms. Each checks only the shape of its input; the services check the
rules."""

from datetime import datetime, time

from django import forms
from django.utils import timezone

from s75.core.forms import GovukForm, date_field, text_field, textarea_field

from .models import Channel, QuestionKind, Theme
from .services import RESPONDENT_LIMITS


class HubSearchForm(forms.Form):
    q = forms.CharField(label="Search by word", required=False, max_length=200)
    partner = forms.TypedChoiceField(label="Run by", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "Any partner")] + [(p.pk, p.name) for p in partners]


def question_field(question) -> forms.Field:
    """The form field that asks ``question``."""
    common = {"label": question.text, "help_text": question.help_text, "required": question.required}
    if question.kind == QuestionKind.SINGLE:
        return forms.TypedChoiceField(
            choices=[(option.pk, option.label) for option in question.options.all()], coerce=int,
            widget=forms.RadioSelect, error_messages={"required": f"Select an answer to “{question.text}”",
                                                      "invalid_choice": "Select one of the options"}, **common)
    if question.kind == QuestionKind.SEVERAL:
        return forms.TypedMultipleChoiceField(
            choices=[(option.pk, option.label) for option in question.options.all()], coerce=int,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": f"Select at least one answer to “{question.text}”",
                            "invalid_choice": "Select from the options"}, **common)
    if question.kind == QuestionKind.TEXT:
        limit = question.max_length
        hint = f"{question.help_text} " if question.help_text else ""
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 5}), max_length=limit,
            error_messages={"required": f"Enter an answer to “{question.text}”",
                            "max_length": f"Your answer must be {limit:,} characters or fewer"},
            **{**common, "help_text": f"{hint}You can write up to {limit:,} characters."})
    return forms.TypedChoiceField(
        choices=list(question.scale.items()), coerce=int, widget=forms.RadioSelect,
        error_messages={"required": f"Select an answer to “{question.text}”",
                        "invalid_choice": "Select one of the points of the scale"}, **common)


class SurveyPageForm(GovukForm):
    """One page of the survey: its questions shown given the answers so far; on the About you page, the
    respondent's details too (all optional, kept apart from the answers)."""

    def __init__(self, *args, questions=(), about_you: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = question_field(question)
        if about_you:
            self.fields["name"] = forms.CharField(label="Your name", required=False,
                                                  max_length=RESPONDENT_LIMITS["name"])
            self.fields["email"] = forms.EmailField(
                label="Your e-mail address", required=False, max_length=RESPONDENT_LIMITS["email"],
                error_messages={"invalid": "Enter an e-mail address in the right format, like name@example.org"})
            self.fields["postcode"] = forms.CharField(label="Your postcode", required=False,
                                                      max_length=RESPONDENT_LIMITS["postcode"])
            self.fields["organisation"] = forms.CharField(
                label="The organisation you respond for, if any", required=False,
                max_length=RESPONDENT_LIMITS["organisation"])
            for name, autocomplete in (("name", "name"), ("email", "email"), ("postcode", "postal-code"),
                                       ("organisation", "organization")):
                self.fields[name].widget.attrs["autocomplete"] = autocomplete
                self.fields[name].error_messages["max_length"] = (
                    f"{self.fields[name].label} must be {RESPONDENT_LIMITS[name]} characters or fewer")

    def answers(self) -> dict[int, object]:
        return {question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions}


class SendForm(forms.Form):
    """The check-answers page's button, and a field people cannot see that only a robot fills in."""

    website = forms.CharField(required=False, max_length=200)


class ConsultationForm(GovukForm):
    title = text_field("Title", error="Enter the consultation's title")
    slug = forms.SlugField(label="Web address", max_length=80, help_text="Letters, numbers and hyphens, e.g. "
                           "bexley-s75-renewal", error_messages={"required": "Enter the web address"})
    partners = forms.ModelMultipleChoiceField(
        label="Partners consulting jointly", queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the partners consulting jointly"})
    summary = forms.CharField(label="Summary", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
                              error_messages={"required": "Enter a summary of what is proposed"})
    body = textarea_field("Full text", rows=12, help_text="Headings start with ##, list items with -, links are "
                          "written [words](https://…).")
    ways_to_respond = textarea_field("Ways to respond")
    alternative_formats = textarea_field("Alternative formats")
    opens_at = forms.DateTimeField(label="Opens", help_text="London time, e.g. 2020-12-10 12:00",
                                   error_messages={"required": "Enter the opening time",
                                                   "invalid": "Enter the opening time like 2020-12-10 12:00"})
    closes_at = forms.DateTimeField(label="Closes", help_text="London time, e.g. 2021-03-04 12:00",
                                    error_messages={"required": "Enter the closing time",
                                                    "invalid": "Enter the closing time like 2021-03-04 12:00"})

    def __init__(self, *args, partners, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = partners
        if editing:
            del self.fields["slug"]


class QuestionForm(GovukForm):
    kind = forms.ChoiceField(label="Kind of question", choices=QuestionKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select the kind of question"})
    text = text_field("Question", error="Enter the question")
    help_text = text_field("Help text")
    options = textarea_field("Options", help_text="For a choice question: one option a line.")
    max_length = forms.IntegerField(label="Longest answer, in characters", required=False, min_value=1,
                                    help_text="For free text only.")
    page = forms.IntegerField(label="Page", min_value=1, initial=1,
                              error_messages={"required": "Enter the page the question is on"})
    required = forms.BooleanField(label="An answer is required", required=False)
    about_you = forms.BooleanField(label="A question about the respondent (asked in About you, always optional)",
                                   required=False)
    shown_if_option = forms.ModelChoiceField(label="Ask only of those who answered", queryset=None, required=False,
                                             empty_label="Everyone")

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown_if_option"].queryset = options
        self.fields["shown_if_option"].label_from_instance = lambda option: f"{option.question}: {option.label}"


class FaqForm(GovukForm):
    question = text_field("Question", error="Enter the question")
    answer = textarea_field("Answer", rows=8)


class ContactForm(GovukForm):
    name = text_field("Name", error="Enter the contact's name")
    role = text_field("Role")
    organisation = text_field("Organisation")
    email = text_field("E-mail address")
    telephone = text_field("Telephone", width="20")


class DocumentForm(GovukForm):
    name = text_field("Name", error="Enter the document's name")
    upload = forms.FileField(label="File", help_text="PDF or Word, smaller than 10 MB",
                             error_messages={"required": "Choose a file"})


class EraseForm(GovukForm):
    reference = text_field("Reference number", error="Enter the response's reference number", width="10",
                           help_text="As the respondent quotes it, for example ABCD-2345")


class OutcomeForm(GovukForm):
    summary = forms.CharField(label="What we heard and what the partners decided", max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 10}),
                              error_messages={"required": "Say what was heard and what the partners decided"})
    decision = forms.ModelChoiceField(label="The board decision it informed", queryset=None, required=False,
                                      empty_label="None recorded")

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions


class OfflineResponseForm(SurveyPageForm):
    """A response that came by letter, e-mail, a meeting or telephone: every question of the survey at once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, about_you=True, **kwargs)
        for question in self.questions:
            self.fields[f"q{question.pk}"].required = False
        self.fields["channel"] = forms.ChoiceField(
            label="How it came", widget=forms.RadioSelect,
            choices=[(value, label) for value, label in Channel.choices if value != Channel.ONLINE],
            error_messages={"required": "Select how the response came"})
        self.fields["received_on"] = date_field("Date received", error="Enter the date the response was received")
        self.order_fields(["channel", "received_on"])

    def received_at(self):
        received_on = self.cleaned_data["received_on"]
        now = timezone.localtime()
        return now if received_on == now.date() else timezone.make_aware(datetime.combine(received_on, time(12)))



class ThemeForm(GovukForm):
    name = text_field("Theme", error="Enter the theme's name", help_text="For example, Carers or Waiting times")


class AnalysisFilterForm(forms.Form):
    question = forms.TypedChoiceField(label="Question", required=False, coerce=int, empty_value=None)
    theme = forms.TypedChoiceField(label="Theme", required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label="Channel", required=False, choices=[("", "Any")] + list(Channel.choices))
    option = forms.TypedChoiceField(label="From those who answered", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, questions, themes, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [("", "Anything")] + [(option.pk, f"{option.question}: {option.label}")
                                                              for option in options]
        self.fields["question"].choices = [("", "Every free-text question")] + [(q.pk, q.text) for q in questions]
        self.fields["theme"].choices = [("", "Any or none"), (0, "Not yet tagged")] + [(t.pk, t.name) for t in themes]


class TagForm(forms.Form):
    themes = forms.ModelMultipleChoiceField(queryset=Theme.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "Write the note",
                                           "max_length": "The note must be 5,000 characters or fewer"})
