"""Clause templates: installed once, every edit a new version of the editor's organisation's own copy with the
old one kept as it was, every change audited, and a draft can be drawn up again with any earlier version. The shipped
set and other organisations' clauses never change with one organisation's edit."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from s75.audit.models import AuditEvent
from s75.documents.clauses import ClauseTooLong
from s75.documents.models import ClauseTemplate, TemplateSetVersion
from s75.documents.selectors import (
    agreement_draft,
    agreement_template_version,
    template_set_get,
    template_version_get,
    version_clauses,
)
from s75.documents.services import TemplateError, clause_template_edit, template_set_install
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_DISPUTES = "Disputes go first to {{ host.name }}'s monitoring officer.\n"


def edit(version, *, organisation, actor=None, key="disputes", heading="Disputes", body=NEW_DISPUTES,
         note="Shorter.", based_on=None):
    return clause_template_edit(actor=actor, organisation=organisation, key=key, heading=heading, body=body,
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


def test_an_edit_writes_a_new_version_of_the_organisations_copy_and_keeps_the_old_one(templates, council):
    editor = UserFactory(role="Pooled fund manager", organisation=council)
    original = {clause.key: (clause.pk, clause.heading, clause.body) for clause in version_clauses(version=templates)}

    second = edit(templates, organisation=council, actor=editor, heading="Settling disputes",
                  note="A shorter disputes clause.")

    assert second.number == 2 and second.created_by == editor and second.note == "A shorter disputes clause."
    assert second.template_set.organisation == council
    assert template_version_get(organisation=council) == second
    assert template_version_get() == templates
    assert {clause.key: (clause.pk, clause.heading, clause.body)
            for clause in version_clauses(version=templates)} == original
    copied = template_version_get(organisation=council, number=1)
    assert copied.note == "Luton's copy of version 1 as shipped with s75."
    assert [(c.key, c.heading, c.body) for c in version_clauses(version=copied)] == [
        (key, heading, body) for key, (_, heading, body) in original.items()]
    clauses = {clause.key: clause for clause in version_clauses(version=second)}
    assert list(clauses) == list(original)
    assert (clauses["disputes"].heading, clauses["disputes"].body) == ("Settling disputes", NEW_DISPUTES)
    assert all((clauses[key].heading, clauses[key].body) == original[key][1:] for key in original if key != "disputes")
    assert ClauseTemplate.objects.count() == 39

    assert AuditEvent.objects.get(action="template_set_copy").object_id == str(copied.pk)
    event = AuditEvent.objects.get(action="clause_template_edit")
    assert event.actor == editor and event.object_id == str(second.pk) and event.reason == "A shorter disputes clause."
    assert event.before == {"version": 1, "key": "disputes", "heading": "Disputes", "body": original["disputes"][2]}
    assert event.after == {"version": 2, "key": "disputes", "heading": "Settling disputes", "body": NEW_DISPUTES}


def test_one_organisations_edit_leaves_every_other_organisations_drafts_as_they_were(luton, templates, council,
                                                                                      manager):
    """Issue 17: clause templates were global, so one organisation's manager changed every other's Word draft."""
    edit(templates, organisation=manager.organisation, actor=manager)

    assert template_version_get(organisation=council) == templates
    assert agreement_template_version(agreement=luton) == templates
    draft = agreement_draft(agreement=luton, version=agreement_template_version(agreement=luton),
                            today=date(2026, 1, 1))
    assert draft.clauses[-1].blocks[0].text.startswith("If the partners disagree about this agreement")
    assert template_set_get(organisation=manager.organisation).organisation == manager.organisation


def test_an_organisations_clauses_are_changed_only_by_its_own_people(templates, council, manager):
    board_member = UserFactory(role="Board member", organisation=council)
    for outsider in (manager, board_member):
        with pytest.raises(PermissionDenied, match="Changing Luton's clause templates needs"):
            edit(templates, organisation=council, actor=outsider)
    assert TemplateSetVersion.objects.count() == 1
    assert not AuditEvent.objects.filter(action__in=["template_set_copy", "clause_template_edit"]).exists()


def test_a_draft_uses_its_hosts_clauses_in_any_version(luton, templates, council):
    edit(templates, organisation=council)
    drafts = {
        number: agreement_draft(agreement=luton, version=agreement_template_version(agreement=luton, number=number),
                                today=date(2026, 1, 1))
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
    ({"body": "{{ host.name|ljust:'999999999' }}"}, "Invalid filter: 'ljust'"),
    ({"body": "{% lorem 999999999 w %}"}, "Invalid block tag on line 1: 'lorem'"),
    ({"body": "{% for a in '" + "x" * 200 + "' %}{% for b in '" + "x" * 200 + "' %}!{% endfor %}{% endfor %}"},
     "The clause cannot be drawn up: its loops repeat more than 10,000 times"),
    ({"body": "x" * 20_001}, "The clause is 20,001 characters long: a clause may have at most 20,000"),
])
def test_a_refused_edit_writes_nothing(templates, council, change, problem):
    with pytest.raises(TemplateError) as refused:
        edit(templates, organisation=council, **change)
    assert any(problem in text for text in refused.value.problems), refused.value.problems
    assert TemplateSetVersion.objects.count() == 1
    assert not AuditEvent.objects.filter(action__in=["template_set_copy", "clause_template_edit"]).exists()


def test_an_edit_that_changes_nothing_is_refused(templates, council):
    unchanged = version_clauses(version=templates).get(key="disputes").body
    with pytest.raises(TemplateError, match="Nothing was changed"):
        edit(templates, organisation=council, body=unchanged)
    assert TemplateSetVersion.objects.count() == 1


def test_an_edit_started_from_an_older_version_is_refused(templates, council):
    second = edit(templates, organisation=council)
    with pytest.raises(TemplateError, match="Version 2 was saved after you started editing version 1"):
        edit(templates, organisation=council, body="Something else.\n", based_on=1)
    assert template_version_get(organisation=council) == second


def test_a_clause_whose_loops_run_away_over_the_agreement_is_stopped_naming_the_clause(luton, runaway):
    with pytest.raises(ClauseTooLong) as stopped:
        agreement_draft(agreement=luton, version=runaway, today=date(2026, 1, 1))
    assert str(stopped.value) == (
        "Clause 13, Disputes, cannot be drawn up: its loops repeat more than 10,000 times: check its {% for %} tags. "
        "Change the clause in the clause templates, then draft again.")
