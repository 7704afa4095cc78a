"""The responses to a consultation as a table for Excel or CSV: one row per response, one column per option of each
choice question (1 where chosen), one per scale or free-text question, one per theme (1 where an answer of the
response is tagged with it), and the respondent's personal data only when the reader is allowed it."""

from collections import defaultdict
from io import StringIO

from django.utils import timezone
from openpyxl import Workbook

from s75.core.exports import csv_writer, table_workbook

from .models import CHOICE_KINDS, Answer, Consultation

PERSONAL_HEADERS = ["Name", "E-mail", "Postcode", "Organisation"]


def responses_table(*, consultation: Consultation, with_personal_data: bool) -> tuple[list[str], list[list]]:
    questions = list(consultation.questions.prefetch_related("options"))
    headers = ["Reference", "Channel", "Received"]
    columns: list[tuple[int, int | None]] = []  # (question id, option id or None)
    for number, question in enumerate(questions, start=1):
        if question.kind in CHOICE_KINDS:
            for option in question.options.all():
                headers.append(f"Q{number} {question.text}: {option.label}")
                columns.append((question.pk, option.pk))
        else:
            headers.append(f"Q{number} {question.text}")
            columns.append((question.pk, None))
    themes = list(consultation.themes.all())
    headers += [f"Theme: {theme.name}" for theme in themes]
    tagged = set(Answer.themes.through.objects.filter(theme__consultation=consultation)
                 .values_list("answer__response_id", "theme_id"))
    if with_personal_data:
        headers += PERSONAL_HEADERS
    values: dict[int, dict[tuple[int, int | None], object]] = defaultdict(dict)
    for answer in Answer.objects.filter(response__consultation=consultation).values(
            "response_id", "question_id", "option_id", "scale_value", "text"):
        if answer["option_id"] is not None:
            values[answer["response_id"]][(answer["question_id"], answer["option_id"])] = 1
        else:
            values[answer["response_id"]][(answer["question_id"], None)] = (
                answer["scale_value"] if answer["scale_value"] is not None else answer["text"])
    rows = []
    responses = consultation.responses.select_related("respondent") if with_personal_data \
        else consultation.responses.all()
    for response in responses.order_by("received_at", "id"):
        row = [response.reference, response.get_channel_display(),
               timezone.localtime(response.received_at).replace(tzinfo=None)]
        row += [values[response.pk].get(column, "") for column in columns]
        row += [1 if (response.pk, theme.pk) in tagged else "" for theme in themes]
        if with_personal_data:
            details = getattr(response, "respondent", None)
            row += ([details.name, details.email, details.postcode, details.organisation] if details
                    else ["", "", "", ""])
        rows.append(row)
    return headers, rows


def responses_workbook(*, consultation: Consultation, with_personal_data: bool) -> Workbook:
    headers, rows = responses_table(consultation=consultation, with_personal_data=with_personal_data)
    return table_workbook(title="Responses", headers=headers, rows=rows)


def responses_csv(*, consultation: Consultation, with_personal_data: bool) -> str:
    """The table as CSV, with a byte-order mark so that Excel reads it as UTF-8; text that a spreadsheet would run as
    a formula is kept as text by a leading apostrophe."""
    headers, rows = responses_table(consultation=consultation, with_personal_data=with_personal_data)
    buffer = StringIO()
    writer = csv_writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([cell.strftime("%Y-%m-%d %H:%M") if hasattr(cell, "strftime") else cell for cell in row])
    return "\ufeff" + buffer.getvalue()
