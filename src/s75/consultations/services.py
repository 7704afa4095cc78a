"""Writes to consultations: setting one up, its survey, the responses (online and typed in), the outcome, and the
erasure of a respondent's personal data. Every page and command changes them through here; each service is one
transaction that writes its audit record (a public response is recorded with no actor).

A refusal is a :class:`ConsultationRefused` listing its problems, each naming the argument it concerns.
"""

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from s75.agreements.models import Agreement, Variation
from s75.audit.services import audit_record, snapshot
from s75.core.errors import Problem, ServiceError
from s75.core.users import acting_user
from s75.governance.models import Decision
from s75.organisations.models import Organisation

from .models import (
    CHOICE_KINDS,
    DOCUMENT_MAX_BYTES,
    DOCUMENT_TYPES,
    FREE_TEXT_MAX,
    SCALE_KINDS,
    AnalystNote,
    Answer,
    Channel,
    Consultation,
    Contact,
    Document,
    Faq,
    Option,
    Question,
    QuestionKind,
    RespondentDetails,
    Response,
    Theme,
)
from .status import ConsultationStatus, consultation_status
from .survey import visible_questions

# A response started before the consultation closed is accepted for this long after.
GRACE_PERIOD = timedelta(minutes=30)
# The reference a respondent is given: unguessable, and easy to read out (no 0/O, 1/I/L).
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RESPONDENT_LIMITS = {"name": 200, "email": 254, "postcode": 10, "organisation": 300}


class ConsultationRefused(ServiceError):
    """A refused change to a consultation; ``problems`` lists every reason."""


def _refuse_if(problems: list) -> None:
    if problems:
        raise ConsultationRefused(problems)


MAX_PAGE = 100  # more pages than any survey has; the column holds at most 32,767


def _too_long(value: str, limit: int, field: str, what: str) -> list[Problem]:
    return [Problem(f"{what} must be {limit:,} characters or fewer", field)] if len(value) > limit else []


def _consultation_problems(*, agreement: Agreement, variation: Variation | None, partners: list[Organisation],
                           slug: str, title: str, summary: str, body: str, opens_at: datetime, closes_at: datetime,
                           ways_to_respond: str = "", alternative_formats: str = "",
                           exclude_pk: int | None = None) -> list[Problem]:
    problems = _too_long(ways_to_respond, 5000, "ways_to_respond", "the ways to respond")
    problems += _too_long(alternative_formats, 2000, "alternative_formats", "the offer of other formats")
    if not title.strip():
        problems.append(Problem("enter the consultation's title", "title"))
    problems += _too_long(title, 200, "title", "the title")
    if not slug.strip():
        problems.append(Problem("enter the consultation's web address (letters, numbers and hyphens)", "slug"))
    elif slug.strip() == "manage":
        problems.append(Problem("“manage” is the address of staff's pages: choose another", "slug"))
    elif Consultation.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        problems.append(Problem(f"another consultation already has the address {slug!r}", "slug"))
    if not summary.strip():
        problems.append(Problem("enter a summary of what is proposed", "summary"))
    problems += _too_long(summary, 2000, "summary", "the summary")
    problems += _too_long(body, 50000, "body", "the full text")
    if opens_at is None or closes_at is None or timezone.is_naive(opens_at) or timezone.is_naive(closes_at):
        problems.append(Problem("give the opening and closing times", "opens_at"))
    elif closes_at <= opens_at:
        problems.append(Problem("the consultation must close after it opens", "closes_at"))
    if variation is not None and variation.agreement_id != agreement.pk:
        problems.append(Problem(f"{variation} is a variation of another agreement", "variation"))
    party_ids = set(agreement.parties.values_list("organisation_id", flat=True))
    if not partners:
        problems.append(Problem("name the partners consulting jointly", "partners"))
    for partner in partners:
        if partner.pk not in party_ids:
            problems.append(Problem(f"{partner} is not a party to {agreement}", "partners"))
    return problems


def consultation_create(
    *, actor, agreement: Agreement, partners: Iterable[Organisation], slug: str, title: str, summary: str,
    opens_at: datetime, closes_at: datetime, body: str = "", ways_to_respond: str = "", alternative_formats: str = "",
    variation: Variation | None = None,
) -> Consultation:
    """A consultation on ``agreement`` (or one of its ``variation``s) by ``partners``, all parties to it."""
    partners = list(partners)
    _refuse_if(_consultation_problems(agreement=agreement, variation=variation, partners=partners, slug=slug,
                                      title=title, summary=summary, body=body, opens_at=opens_at,
                                      closes_at=closes_at, ways_to_respond=ways_to_respond,
                                      alternative_formats=alternative_formats))
    with transaction.atomic():
        consultation = Consultation.objects.create(
            agreement=agreement, variation=variation, slug=slug.strip(), title=title.strip(), summary=summary.strip(),
            body=body.strip(), ways_to_respond=ways_to_respond.strip(), alternative_formats=alternative_formats.strip(),
            opens_at=opens_at, closes_at=closes_at, created_by=acting_user(actor), modified_by=acting_user(actor),
        )
        consultation.partners.set(partners)
        audit_record(actor=actor, action="consultation_create", obj=consultation, agreement=agreement,
                     after={**snapshot(consultation), "partners": sorted(str(partner) for partner in partners)})
    return consultation


def _survey_frozen(consultation: Consultation, now: datetime) -> list[Problem]:
    if consultation_status(consultation, now=now) != ConsultationStatus.FORTHCOMING:
        return [Problem("the consultation has opened, so its survey can no longer change: answers already given "
                        "would no longer match the questions")]
    return []


def consultation_update(
    *, actor, consultation: Consultation, partners: Iterable[Organisation], title: str, summary: str,
    opens_at: datetime, closes_at: datetime, body: str = "", ways_to_respond: str = "", alternative_formats: str = "",
    now: datetime | None = None,
) -> Consultation:
    """Change a consultation's words, partners and times. Once it has opened its opening time stays; once it has
    closed its closing time stays (it is not reopened), and a new closing time is never in the past."""
    now = now or timezone.now()
    partners = list(partners)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        problems = _consultation_problems(
            agreement=locked.agreement, variation=locked.variation, partners=partners, slug=locked.slug, title=title,
            summary=summary, body=body, opens_at=opens_at, closes_at=closes_at, ways_to_respond=ways_to_respond,
            alternative_formats=alternative_formats, exclude_pk=locked.pk)
        if locked.opens_at <= now and opens_at != locked.opens_at:
            problems.append(Problem("the consultation has opened: its opening time can no longer change", "opens_at"))
        if locked.closes_at <= now and closes_at != locked.closes_at:
            problems.append(Problem("the consultation has closed: its closing time can no longer change", "closes_at"))
        elif closes_at != locked.closes_at and closes_at <= now:
            problems.append(Problem("the new closing time has passed: close the consultation from now on at the "
                                    "earliest", "closes_at"))
        _refuse_if(problems)
        before = snapshot(locked)
        for name, value in (("title", title.strip()), ("summary", summary.strip()), ("body", body.strip()),
                            ("ways_to_respond", ways_to_respond.strip()),
                            ("alternative_formats", alternative_formats.strip()), ("opens_at", opens_at),
                            ("closes_at", closes_at)):
            setattr(locked, name, value)
        locked.modified_by = acting_user(actor)
        locked.save()
        locked.partners.set(partners)
        audit_record(actor=actor, action="consultation_update", obj=locked, agreement=locked.agreement,
                     before=before, after=snapshot(locked))
    return locked


def faq_add(*, actor, consultation: Consultation, question: str, answer: str) -> Faq:
    problems = [] if question.strip() else [Problem("enter the question", "question")]
    problems += [] if answer.strip() else [Problem("enter the answer", "answer")]
    problems += _too_long(question, 500, "question", "the question")
    problems += _too_long(answer, 10000, "answer", "the answer")
    _refuse_if(problems)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        faq = Faq.objects.create(consultation=locked, position=locked.faqs.count() + 1, question=question.strip(),
                                 answer=answer.strip())
        audit_record(actor=actor, action="consultation_faq_add", obj=faq, agreement=locked.agreement,
                     after=snapshot(faq))
    return faq


def contact_add(*, actor, consultation: Consultation, name: str, role: str = "", organisation: str = "",
                email: str = "", telephone: str = "") -> Contact:
    problems = [] if name.strip() else [Problem("enter the contact's name", "name")]
    if not email.strip() and not telephone.strip():
        problems.append(Problem("give an e-mail address or a telephone number for the contact", "email"))
    if email.strip():
        try:
            validate_email(email.strip())
        except ValidationError:
            problems.append(Problem("enter an e-mail address in the right format, like name@example.org", "email"))
        problems += _too_long(email.strip(), 254, "email", "the e-mail address")
    problems += _too_long(name, 200, "name", "the name") + _too_long(role, 300, "role", "the role")
    problems += _too_long(organisation, 300, "organisation", "the organisation")
    problems += _too_long(telephone, 40, "telephone", "the telephone number")
    _refuse_if(problems)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        contact = Contact.objects.create(
            consultation=locked, position=locked.contacts.count() + 1, name=name.strip(), role=role.strip(),
            organisation=organisation.strip(), email=email.strip(), telephone=telephone.strip(),
        )
        audit_record(actor=actor, action="consultation_contact_add", obj=contact, agreement=locked.agreement,
                     after=snapshot(contact))
    return contact


# How each kind of document begins: a PDF with its header, a .docx as the zip archive it is, a .doc as an OLE file.
DOCUMENT_SIGNATURES = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04", ".doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}


def _begins_as(upload, signature: bytes) -> bool:
    upload.seek(0)
    head = upload.read(len(signature))
    upload.seek(0)
    return head == signature


def document_add(*, actor, consultation: Consultation, name: str, upload) -> Document:
    """A PDF or Word document, at most ``DOCUMENT_MAX_BYTES``, kept under ``var/`` and shown with its size and type."""
    problems = [] if name.strip() else [Problem("enter the document's name", "name")]
    problems += _too_long(name, 200, "name", "the name")
    suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if upload is not None and "." in upload.name else ""
    if upload is None:
        problems.append(Problem("choose a file", "upload"))
    elif suffix not in DOCUMENT_TYPES:
        problems.append(Problem("the document must be a PDF or a Word file (.pdf, .doc or .docx)", "upload"))
    elif not upload.size:
        problems.append(Problem("the file is empty", "upload"))
    elif upload.size > DOCUMENT_MAX_BYTES:
        problems.append(Problem(f"the file must be smaller than {DOCUMENT_MAX_BYTES // (1024 * 1024)} MB", "upload"))
    elif not _begins_as(upload, DOCUMENT_SIGNATURES[suffix]):
        problems.append(Problem(f"the file is named {suffix} but does not hold a "
                                f"{'PDF' if suffix == '.pdf' else 'Word'} document: save it again as one", "upload"))
    _refuse_if(problems)
    with transaction.atomic():
        document = Document(consultation=consultation, name=name.strip(), size_bytes=upload.size,
                            content_type=DOCUMENT_TYPES[suffix])
        document.file.save(upload.name, upload, save=False)
        document.save()
        audit_record(actor=actor, action="consultation_document_add", obj=document,
                     agreement=consultation.agreement, after=snapshot(document))
    return document


def question_add(
    *, actor, consultation: Consultation, kind: str, text: str, help_text: str = "", required: bool = False,
    about_you: bool = False, page: int = 1, max_length: int | None = None, options: Iterable[str] = (),
    shown_if_option: Option | None = None, now: datetime | None = None,
) -> Question:
    """A question at the end of the survey, refused once the consultation has opened. A choice question has its
    options (two or more); free text its length limit; ``shown_if_option`` is an option of a question on an earlier
    page, whose choice shows this one."""
    options = [option.strip() for option in options if option.strip()]
    problems = [] if text.strip() else [Problem("enter the question", "text")]
    problems += _too_long(text, 500, "text", "the question") + _too_long(help_text, 1000, "help_text", "the help text")
    if kind not in QuestionKind.values:
        problems.append(Problem("choose what kind of question it is", "kind"))
    if kind in CHOICE_KINDS and len(options) < 2:
        problems.append(Problem("a choice question needs at least two options, one a line", "options"))
    if kind in CHOICE_KINDS and len(set(options)) != len(options):
        problems.append(Problem("each option must be different", "options"))
    if kind not in CHOICE_KINDS and options:
        problems.append(Problem("only a choice question has options", "options"))
    if kind == QuestionKind.TEXT and not (max_length and 1 <= max_length <= FREE_TEXT_MAX):
        problems.append(Problem(f"give the longest answer allowed, from 1 to {FREE_TEXT_MAX:,} characters",
                                "max_length"))
    if kind != QuestionKind.TEXT:
        max_length = None
    if about_you and required:
        problems.append(Problem("questions about the respondent are always optional", "required"))
    if not 1 <= page <= MAX_PAGE:
        problems.append(Problem(f"the page number must be from 1 to {MAX_PAGE}", "page"))
    for number, option in enumerate(options, start=1):
        problems += _too_long(option, 300, "options", f"option {number}")
    if shown_if_option is not None:
        condition = shown_if_option.question
        if condition.consultation_id != consultation.pk:
            problems.append(Problem("the question it depends on is in another consultation", "shown_if_option"))
        elif condition.page >= page or condition.about_you or about_you:
            problems.append(Problem("a question can depend only on a question of an earlier page (not About you)",
                                    "shown_if_option"))
    _refuse_if(problems)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        _refuse_if(_survey_frozen(locked, now or timezone.now()))
        question = Question.objects.create(
            consultation=locked, position=locked.questions.count() + 1, page=page, kind=kind, text=text.strip(),
            help_text=help_text.strip(), required=required, about_you=about_you, max_length=max_length,
            shown_if_option=shown_if_option,
        )
        Option.objects.bulk_create(Option(question=question, position=number, label=label)
                                   for number, label in enumerate(options, start=1))
        audit_record(actor=actor, action="consultation_question_add", obj=question, agreement=locked.agreement,
                     after={**snapshot(question), "options": options})
    return question


def question_remove(*, actor, question: Question, now: datetime | None = None) -> None:
    """Take a question out of a survey that has not opened; those after it move up."""
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=question.consultation_id)
        problems = _survey_frozen(locked, now or timezone.now())
        if Question.objects.filter(shown_if_option__question=question).exists():
            problems.append(Problem("another question is shown only after an answer to this one: remove it first"))
        _refuse_if(problems)
        before = snapshot(question)
        question.delete()
        for position, later in enumerate(locked.questions.order_by("position"), start=1):
            if later.position != position:
                Question.objects.filter(pk=later.pk).update(position=position)
        audit_record(actor=actor, action="consultation_question_remove", obj=locked, agreement=locked.agreement,
                     before=before)


def outcome_decisions(*, consultation: Consultation):
    """The board decisions an outcome may cite: those on the consultation's agreement or on the one it renews."""
    agreements = [consultation.agreement_id, consultation.agreement.predecessor_id]
    return Decision.objects.filter(agreement_id__in=[pk for pk in agreements if pk]).select_related("meeting__board")


def outcome_publish(*, actor, consultation: Consultation, summary: str, decision: Decision | None = None,
                    now: datetime | None = None) -> Consultation:
    """Publish what the partners heard and decided, once the consultation has closed, with the board ``decision`` it
    informed (on its agreement, or on the agreement it renews)."""
    now = now or timezone.now()
    problems = [] if summary.strip() else [Problem("say what was heard and what the partners decided", "summary")]
    problems += _too_long(summary, 20000, "summary", "the outcome")
    if decision is not None and not outcome_decisions(consultation=consultation).filter(pk=decision.pk).exists():
        problems.append(Problem(f"the decision ({decision}) is on another agreement: choose one on "
                                f"{consultation.agreement} or the agreement it renews", "decision"))
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        status = consultation_status(locked, now=now)
        if status in (ConsultationStatus.FORTHCOMING, ConsultationStatus.OPEN):
            problems.append(Problem(f"the consultation is {status.label.lower()}: an outcome is published after it "
                                    "closes"))
        _refuse_if(problems)
        fields = ("outcome_summary", "outcome_published_at", "outcome_decision_id")
        before = snapshot(locked, *fields)
        locked.outcome_summary, locked.outcome_published_at, locked.outcome_decision = summary.strip(), now, decision
        locked.modified_by = acting_user(actor)
        locked.save()
        audit_record(actor=actor, action="consultation_outcome_publish", obj=locked, agreement=locked.agreement,
                     before=before, after=snapshot(locked, *fields))
    return locked


def answers_problems(*, consultation: Consultation, answers: Mapping[int, object]) -> tuple[dict, list[Problem]]:
    """The answers to keep (those to questions shown, given what was chosen earlier) and what is wrong with them.

    ``answers`` maps a question's id to an option's id (single choice), a list of them (several choices), a number
    from 1 to 5 (scales) or text. A problem names the question's field, ``q<id>``."""
    kept, problems = {}, []
    questions = list(consultation.questions.prefetch_related("options"))
    for question in visible_questions(questions, answers):
        field = f"q{question.pk}"
        value = answers.get(question.pk)
        if value in (None, "", [], ()):
            if question.required:
                problems.append(Problem(f"answer “{question.text}”", field))
            continue
        option_ids = {option.pk for option in question.options.all()}
        if question.kind == QuestionKind.SINGLE and value not in option_ids:
            problems.append(Problem(f"choose one of the options for “{question.text}”", field))
        elif question.kind == QuestionKind.SEVERAL and (not isinstance(value, list | tuple)
                                                        or not set(value) <= option_ids):
            problems.append(Problem(f"choose from the options for “{question.text}”", field))
        elif question.kind in SCALE_KINDS and value not in question.scale:
            problems.append(Problem(f"choose one of the points of the scale for “{question.text}”", field))
        elif question.kind == QuestionKind.TEXT and (not isinstance(value, str) or len(value) > question.max_length):
            problems.append(Problem(f"the answer to “{question.text}” must be {question.max_length:,} characters "
                                    "or fewer", field))
        kept[question.pk] = value
    return kept, problems


def _respondent_problems(respondent: Mapping[str, str]) -> list[Problem]:
    problems = []
    for name, limit in RESPONDENT_LIMITS.items():
        problems += _too_long(respondent.get(name, ""), limit, name, f"the {name}")
    if respondent.get("email", "").strip():
        try:
            validate_email(respondent["email"].strip())
        except ValidationError:
            problems.append(Problem("enter an e-mail address in the right format, like name@example.org", "email"))
    return problems


def _new_reference() -> str:
    while True:
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"{code[:4]}-{code[4:]}"
        if not Response.objects.filter(reference=reference).exists():
            return reference


def _save_response(*, consultation: Consultation, channel: str, received_at: datetime, answers: dict,
                   respondent: Mapping[str, str], recorded_by, draft: str = "") -> Response:
    response = Response.objects.create(consultation=consultation, reference=_new_reference(), channel=channel,
                                       received_at=received_at, recorded_by=recorded_by, draft=draft)
    rows = []
    questions = {question.pk: question for question in consultation.questions.all()}
    for question_id, value in answers.items():
        kind = questions[question_id].kind
        if kind == QuestionKind.SEVERAL:
            rows += [Answer(response=response, question_id=question_id, option_id=option) for option in value]
        elif kind == QuestionKind.SINGLE:
            rows.append(Answer(response=response, question_id=question_id, option_id=value))
        elif kind in SCALE_KINDS:
            rows.append(Answer(response=response, question_id=question_id, scale_value=value))
        else:
            rows.append(Answer(response=response, question_id=question_id, text=value.strip()))
    Answer.objects.bulk_create(rows)
    details = {name: respondent.get(name, "").strip() for name in RESPONDENT_LIMITS}
    if any(details.values()):
        RespondentDetails.objects.create(response=response, **details)
    return response


def _receipt_send(*, consultation: Consultation, reference: str, email: str) -> None:
    # The response is saved whatever happens to the mail: a receipt that cannot be sent must not tell the
    # respondent their response failed.
    send_mail(
        subject=f"Your response to “{consultation.title}”: {reference}",
        message=(f"Thank you for responding to “{consultation.title}”.\n\nYour reference number is {reference}. "
                 "Quote it if you want your name and contact details erased.\n\nThe partners will publish what they "
                 "heard and what they decided after the consultation closes."),
        from_email=None, recipient_list=[email], fail_silently=True,
    )


def response_submit(*, consultation: Consultation, answers: Mapping[int, object], respondent: Mapping[str, str],
                    started_at: datetime, draft: str = "", now: datetime | None = None) -> Response:
    """A response sent online by a member of the public. Refused before the consultation opens and after it closes,
    except that a response started before closing is accepted for ``GRACE_PERIOD`` after. A respondent who gave an
    e-mail address is sent a receipt with the reference once the response is saved.

    ``draft`` names the draft the answers come from: a draft sent again (a double click, or the browser sending the
    form twice) is saved once, and the response saved the first time is returned."""
    if draft and (sent := Response.objects.filter(consultation=consultation, draft=draft).first()):
        return sent
    now = now or timezone.now()
    kept, problems = answers_problems(consultation=consultation, answers=answers)
    problems += _respondent_problems(respondent)
    if now < consultation.opens_at:
        problems.insert(0, Problem("this consultation has not opened yet"))
    elif now >= consultation.closes_at and not (started_at < consultation.closes_at
                                                and now < consultation.closes_at + GRACE_PERIOD):
        problems.insert(0, Problem("this consultation has closed, so it no longer takes responses"))
    if not kept and not problems:
        problems.append(Problem("answer at least one question"))
    _refuse_if(problems)
    try:
        with transaction.atomic():
            response = _save_response(consultation=consultation, channel=Channel.ONLINE, received_at=now,
                                      answers=kept, respondent=respondent, recorded_by=None, draft=draft)
            audit_record(actor=None, action="consultation_response", obj=response, agreement=consultation.agreement,
                         after=snapshot(response, "consultation_id", "reference", "channel", "received_at"))
            email = respondent.get("email", "").strip()
            if email:
                transaction.on_commit(lambda: _receipt_send(consultation=consultation, reference=response.reference,
                                                            email=email))
    except IntegrityError:
        # The same draft sent at the same moment by another request, which saved it first.
        sent = Response.objects.filter(consultation=consultation, draft=draft).first() if draft else None
        if sent is None:
            raise
        return sent
    return response


def response_record(*, actor, consultation: Consultation, channel: str, received_at: datetime,
                    answers: Mapping[int, object], respondent: Mapping[str, str],
                    now: datetime | None = None) -> Response:
    """A response that came by letter, e-mail, a meeting or telephone, typed in by staff with the date received."""
    now = now or timezone.now()
    kept, problems = answers_problems(consultation=consultation, answers=answers)
    problems += _respondent_problems(respondent)
    if channel not in Channel.values or channel == Channel.ONLINE:
        problems.append(Problem("choose how the response came: e-mail, letter, meeting or telephone", "channel"))
    if received_at is None:
        problems.append(Problem("give the date the response was received", "received_at"))
    elif received_at > now:
        problems.append(Problem("the date received cannot be in the future", "received_at"))
    elif consultation.opens_at > now:
        opens = timezone.localtime(consultation.opens_at)
        problems.append(Problem(f"the consultation opens at {opens:%H:%M on %d %B %Y}: responses are recorded from "
                                "then", "received_at"))
    elif not (timezone.localdate(consultation.opens_at) <= timezone.localdate(received_at)
              <= timezone.localdate(consultation.closes_at)):
        problems.append(Problem(f"the response must have been received while the consultation was open, from "
                                f"{timezone.localdate(consultation.opens_at):%d %B %Y} to "
                                f"{timezone.localdate(consultation.closes_at):%d %B %Y}", "received_at"))
    if not kept and not any(problems):
        problems.append(Problem("type in at least one answer"))
    _refuse_if(problems)
    with transaction.atomic():
        response = _save_response(consultation=consultation, channel=channel, received_at=received_at, answers=kept,
                                  respondent=respondent, recorded_by=acting_user(actor))
        audit_record(actor=actor, action="consultation_response_record", obj=response,
                     agreement=consultation.agreement,
                     after=snapshot(response, "consultation_id", "reference", "channel", "received_at"))
    return response


def consultation_erase(*, actor, consultation: Consultation, reference: str, now: datetime | None = None) -> Response:
    """Erase the personal data of the response ``reference`` on the respondent's request; the answers stay. The
    audit record notes the erasure, not what was erased."""
    now = now or timezone.now()
    with transaction.atomic():
        response = (Response.objects.select_for_update()
                    .filter(consultation=consultation, reference=reference.strip().upper()).first())
        if response is None:
            raise ConsultationRefused(f"no response to {consultation} has the reference {reference!r}",
                                      field="reference")
        if response.personal_data_erased_at is not None:
            raise ConsultationRefused(f"the personal data of {response} was already erased on "
                                      f"{timezone.localtime(response.personal_data_erased_at):%d %B %Y}",
                                      field="reference")
        RespondentDetails.objects.filter(response=response).delete()
        response.personal_data_erased_at = now
        response.save(update_fields=["personal_data_erased_at"])
        audit_record(actor=actor, action="consultation_erase", obj=response, agreement=consultation.agreement,
                     after=snapshot(response, "reference", "personal_data_erased_at"))
    return response


def theme_add(*, actor, consultation: Consultation, name: str) -> Theme:
    """A theme for the analysts to tag free-text answers with."""
    name = name.strip()
    problems = [] if name else [Problem("enter the theme's name", "name")]
    problems += _too_long(name, 100, "name", "the theme's name")
    if name and consultation.themes.filter(name__iexact=name).exists():
        problems.append(Problem(f"the consultation already has the theme “{name}”", "name"))
    _refuse_if(problems)
    with transaction.atomic():
        theme = Theme.objects.create(consultation=consultation, name=name)
        audit_record(actor=actor, action="consultation_theme_add", obj=theme, agreement=consultation.agreement,
                     after=snapshot(theme))
    return theme


def answer_tag(*, actor, answer: Answer, themes: Iterable[Theme]) -> Answer:
    """Tag a free-text answer with ``themes`` (replacing its tags), all of its consultation's."""
    themes = list(themes)
    consultation_id = answer.response.consultation_id
    problems = [] if answer.text else [Problem("only a free-text answer is tagged with themes")]
    problems += [Problem(f"“{theme}” is a theme of another consultation", "themes")
                 for theme in themes if theme.consultation_id != consultation_id]
    _refuse_if(problems)
    with transaction.atomic():
        before = sorted(answer.themes.values_list("name", flat=True))
        answer.themes.set(themes)
        audit_record(actor=actor, action="consultation_answer_tag", obj=answer.response,
                     agreement=answer.response.consultation.agreement, before={"themes": before},
                     after={"themes": sorted(theme.name for theme in themes)})
    return answer


def note_add(*, actor, response: Response, text: str) -> AnalystNote:
    problems = [] if text.strip() else [Problem("write the note", "text")]
    problems += _too_long(text, 5000, "text", "the note")
    _refuse_if(problems)
    with transaction.atomic():
        note = AnalystNote.objects.create(response=response, text=text.strip(), created_by=acting_user(actor),
                                          modified_by=acting_user(actor))
        audit_record(actor=actor, action="consultation_note_add", obj=note,
                     agreement=response.consultation.agreement, after=snapshot(note, "response_id", "text"))
    return note
