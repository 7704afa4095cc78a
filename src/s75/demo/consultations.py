"""The demo's consultations (``data/consultations.yaml``): Bexley's, closed, with a few hundred generated responses
(seeded, so every load makes the same ones; some typed in from letters, e-mails, meetings and calls) whose comments
are tagged with themes, and
Hampshire's, open from two weeks before the demo is loaded. Loaded through the consultation services; safe to run
again: a consultation already there is left as it is."""

import random
from datetime import datetime, timedelta
from importlib import resources

import yaml
from django.utils import timezone

from s75.agreements.models import Agreement
from s75.consultations.models import Answer, Consultation, Question, QuestionKind
from s75.consultations.services import (
    answer_tag,
    consultation_create,
    contact_add,
    faq_add,
    outcome_publish,
    question_add,
    response_record,
    response_submit,
    theme_add,
)
from s75.governance.models import Decision
from s75.organisations.models import Organisation

# The generated free-text answers, each with the theme an analyst would tag it with.
COMMENTS = {
    "Joined-up care is long overdue.": "Joined-up care",
    "Please keep services local to Bexley.": "Local services",
    "I worry about waiting times for assessments.": "Waiting times",
    "Carers need more support and respite.": "Carers",
    "Make sure people who use services are involved in decisions.": "Involvement",
    "Good to see the voluntary sector included.": "Involvement",
    "The money should follow the person.": "Governance and money",
    "More detail on how the budget is governed, please.": "Governance and money",
}
OFFLINE = ("letter", "email", "meeting", "telephone")


def _london(text: str) -> datetime:
    return timezone.make_aware(datetime.strptime(text, "%Y-%m-%d %H:%M"))


def _survey(consultation: Consultation, specs: list[dict]) -> dict[str, Question]:
    before = consultation.opens_at - timedelta(days=1)
    questions: dict[str, Question] = {}
    for spec in specs:
        shown_if = None
        if "shown_if" in spec:
            key, label = spec["shown_if"]
            shown_if = questions[key].options.get(label=label)
        questions[spec["key"]] = question_add(
            actor=None, consultation=consultation, kind=spec["kind"], text=spec["text"],
            help_text=spec.get("help_text", ""), required=spec.get("required", False),
            about_you=spec.get("about_you", False), page=spec.get("page", 1), max_length=spec.get("max_length"),
            options=spec.get("options", ()), shown_if_option=shown_if, now=before,
        )
    return questions


def _generated_answers(rng: random.Random, questions: dict[str, Question]) -> dict[int, object]:
    answers: dict[int, object] = {}
    for question in questions.values():
        options = [option.pk for option in question.options.all()]
        if not question.required and rng.random() < 0.2:
            continue
        if question.kind == QuestionKind.SINGLE:
            answers[question.pk] = rng.choices(options, weights=[6, 2, 1, 1, 1, 1][:len(options)])[0]
        elif question.kind == QuestionKind.SEVERAL:
            answers[question.pk] = sorted(rng.sample(options, rng.randint(1, 3)))
        elif question.kind in (QuestionKind.AGREE, QuestionKind.RATING):
            answers[question.pk] = rng.choices([5, 4, 3, 2, 1], weights=[4, 5, 2, 1, 1])[0]
        elif rng.random() < 0.5:
            answers[question.pk] = rng.choice(sorted(COMMENTS))
    return answers


def _responses(consultation: Consultation, questions: dict[str, Question], count: int) -> None:
    rng = random.Random(f"{consultation.slug}-2021")  # noqa: S311 - reproducible demo data, not a secret
    span = (consultation.closes_at - consultation.opens_at).total_seconds()
    for number in range(count):
        received_at = consultation.opens_at + timedelta(seconds=rng.uniform(0, span - 3600))
        answers = _generated_answers(rng, questions)
        respondent = ({"name": f"Respondent {number + 1}", "postcode": rng.choice(["DA5 1AA", "DA6 7AT", "DA7 4HT",
                                                                                   "DA14 6LH", "DA16 3AL"])}
                      if rng.random() < 0.4 else {})
        if rng.random() < 0.12:
            response_record(actor=None, consultation=consultation, channel=rng.choice(OFFLINE),
                            received_at=received_at, answers=answers, respondent=respondent,
                            now=consultation.closes_at + timedelta(days=1))
        else:
            response_submit(consultation=consultation, answers=answers, respondent=respondent,
                            started_at=received_at - timedelta(minutes=10), now=received_at)


def _themes(consultation: Consultation) -> None:
    """The analysts' themes, each generated comment tagged with its own."""
    themes = {name: theme_add(actor=None, consultation=consultation, name=name)
              for name in sorted(set(COMMENTS.values()))}
    for answer in Answer.objects.filter(response__consultation=consultation, text__in=list(COMMENTS)):
        answer_tag(actor=None, answer=answer, themes=[themes[COMMENTS[answer.text]]])


def consultations_demo_load() -> None:
    data = yaml.safe_load(resources.files("s75.demo").joinpath("data", "consultations.yaml").read_text("utf-8"))
    today = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    for spec in data["consultations"]:
        if Consultation.objects.filter(slug=spec["slug"]).exists():
            continue
        agreement = Agreement.objects.get(reference=spec["agreement"])
        if "opens_at" in spec:
            opens_at, closes_at = _london(spec["opens_at"]), _london(spec["closes_at"])
        else:
            opens_at = today + timedelta(days=spec["opens_in_days"])
            closes_at = today + timedelta(days=spec["closes_in_days"])
        consultation = consultation_create(
            actor=None, agreement=agreement, slug=spec["slug"], title=spec["title"], summary=spec["summary"],
            body=spec["body"], ways_to_respond=spec["ways_to_respond"],
            alternative_formats=spec["alternative_formats"], opens_at=opens_at, closes_at=closes_at,
            partners=Organisation.objects.filter(parties__agreement=agreement).distinct(),
        )
        for contact in spec["contacts"]:
            contact_add(actor=None, consultation=consultation, **contact)
        for faq in spec["faqs"]:
            faq_add(actor=None, consultation=consultation, question=faq["question"], answer=faq["answer"].strip())
        questions = _survey(consultation, spec["questions"])
        _responses(consultation, questions, spec["responses"])
        if spec["responses"]:
            _themes(consultation)
        if "outcome" in spec:
            outcome_publish(actor=None, consultation=consultation, summary=spec["outcome"]["summary"],
                            decision=Decision.objects.get(agreement=agreement,
                                                          minute_reference=spec["outcome"]["decision"]))
