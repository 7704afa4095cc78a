"""The survey as a respondent goes through it: its pages in order, and which questions are shown given the answers
so far (a conditional question is shown only when the option it depends on was chosen). Resolved on the server, so
the survey works with JavaScript off."""

from collections.abc import Iterable, Mapping

from .models import Question, QuestionKind

ABOUT_YOU = "about-you"


def _chosen(question: Question, value) -> set[int]:
    if question.kind == QuestionKind.SINGLE and value is not None:
        return {value}
    if question.kind == QuestionKind.SEVERAL and value:
        return set(value)
    return set()


def visible_questions(questions: Iterable[Question], answers: Mapping[int, object]) -> list[Question]:
    """The questions shown, in order, given ``answers`` (question id → value): a question that depends on an option
    is shown when that option's question is itself shown and the option was chosen."""
    shown, chosen = [], set()
    for question in sorted(questions, key=lambda q: (q.about_you, q.page, q.position)):
        if question.shown_if_option_id is not None and question.shown_if_option_id not in chosen:
            continue
        shown.append(question)
        chosen |= _chosen(question, answers.get(question.pk))
    return shown


def survey_pages(questions: Iterable[Question]) -> list[str]:
    """The survey's pages, in order: each page number that has questions, then About you (always: it asks for the
    respondent's details, which are optional)."""
    return [str(page) for page in sorted({q.page for q in questions if not q.about_you})] + [ABOUT_YOU]


def page_questions(questions: Iterable[Question], answers: Mapping[int, object], page: str) -> list[Question]:
    """The questions shown on ``page`` given the answers so far."""
    return [question for question in visible_questions(questions, answers)
            if (question.about_you if page == ABOUT_YOU else not question.about_you and str(question.page) == page)]
