"""Reading agreement files: YAML and JSON, their syntax errors with line and column, text encodings."""

from pathlib import Path

import pytest

from s75.agreements.file_reading import AgreementFileError, FileProblem, agreement_file_read


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


def test_yaml_aliases_and_deep_nesting_are_refused_saying_where(tmp_path):
    aliases = _write(tmp_path, "aliases.yaml", b"format: s75-agreement/1\nterms: &t {review: x}\nmore: *t\n")
    deep_json = _write(tmp_path, "deep.json", b"[" * 100_000 + b"]" * 100_000)
    deep_yaml = _write(tmp_path, "deep.yaml", b"[" * 5000 + b"]" * 5000)
    with pytest.raises(AgreementFileError) as failed:
        agreement_file_read(aliases)
    assert failed.value.errors == [FileProblem("line 3, column 7", "the alias *t repeats another value: s75 does not "
                                               "read aliases, write the value out in full")]
    for path in (deep_json, deep_yaml):
        with pytest.raises(AgreementFileError) as failed:
            agreement_file_read(path)
        assert failed.value.errors == [FileProblem("", "the file nests lists or fields too deeply to read: no "
                                                   "agreement file does")]
