"""Reads of consultations: the public hub's (every consultation's public pages, never a response's personal data)
and staff's, scoped in one place (:func:`consultations_visible_to`): a member of staff sees the consultations that
their organisation, or one it succeeded, runs as a consulting partner. Administrators and the system operator
(``None``) see everything."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from s75.agreements.selectors import visible_organisation_ids
from s75.organisations.models import Organisation

from .models import Answer, Consultation, QuestionKind, Response
from .status import ConsultationStatus, consultation_status


def consultations_visible_to(*, user) -> QuerySet[Consultation]:
    organisations = visible_organisation_ids(user=user)
    consultations = Consultation.objects.select_related("agreement")
    if organisations is None:
        return consultations
    if not organisations:
        return consultations.none()
    return consultations.filter(partners__in=organisations).distinct()


def consultation_get(*, user, pk: int) -> Consultation:
    """One consultation ``user`` may see; ``Consultation.DoesNotExist`` otherwise (pages answer 404 either way)."""
    return consultations_visible_to(user=user).get(pk=pk)


def user_may_manage(*, user, consultation: Consultation, permission: str) -> bool:
    """Whether ``user`` holds ``permission`` and is staff of a consulting partner: the one place this is decided."""
    return (getattr(user, "is_authenticated", False) and user.has_perm(permission)
            and consultations_visible_to(user=user).filter(pk=consultation.pk).exists())


@dataclass(frozen=True)
class HubEntry:
    consultation: Consultation
    status: ConsultationStatus


def public_consultations(*, now: datetime, search: str = "", partner: int | None = None) -> dict[str, list[HubEntry]]:
    """The public hub's list: every consultation, by status (open, forthcoming, closed — a published outcome is
    listed with the closed), narrowed to those whose title or summary has the ``search`` words and that a
    ``partner`` runs."""
    consultations = Consultation.objects.prefetch_related("partners").order_by("closes_at", "title")
    for word in search.split():
        consultations = consultations.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    if partner is not None:
        consultations = consultations.filter(partners=partner)
    groups: dict[str, list[HubEntry]] = {"open": [], "forthcoming": [], "closed": []}
    for consultation in consultations:
        status = consultation_status(consultation, now=now)
        group = "closed" if status == ConsultationStatus.OUTCOME_PUBLISHED else status.value
        groups[group].append(HubEntry(consultation, status))
    groups["closed"].reverse()  # the most recently closed first
    return groups


def public_partners() -> QuerySet[Organisation]:
    """The organisations that run a consultation, for the hub's filter."""
    return Organisation.objects.filter(consultations__isnull=False).distinct().order_by("name")


def public_consultation_get(*, slug: str, page: bool = True) -> Consultation:
    """The consultation at ``slug``; with what its public page shows (partners, FAQs, contacts, documents) unless
    ``page`` is false, as for the survey's pages, which show none of them."""
    consultations = Consultation.objects.all()
    if page:
        consultations = consultations.prefetch_related("partners", "faqs", "contacts", "documents")
    return consultations.get(slug=slug)


def consultation_responses(*, consultation: Consultation) -> QuerySet[Response]:
    """The responses to a consultation, with their personal data: for staff who may see the consultation only."""
    return consultation.responses.select_related("respondent").order_by("-received_at")


def consultation_counts(*, consultation: Consultation) -> dict[str, int]:
    """How many responses came by each channel."""
    return dict(consultation.responses.values_list("channel").annotate(count=Count("id")))


@dataclass(frozen=True)
class QuestionCounts:
    question: object
    counts: list[tuple[str, int]]  # (option or point of the scale, responses choosing it), in the survey's order
    answered: int


def question_counts(*, consultation: Consultation) -> list[QuestionCounts]:
    """How many responses chose each option, or each point of a scale, of every question; and how many answered a
    free-text question."""
    tallies: dict[tuple[int, object], int] = {}
    for question_id, option_id, scale_value, count in (
            Answer.objects.filter(question__consultation=consultation)
            .values_list("question_id", "option_id", "scale_value").annotate(count=Count("id"))):
        tallies[question_id, option_id if option_id is not None else scale_value] = count
    answered = dict(Answer.objects.filter(question__consultation=consultation).values_list("question_id")
                    .annotate(count=Count("response_id", distinct=True)))
    summary = []
    for question in consultation.questions.prefetch_related("options"):
        if question.scale:
            counts = [(label, tallies.get((question.pk, value), 0)) for value, label in question.scale.items()]
        else:
            counts = [(option.label, tallies.get((question.pk, option.pk), 0)) for option in question.options.all()]
        summary.append(QuestionCounts(question, counts, answered.get(question.pk, 0)))
    return summary


def free_text_answers(*, consultation: Consultation, question_id: int | None = None, theme_id: int | None = None,
                      channel: str = "", untagged: bool = False, option_id: int | None = None) -> QuerySet[Answer]:
    """The free-text answers to read and tag, narrowed to a question, a theme (or those with none), a channel, and
    the responses that chose an option (of any question)."""
    answers = (Answer.objects.filter(question__consultation=consultation, question__kind=QuestionKind.TEXT)
               .select_related("question", "response").prefetch_related("themes", "response__notes")
               .order_by("question__position", "response__received_at", "id"))
    if question_id is not None:
        answers = answers.filter(question_id=question_id)
    if theme_id is not None:
        answers = answers.filter(themes=theme_id)
    if untagged:
        answers = answers.filter(themes__isnull=True)
    if channel:
        answers = answers.filter(response__channel=channel)
    if option_id is not None:
        answers = answers.filter(response__answers__option_id=option_id)
    return answers


def theme_counts(*, consultation: Consultation) -> list[tuple[object, int]]:
    """Each theme with the number of responses that have an answer tagged with it."""
    return [(theme, theme.responses) for theme in consultation.themes.annotate(
        responses=Count("answers__response", distinct=True)).order_by("-responses", "name")]


FLEXIBILITY_WORDS = (
    ("pooled_fund", "a pooled budget, a shared fund that both partners pay into"),
    ("lead_commissioning", "lead commissioning, one partner buying services on behalf of both"),
    ("integrated_provision", "integrated provision, services delivered by joint teams"),
)


def _listed(words: list[str]) -> str:
    return ", ".join(words[:-1]) + f" and {words[-1]}" if len(words) > 1 else "".join(words)


def consultation_draft(*, agreement) -> dict[str, str]:
    """A first draft of a consultation's summary and full text, from the agreement's data: its partners, the
    flexibilities it uses, its term and its schedules (the services covered). Staff edit it before saving."""
    partner_words = _listed([party.name_in_agreement for party in agreement.parties.order_by("position")])
    flexibilities = [words for field, words in FLEXIBILITY_WORDS if getattr(agreement, field)]
    summary = (f"{partner_words} propose to enter into a partnership agreement under section 75 of the NHS Act 2006 "
               f"from {agreement.start_date:%-d %B %Y} to {agreement.end_date:%-d %B %Y}, and would welcome your "
               "views.")
    body = ["## What is proposed", "The agreement would use:", *(f"- {words}" for words in flexibilities)]
    schedules = list(agreement.schedules.order_by("number"))
    if schedules:
        body += ["", "## The services it would cover", *(f"- {schedule.title}" for schedule in schedules)]
    return {"summary": summary, "body": "\n".join(body)}


def faq_drafts(*, agreement) -> dict[str, tuple[str, str]]:
    """Questions people ask about a proposed agreement, with answers drawn from its data (its partners and host,
    the flexibilities it uses, its schedules' services and who is eligible, its term), by a short key. Staff edit
    one before adding it; an answer the agreement holds no data for is left out."""
    parties = list(agreement.parties.order_by("position"))
    host = next((party for party in parties if party.is_host), None)
    partners = f"The partners would be {_listed([party.name_in_agreement for party in parties])}."
    if host is not None:
        partners += f" {host.name_in_agreement} would host the agreement"
        partners += (f", and its {agreement.pooled_fund_manager_title or 'pooled fund manager'} would manage the "
                     "pooled fund." if agreement.pooled_fund else ".")
    drafts = {"partners": ("Who would be part of the agreement?", partners)}
    flexibilities = [words for field, words in FLEXIBILITY_WORDS if getattr(agreement, field)]
    if flexibilities:
        drafts["flexibilities"] = (
            "What would the agreement let the partners do?",
            "\n".join(["Section 75 of the NHS Act 2006 lets the NHS and councils work together. This agreement would "
                       "use:", *(f"- {words}" for words in flexibilities)]))
    schedules = list(agreement.schedules.order_by("number"))
    if schedules:
        drafts["services"] = ("Which services would it cover?", "\n".join(
            f"- {schedule.title}" + (f": {' '.join(schedule.services.split())}" if schedule.services.strip() else "")
            for schedule in schedules))
    eligible = [f"- {schedule.title}: {' '.join(schedule.eligible_people.split())}" for schedule in schedules
                if schedule.eligible_people.strip()]
    if eligible:
        drafts["eligible"] = ("Who could use the services?", "\n".join(eligible))
    term = (f"It would run from {agreement.start_date:%-d %B %Y} to {agreement.end_date:%-d %B %Y}"
            + (f", and the partners could extend it by up to {agreement.extension_months_available} months."
               if agreement.extension_months_available else "."))
    drafts["term"] = ("How long would the agreement last?", term)
    return drafts


def agreement_consultations(*, agreement) -> QuerySet[Consultation]:
    """The consultations on ``agreement``, for its page (which the user may see, so they may see these)."""
    return Consultation.objects.filter(agreement=agreement).order_by("opens_at")


def agreement_consultation_unfinished(*, agreement, on: date) -> list[str] | None:
    """For the agreement lifecycle (``agreements.consultation_gate``): None when the agreement has no consultation in
    s75; else what is unfinished on ``on`` — a consultation not yet closed, or closed with no outcome published."""
    consultations = list(Consultation.objects.filter(agreement=agreement, variation__isnull=True).order_by("opens_at"))
    if not consultations:
        return None
    now = timezone.now()
    unmet = []
    for consultation in consultations:
        closes_on = timezone.localdate(consultation.closes_at)
        if consultation.closes_at > now or closes_on > on:
            unmet.append(f"the consultation “{consultation}” does not close until "
                         f"{timezone.localtime(consultation.closes_at):%d %B %Y at %H:%M}")
        elif consultation.outcome_published_at is None or timezone.localdate(consultation.outcome_published_at) > on:
            unmet.append(f"the consultation “{consultation}” has closed but its outcome is not published")
    return unmet
