"""Public consultations on a proposed agreement (or a variation of it): their pages, survey and responses.

The regulations forbid partners to enter an arrangement unless they have consulted jointly those who appear to be
affected (DESIGN.md §8). A consultation belongs to one agreement (a renewal is an agreement of its own, so a
consultation on a renewal belongs to it), optionally to one of its variations, and names the partners consulting.

Status is derived, never stored (``status.consultation_status``)::

    forthcoming ──► open ──► closed ──► outcome published
      (opens_at)     (closes_at)  (outcome_published_at)

The survey's questions cannot change once the consultation has opened (``services`` refuses it). A response's
personal data (name, e-mail, postcode, organisation) is kept in its own table, apart from the answers, so that it
can be erased on request while the answers stay.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils.deconstruct import deconstructible

from s75.core.models import TrackedModel

# Uploaded consultation documents: PDF or Word only, at most this size.
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
FREE_TEXT_MAX = 5000  # the longest free-text answer any question may allow


@deconstructible
class ConsultationStorage(FileSystemStorage):
    """Consultation documents under ``var/consultations/documents``, read from the settings each time."""

    @property
    def base_location(self) -> str:
        return str(Path(settings.VAR_DIR) / "consultations" / "documents")

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())


class Consultation(TrackedModel):
    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.PROTECT, related_name="consultations")
    variation = models.ForeignKey(
        "agreements.Variation", null=True, blank=True, on_delete=models.PROTECT, related_name="consultations",
        help_text="The variation consulted on, if the consultation is about one.",
    )
    partners = models.ManyToManyField(
        "organisations.Organisation", related_name="consultations", help_text="The partners consulting jointly."
    )
    slug = models.SlugField(max_length=80, unique=True, help_text="The consultation's address on the public hub.")
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=2000)
    body = models.TextField(
        blank=True, max_length=50000,
        help_text="Headings start with ##, list items with -, links are written [words](https://…).",
    )
    ways_to_respond = models.TextField(blank=True, max_length=5000)
    alternative_formats = models.TextField(blank=True, max_length=2000)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    outcome_summary = models.TextField(blank=True, max_length=20000)
    outcome_published_at = models.DateTimeField(null=True, blank=True)
    outcome_decision = models.ForeignKey(
        "governance.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="consultations_informed",
        help_text="The board decision the consultation informed: on its agreement, or on the agreement it renews.",
    )

    class Meta:
        ordering = ["-opens_at", "title"]
        permissions = [
            ("manage_consultation", "Set up consultations, their surveys, and type in offline responses"),
            ("erase_personal_data", "Erase a respondent's personal data on request"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="consultation_closes_after_opening"),
            models.CheckConstraint(
                condition=Q(outcome_published_at__isnull=True)
                | (~Q(outcome_summary="") & Q(outcome_published_at__gte=F("closes_at"))),
                name="consultation_outcome_published_after_closing",
            ),
            models.CheckConstraint(
                condition=Q(outcome_decision__isnull=True) | Q(outcome_published_at__isnull=False),
                name="consultation_decision_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Faq(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="faqs")
    position = models.PositiveSmallIntegerField()
    question = models.CharField(max_length=500)
    answer = models.TextField(max_length=10000)

    class Meta:
        ordering = ["consultation", "position"]
        constraints = [models.UniqueConstraint(fields=["consultation", "position"], name="faq_position_unique")]

    def __str__(self) -> str:
        return self.question


class Contact(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="contacts")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=300, blank=True)
    organisation = models.CharField(max_length=300, blank=True)
    email = models.EmailField(blank=True)
    telephone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["consultation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "position"], name="contact_position_unique"),
            models.CheckConstraint(condition=~Q(email="") | ~Q(telephone=""), name="contact_reachable"),
        ]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to="%Y/%m/", storage=ConsultationStorage(), max_length=300)
    size_bytes = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)

    class Meta:
        ordering = ["consultation", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size_bytes__gt=0, size_bytes__lte=DOCUMENT_MAX_BYTES), name="document_size_limited"
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=sorted(set(DOCUMENT_TYPES.values()))), name="document_pdf_or_word"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def type_label(self) -> str:
        return "PDF" if self.content_type == DOCUMENT_TYPES[".pdf"] else "Word"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    SEVERAL = "several", "Several choices"
    TEXT = "text", "Free text"
    AGREE = "agree", "Agree or disagree scale"
    RATING = "rating", "Rating from 1 to 5"


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.SEVERAL)
SCALE_KINDS = (QuestionKind.AGREE, QuestionKind.RATING)
AGREE_LABELS = {5: "Strongly agree", 4: "Agree", 3: "Neither agree nor disagree", 2: "Disagree",
                1: "Strongly disagree"}
RATING_LABELS = {5: "5 (best)", 4: "4", 3: "3", 2: "2", 1: "1 (worst)"}


class Question(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    page = models.PositiveSmallIntegerField(default=1, help_text="Questions of one page number are asked together.")
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=500)
    help_text = models.CharField(max_length=1000, blank=True)
    required = models.BooleanField(default=False)
    about_you = models.BooleanField(
        default=False, help_text="An optional question about the respondent, asked in the About you section."
    )
    max_length = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Free text only.")
    shown_if_option = models.ForeignKey(
        "Option", null=True, blank=True, on_delete=models.PROTECT, related_name="conditional_questions",
        help_text="Ask this question only of those who chose this option of an earlier question.",
    )

    class Meta:
        ordering = ["consultation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "position"], name="question_position_unique"),
            models.CheckConstraint(condition=Q(page__gte=1), name="question_page_positive"),
            models.CheckConstraint(
                condition=Q(kind=QuestionKind.TEXT, max_length__isnull=False, max_length__gte=1,
                            max_length__lte=FREE_TEXT_MAX)
                | (~Q(kind=QuestionKind.TEXT) & Q(max_length__isnull=True)),
                name="question_text_length_limited",
            ),
            models.CheckConstraint(condition=Q(about_you=False) | Q(required=False),
                                   name="question_about_you_optional"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def scale(self) -> dict[int, str]:
        return AGREE_LABELS if self.kind == QuestionKind.AGREE else RATING_LABELS if self.kind == QuestionKind.RATING \
            else {}


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=300)

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="option_position_unique"),
            models.UniqueConstraint(fields=["question", "label"], name="option_label_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class Channel(models.TextChoices):
    ONLINE = "online", "Online survey"
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Letter"
    MEETING = "meeting", "Meeting"
    TELEPHONE = "telephone", "Telephone"


class Response(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="responses")
    reference = models.CharField(max_length=20, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The member of staff who typed in an offline response; blank for one sent online.",
    )
    personal_data_erased_at = models.DateTimeField(null=True, blank=True)
    draft = models.CharField(
        max_length=32, blank=True,
        help_text="The online draft it was sent from, so that sending it twice (a double click) saves it once.",
    )

    class Meta:
        ordering = ["consultation", "received_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel=Channel.ONLINE, recorded_by__isnull=True) | ~Q(channel=Channel.ONLINE),
                name="response_online_not_typed_in",
            ),
            models.UniqueConstraint(fields=["consultation", "draft"], condition=~Q(draft=""),
                                    name="response_sent_once_per_draft"),
        ]

    def __str__(self) -> str:
        return self.reference


class Theme(models.Model):
    """A theme that analysts tag free-text answers with: a list per consultation."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["consultation", "name"]
        constraints = [models.UniqueConstraint(fields=["consultation", "name"], name="theme_name_unique")]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    """One answer: a chosen option (one row per option chosen), a point on a scale, or free text (which analysts tag
    with the consultation's themes)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(Option, null=True, blank=True, on_delete=models.PROTECT, related_name="answers")
    scale_value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=FREE_TEXT_MAX)
    themes = models.ManyToManyField(Theme, blank=True, related_name="answers")

    class Meta:
        ordering = ["response", "question__position", "option__position"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(option__isnull=False) & Q(scale_value__isnull=True) & Q(text=""))
                | (Q(option__isnull=True, scale_value__isnull=False, scale_value__gte=1, scale_value__lte=5)
                   & Q(text=""))
                | (Q(option__isnull=True) & Q(scale_value__isnull=True) & ~Q(text="")),
                name="answer_one_kind_of_value",
            ),
            models.UniqueConstraint(fields=["response", "question", "option"], condition=Q(option__isnull=False),
                                    name="answer_option_once"),
            models.UniqueConstraint(fields=["response", "question"], condition=Q(option__isnull=True),
                                    name="answer_value_once"),
        ]

    def __str__(self) -> str:
        return f"{self.response}: {self.question}"


class AnalystNote(TrackedModel):
    """An analyst's note on a response."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(max_length=5000)

    class Meta:
        ordering = ["response", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="analyst_note_not_empty")]

    def __str__(self) -> str:
        return f"A note on {self.response}"


class RespondentDetails(models.Model):
    """A respondent's personal data, apart from their answers: erased on request, the answers kept."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="respondent")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    organisation = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(email="") | ~Q(postcode="") | ~Q(organisation=""),
                name="respondent_details_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"The respondent of {self.response}"
