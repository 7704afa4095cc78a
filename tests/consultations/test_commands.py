"""`s75 consultations` and `s75 consultation-erase`, run in the test's process."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from s75.consultations.models import RespondentDetails
from s75.consultations.services import response_submit
from tests.consultations.conftest import DURING
from tests.factories import UserFactory


def run(*args, **options) -> str:
    stdout = StringIO()
    call_command(*args, stdout=stdout, **options)
    return stdout.getvalue()


@pytest.fixture
def sent(consultation, survey):
    return response_submit(consultation=consultation, answers={survey["agree"].pk: survey["agree"].options.first().pk},
                           respondent={"name": "Pat"}, started_at=DURING, now=DURING)


def test_consultations_as_a_table_and_as_json(consultation, sent, commissioner):
    assert "equipment-store" in run("consultations") and "closed" in run("consultations")
    listed = json.loads(run("consultations", "--json", user=commissioner.username))
    assert listed[0]["responses"] == {"online": 1}
    assert listed[0]["opens_at"] == "2021-01-04T12:00:00+00:00"
    UserFactory(username="stranger", role="Commissioner")
    assert run("consultations", user="stranger") == "No consultations.\n"


def test_erase_keeps_the_answers(consultation, sent, commissioner):
    out = run("consultation_erase", str(consultation.pk), reference=sent.reference, user=commissioner.username)
    assert sent.reference in out
    assert not RespondentDetails.objects.exists() and sent.answers.exists()
    with pytest.raises(CommandError, match="already erased"):
        run("consultation_erase", str(consultation.pk), reference=sent.reference)


def test_erase_refused_to_others(consultation, sent):
    UserFactory(username="stranger", role="Commissioner")
    with pytest.raises(CommandError, match="No consultation"):
        run("consultation_erase", str(consultation.pk), reference=sent.reference, user="stranger")
    UserFactory(username="reader", role="Board member", organisation=consultation.partners.first())
    with pytest.raises(CommandError, match="may not erase"):
        run("consultation_erase", str(consultation.pk), reference=sent.reference, user="reader")
    assert RespondentDetails.objects.exists()


def test_export_as_csv_and_xlsx_with_personal_data_only_for_managers(consultation, sent, commissioner, tmp_path):
    out = tmp_path / "responses.csv"
    assert "Wrote 1 responses" in run("consultation_export", str(consultation.pk), format="csv", output=str(out),
                                      with_personal_data=True, user=commissioner.username)
    assert "Pat" in out.read_text(encoding="utf-8")
    run("consultation_export", str(consultation.pk), format="xlsx", output=str(tmp_path / "r.xlsx"))
    assert (tmp_path / "r.xlsx").stat().st_size > 0
    UserFactory(username="reader", role="Board member", organisation=consultation.partners.first())
    with pytest.raises(CommandError, match="may not see respondents' personal data"):
        run("consultation_export", str(consultation.pk), format="csv", with_personal_data=True, user="reader")
    run("consultation_export", str(consultation.pk), format="csv", output=str(out), user="reader")
    assert "Pat" not in out.read_text(encoding="utf-8")
