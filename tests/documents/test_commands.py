"""`s75 agreement-document ID --out FILE.docx [--template-version N]` and `s75 load-clause-templates`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from s75.documents.services import clause_template_edit

from .reading import open_docx

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    stdout = StringIO()
    call_command(*args, stdout=stdout)
    return stdout.getvalue()


def test_the_command_writes_the_word_file(tmp_path, luton, templates):
    out = tmp_path / "luton.docx"
    assert run("agreement_document", "luton-s75-s76-2013", "--out", str(out)) == (
        f"Wrote luton-s75-s76-2013 to {out} (clause templates version 1).\n"
    )
    document = open_docx(out.read_bytes())
    assert document.paragraphs[0].text == luton.title


def test_an_earlier_template_version_of_the_hosts_clauses_can_be_chosen(tmp_path, luton, templates, council):
    clause_template_edit(actor=None, organisation=council, key="disputes", heading="Disputes",
                         body="Talk first.\n", note="Plainer.", based_on=1)
    out = tmp_path / "luton.docx"
    assert "version 1)" in run("agreement_document", str(luton.pk), "--out", str(out), "--template-version", "1")
    paragraphs = [paragraph.text for paragraph in open_docx(out.read_bytes()).paragraphs]
    assert any(text.startswith("13.1\tIf the partners disagree") for text in paragraphs)
    with pytest.raises(CommandError, match="The clause templates have no version 7"):
        run("agreement_document", str(luton.pk), "--out", str(out), "--template-version", "7")


def test_a_clause_that_runs_away_is_stopped_with_its_name(tmp_path, luton, runaway):
    out = tmp_path / "luton.docx"
    with pytest.raises(CommandError, match="Clause 13, Disputes, cannot be drawn up: its loops repeat more than"):
        run("agreement_document", str(luton.pk), "--out", str(out))
    assert not out.exists()


def test_without_templates_the_command_says_how_to_install_them(tmp_path, luton):
    with pytest.raises(CommandError, match="run `s75 load-clause-templates` first"):
        run("agreement_document", str(luton.pk), "--out", str(tmp_path / "x.docx"))


def test_a_user_cannot_draft_an_agreement_they_may_not_see(tmp_path, manager, luton, templates):
    with pytest.raises(CommandError, match="No agreement 'luton-s75-s76-2013' was found"):
        run("agreement_document", "luton-s75-s76-2013", "--out", str(tmp_path / "x.docx"), "--user",
            manager.username)


def test_load_clause_templates_installs_once(db):
    assert run("load_clause_templates") == "Installed Standard partnership agreement version 1.\n"
    assert run("load_clause_templates") == "The standard clause templates are already there.\n"
