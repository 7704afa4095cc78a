"""The responses as a table: one column per option, personal data only when asked for."""

import csv
from io import StringIO

from s75.consultations.exports import responses_csv, responses_table, responses_workbook
from s75.consultations.services import answer_tag, response_submit, theme_add
from tests.consultations.conftest import DURING


def _send(consultation, survey, **answers):
    return response_submit(consultation=consultation, answers={survey[key].pk: value for key, value in answers.items()},
                           respondent={"name": "Pat", "email": "pat@example.org"}, started_at=DURING, now=DURING)


def test_one_column_per_option_and_personal_data_only_when_asked(consultation, survey):
    no = survey["agree"].options.get(label="No").pk
    sent = _send(consultation, survey, agree=no, why="=HYPERLINK(\"http://x\")", rating=4)
    headers, rows = responses_table(consultation=consultation, with_personal_data=False)
    assert headers[:5] == ["Reference", "Channel", "Received", "Q1 Do you support it?: Yes",
                           "Q1 Do you support it?: No"]
    assert "Q5 Your age: 65 or over" in headers and "Name" not in headers
    row = dict(zip(headers, rows[0], strict=True))
    assert (row["Reference"], row["Q1 Do you support it?: Yes"], row["Q1 Do you support it?: No"],
            row["Q3 How good is the service now?"]) == (sent.reference, "", 1, 4)
    headers, rows = responses_table(consultation=consultation, with_personal_data=True)
    assert dict(zip(headers, rows[0], strict=True))["E-mail"] == "pat@example.org"


def test_csv_keeps_formulas_as_text_and_excel_opens(consultation, survey):
    no = survey["agree"].options.get(label="No").pk
    _send(consultation, survey, agree=no, why="=1+1")
    text = responses_csv(consultation=consultation, with_personal_data=False)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(StringIO(text.removeprefix("\ufeff"))))
    assert "'=1+1" in rows[1] and "pat@example.org" not in text
    sheet = responses_workbook(consultation=consultation, with_personal_data=True).active
    assert sheet.cell(row=1, column=1).value == "Reference" and sheet.max_row == 2


def test_one_column_per_theme(consultation, survey):
    no = survey["agree"].options.get(label="No").pk
    tagged = _send(consultation, survey, agree=no, why="Too costly")
    _send(consultation, survey, agree=no, why="Fine")
    cost = theme_add(actor=None, consultation=consultation, name="Cost")
    answer_tag(actor=None, answer=tagged.answers.get(question=survey["why"]), themes=[cost])
    headers, rows = responses_table(consultation=consultation, with_personal_data=False)
    assert [dict(zip(headers, row, strict=True))["Theme: Cost"] for row in rows] == [1, ""]
