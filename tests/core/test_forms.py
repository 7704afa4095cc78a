"""The GOV.UK form base: every form refuses text holding a character that is not text, at its field."""

import pytest
from django import forms

from s75.core.forms import GovukForm


class NoteForm(GovukForm):
    title = forms.CharField()
    note = forms.CharField(widget=forms.Textarea, required=False)


@pytest.mark.parametrize(("character", "code"), [("\x0b", "U+000B"), ("\x1b", "U+001B"), ("\x7f", "U+007F")])
def test_a_control_character_is_refused_at_its_field(character, code):
    form = NoteForm({"title": f"Care{character}home", "note": "Line one\nline two\tand\r\nthree"})
    assert not form.is_valid()
    assert form.errors == {"title": [f"Remove the character {code}: it is not text"]}


def test_tabs_and_line_breaks_are_text():
    assert NoteForm({"title": "Care home", "note": "Line one\nline two\tand\r\nthree"}).is_valid()
