"""What every reader of a user's YAML or JSON file shares: aliases refused before they expand, and text that no
database can store (NUL, other control characters, lone surrogates) or nesting no file needs found, with where."""

import tracemalloc

import pytest
import yaml

from s75.core.files import MAX_DEPTH, SafeYamlLoader, text_problems

# Nine levels of nine aliases: 9**9 (387 million) list items once expanded, from 700 bytes of YAML.
BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{before}'] * 9)}]\n" for before, name in zip("abcdefgh", "bcdefghi", strict=True))


def test_an_alias_is_refused_before_anything_expands():
    tracemalloc.start()
    with pytest.raises(yaml.composer.ComposerError, match="s75 does not read aliases") as refused:
        yaml.load(BILLION_LAUGHS, Loader=SafeYamlLoader)  # noqa: S506 (safe)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert refused.value.problem_mark.line == 1
    assert peak < 5_000_000


def test_anchors_without_aliases_and_plain_yaml_read_as_usual():
    assert yaml.load("a: &a [1, 2]\nb: text\n", Loader=SafeYamlLoader) == {"a": [1, 2], "b": "text"}  # noqa: S506


@pytest.mark.parametrize(("character", "code"), [("\x00", "U+0000"), ("\x1b", "U+001B"), ("\ud800", "U+D800"),
                                                 ("\x7f", "U+007F")])
def test_text_no_database_can_store_is_found_with_where(character, code):
    document = {"agreement": {"title": f"Care{character}"}, "schedules": [{"title": "ok"}, {"title": character}]}
    assert [(where, what.split(",")[0]) for where, what in text_problems(document)] == [
        ("agreement.title", f"holds the character {code}"), ("schedules[1].title", f"holds the character {code}")]


def test_tabs_line_breaks_and_every_script_are_text():
    assert text_problems({"title": "Line one\nline two\tand\r\n\u0644\u0648\u062a\u0646 \u00e9 \U0001f600"}) == []


def test_nesting_deeper_than_any_file_needs_is_found():
    deep: list = []
    inner = deep
    for _ in range(MAX_DEPTH + 5):
        inner.append([])
        inner = inner[0]
    assert text_problems({"parties": deep}) == [
        ("parties" + "[0]" * MAX_DEPTH, f"the file nests more than {MAX_DEPTH} levels deep: no s75 file does")]
