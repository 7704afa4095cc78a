"""Clause templates: installed once, every edit a new version with the old one kept as it was, every change
audited, and a draft can be drawn up again with any earlier version."""

from datetime import date

import pytest

from s75.audit.models import AuditEvent
from s75.documents.models import ClauseTemplate, TemplateSetVersion
from s75.documents.selectors import agreement_draft, template_version_get, version_clauses
from s75.documents.services import TemplateError, clause_template_edit, template_set_install
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_DISPUTES = "Disputes go first to {{ host.name }}'s monitoring officer.\n"


def edit(version, *, actor=None, key="disputes", heading="Disputes", body=NEW_DISPUTES, note="Shorter.",
         based_on=None):
    return clause_template_edit(actor=actor, template_set=version.template_set, key=key, heading=heading, body=body,
                                note=note, based_on=version.number if based_on is None else based_on)


def test_install_writes_version_1_once_with_an_audit_record(templates):
    assert templates.number == 1
    keys = list(version_clauses(version=templates).values_list("key", flat=True))
    assert keys == ["parties", "background", "definitions", "commencement", "arrangements", "contributions",
                    "risk_share", "governance", "reporting", "audit", "variation", "termination", "disputes"]
    event = AuditEvent.objects.get(action="template_set_install")
    assert event.object_id == str(templates.pk) and len(event.after["clauses"]) == 13

    assert template_set_install(actor=None) is None
    assert TemplateSetVersion.objects.count() == 1
    assert AuditEvent.objects.filter(action="template_set_install").count() == 1


def test_an_edit_writes_a_new_version_and_keeps_the_old_one(templates):
    editor = UserFactory(role="Pooled fund manager")
    original = {clause.key: (clause.pk, clause.heading, clause.body) for clause in version_clauses(version=templates)}

    second = edit(templates, actor=editor, heading="Settling disputes", note="A shorter disputes clause.")

    assert second.number == 2 and second.created_by == editor and second.note == "A shorter disputes clause."
    assert template_version_get() == second
    assert {clause.key: (clause.pk, clause.heading, clause.body)
            for clause in version_clauses(version=templates)} == original
    clauses = {clause.key: clause for clause in version_clauses(version=second)}
    assert list(clauses) == list(original)
    assert (clauses["disputes"].heading, clauses["disputes"].body) == ("Settling disputes", NEW_DISPUTES)
    assert all((clauses[key].heading, clauses[key].body) == original[key][1:] for key in original if key != "disputes")
    assert ClauseTemplate.objects.count() == 26

    event = AuditEvent.objects.get(action="clause_template_edit")
    assert event.actor == editor and event.object_id == str(second.pk) and event.reason == "A shorter disputes clause."
    assert event.before == {"version": 1, "key": "disputes", "heading": "Disputes", "body": original["disputes"][2]}
    assert event.after == {"version": 2, "key": "disputes", "heading": "Settling disputes", "body": NEW_DISPUTES}


def test_a_draft_can_use_any_version(luton, templates):
    edit(templates)
    drafts = {
        number: agreement_draft(agreement=luton, version=template_version_get(number=number), today=date(2026, 1, 1))
        for number in (1, 2)
    }
    assert drafts[2].clauses[-1].blocks[0].text == "Disputes go first to Luton Borough Council's monitoring officer."
    assert drafts[1].clauses[-1].blocks[0].text.startswith("If the partners disagree about this agreement")


@pytest.mark.parametrize(("change", "problem"), [
    ({"body": "{% if %}broken"}, "The clause's placeholders cannot be read"),
    ({"body": "   "}, "Enter the clause's text"),
    ({"heading": " "}, "enter the clause's heading"),
    ({"note": ""}, "Say what changed and why"),
    ({"key": "no_such_clause"}, "There is no clause 'no_such_clause'"),
])
def test_a_refused_edit_writes_nothing(templates, change, problem):
    with pytest.raises(TemplateError) as refused:
        edit(templates, **change)
    assert any(problem in text for text in refused.value.problems)
    assert TemplateSetVersion.objects.count() == 1
    assert not AuditEvent.objects.filter(action="clause_template_edit").exists()


def test_an_edit_that_changes_nothing_is_refused(templates):
    unchanged = version_clauses(version=templates).get(key="disputes").body
    with pytest.raises(TemplateError, match="Nothing was changed"):
        edit(templates, body=unchanged)
    assert TemplateSetVersion.objects.count() == 1


def test_an_edit_started_from_an_older_version_is_refused(templates):
    second = edit(templates)
    with pytest.raises(TemplateError, match="Version 2 was saved after you started editing version 1"):
        edit(templates, body="Something else.\n", based_on=1)
    assert template_version_get() == second
