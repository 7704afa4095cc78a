"""Reading agreement files: YAML and JSON, their syntax errors with line and column, text encodings."""

from pathlib import Path

import pytest
from django.db import transaction

from s75.agreements.document import agreement_document
from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import AgreementFileError, FileProblem, agreement_file_read
from s75.agreements.models import Agreement, Approval, Party, Schedule, Transition, Variation
from s75.audit.models import AuditEvent
from s75.budgets.models import Contribution
from s75.riskshare.models import PartyTerm, RiskShareTerms

DATA = Path(__file__).parent / "data"
LUTON_FILE = DATA / "luton-s75-2013.yaml"
DOCS_FILE = Path(__file__).parents[2] / "docs" / "agreement-file.md"
COUNTED = (Agreement, Party, Schedule, Contribution, Approval, RiskShareTerms, PartyTerm, Transition, Variation,
           AuditEvent)


def luton() -> dict:
    return agreement_file_read(LUTON_FILE)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def load_errors(document: dict, actor=None) -> list[FileProblem]:
    with pytest.raises(AgreementFileError) as failed:
        agreement_load(actor=actor, document=document)
    return failed.value.errors


def exported_then_forgotten(build) -> dict:
    """The export of what ``build()`` makes, with the database then put back as it was (a fresh database)."""
    with transaction.atomic():
        exported = agreement_document(agreement=build())
        transaction.set_rollback(True)
    return exported



def _write(tmp_path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path

def test_a_yaml_syntax_error_is_reported_with_its_line_and_column(tmp_path):
    path = _write(tmp_path, "broken.yaml", b"format: s75-agreement/1\nagreement:\n  title: A\n   reference: b\n")

    with pytest.raises(AgreementFileError) as failed:
        agreement_file_read(path)

    assert failed.value.errors == [FileProblem("line 4, column 13", "mapping values are not allowed here")]


def test_a_json_syntax_error_is_reported_with_its_line_and_column(tmp_path):
    path = _write(tmp_path, "broken.json", b'{\n  "format": "s75-agreement/1",\n  "agreement": {,}\n}\n')

    with pytest.raises(AgreementFileError) as failed:
        agreement_file_read(path)

    assert failed.value.errors == [
        FileProblem("line 3, column 17", "Expecting property name enclosed in double quotes")
    ]


def test_a_key_given_twice_is_reported_with_its_line(tmp_path):
    path = _write(tmp_path, "twice.yaml", b"format: s75-agreement/1\nparties: []\nparties: []\n")

    with pytest.raises(AgreementFileError) as failed:
        agreement_file_read(path)

    assert failed.value.errors == [FileProblem("line 3, column 1", "the key 'parties' is given twice "
                                               "(while reading a mapping)")]


def test_a_file_with_a_byte_order_mark_reads_and_dates_stay_text(tmp_path):
    path = _write(tmp_path, "bom.yaml", "\ufeffformat: s75-agreement/1\nstart: 2013-04-01\n".encode())

    assert agreement_file_read(path) == {"format": "s75-agreement/1", "start": "2013-04-01"}


def test_a_file_that_is_not_utf8_or_not_a_mapping_is_refused(tmp_path):
    latin = _write(tmp_path, "latin.yaml", "format: x\ntitle: Caf\u00e9\n".encode("latin-1"))
    listing = _write(tmp_path, "list.json", b"[1, 2]")

    for path, expected in [
        (latin, FileProblem("line 2", "the file is not UTF-8 text: save it as UTF-8 and load it again")),
        (listing, FileProblem("", "the file must hold one agreement: fields that start with format: "
                              "s75-agreement/1")),
    ]:
        with pytest.raises(AgreementFileError) as failed:
            agreement_file_read(path)
        assert failed.value.errors == [expected]
