"""Every audited act reads as a sentence in plain words, its changes as labelled values: never an action's internal
name, a model's name, a field's name or a Python dict."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

import s75
from s75.audit.models import AuditEvent
from s75.audit.values import value_words
from s75.audit.wording import event_in_words, registered_actions
from s75.core.fiscal import FinancialYear
from s75.demo.services import demo_load
from s75.settlement.services import settlement_approve, settlement_run_create
from tests.factories import UserFactory, complete_agreement
from tests.settlement.conftest import finance_leads, luton  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

# Model names of more than one word (JournalEntry, SettlementRun): one-word names are ordinary English.
MODEL_NAMES = [model.__name__ for model in apps.get_models() if re.fullmatch(r"(?:[A-Z][a-z]+){2,}", model.__name__)]


def recorded_actions() -> dict[str, Path]:
    """Every action a service of the product records, read from the code: each ``audit_record(action="…")``."""
    found = {}
    for path in Path(s75.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit_record":
                action = next(keyword.value for keyword in node.keywords if keyword.arg == "action")
                assert isinstance(action, ast.Constant), f"{path}: an action named in code, so that it can be read"
                found[action.value] = path
    return found


def plain_words_problems(text: str) -> list[str]:
    problems = []
    if "_" in text:
        problems.append("an underscore")
    # An e-mail address (Alison.Rogers@…) is words, though its dot and capital look like a model's label.
    if re.search(r"[{}\[\]]|[a-z]+\.[A-Z][a-z]+", re.sub(r"\S+@\S+", "", text)) or text in ("None", "True", "False"):
        problems.append("Python or a model's label")
    problems += [f"the model name {name}" for name in MODEL_NAMES if name in text]
    return problems


def assert_reads_as_words(event: AuditEvent) -> None:
    read = event_in_words(event)
    shown = [read.sentence, read.kind, *(part for change in read.changes
                                          for part in (change.label, change.before or "", change.after or ""))]
    for text in shown:
        assert not plain_words_problems(text), f"{event.action}: {text!r} has {plain_words_problems(text)}"
    assert "made a change" not in read.sentence, f"{event.action} fell back to the general words: {read.sentence}"


def test_every_action_recorded_in_the_code_has_its_words():
    actions = recorded_actions()
    assert len(actions) >= 40
    unworded = {action: str(path) for action, path in actions.items() if action not in registered_actions()}
    assert unworded == {}


def test_every_action_of_the_demo_reads_as_words():
    demo_load()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"ledger_import", "agreement_transition", "contribution_set", "receipt_record", "decision_record"} <= actions
    for action in actions:
        for event in AuditEvent.objects.filter(action=action).select_related("actor")[:20]:
            assert_reads_as_words(event)


def test_an_import_reads_as_the_person_saying_what_they_imported():
    demo_load()
    event = AuditEvent.objects.get(action="ledger_import")
    read = event_in_words(event)
    assert read.sentence == "The system imported luton-general-ledger-2013-14.csv: 120 lines, £6,739,000.00"
    assert read.kind == "General-ledger import"
    assert {change.label: change.after for change in read.changes}["Lines posted"] == "120"


def test_a_settlement_reads_as_who_approved_which_year_for_whom(luton, finance_leads):  # noqa: F811
    council, ccg = luton.parties.order_by("position")
    run = settlement_run_create(actor=None, agreement=luton, year=FinancialYear(2013))
    settlement_approve(actor=finance_leads[council.pk], run=run, party=council)
    settlement_approve(actor=finance_leads[ccg.pk], run=run, party=ccg)
    approvals = AuditEvent.objects.filter(action="settlement_approve").order_by("id")
    lead = finance_leads[ccg.pk]
    assert event_in_words(approvals.last()).sentence == (
        f"{lead} approved the 2013-14 settlement (version 1) for NHS Bedfordshire, Luton and Milton "
        "Keynes Integrated Care Board (formerly NHS Luton CCG)"
    )
    for event in AuditEvent.objects.filter(action__startswith="settlement_"):
        assert_reads_as_words(event)
    created = event_in_words(AuditEvent.objects.get(action="settlement_run_create"))
    assert created.sentence.startswith("The system worked out the 2013-14 settlement (version 1) on the actual spend")


def _event(action: str, obj, *, before=None, after=None, actor=None) -> AuditEvent:
    """An event as its service records it (unsaved: the words are read from it as from a stored row)."""
    return AuditEvent(action=action, object_type=obj._meta.label, object_id=str(obj.pk), object_repr=str(obj),
                      agreement=getattr(obj, "agreement", None), before=before, after=after, actor=actor)


def test_an_import_posted_anyway_says_which_years_have_no_budget():
    agreement = complete_agreement()
    read = event_in_words(_event("ledger_import", agreement, actor=UserFactory(first_name="Pat", last_name="Manager"),
                                 after={"file": "gl-may.csv", "sha256": "ab", "rows_total": 4, "rows_posted": 4,
                                        "rows_already_posted": 0, "total": "£1,234.56", "entries": 1,
                                        "posted_anyway_years_without_budget": "2025-26"}))
    assert read.sentence == ("Pat Manager imported gl-may.csv: 4 lines, £1,234.56, posted anyway with lines in "
                             "2025-26, which has no budget")
    assert {change.label: change.after for change in read.changes}["Posted anyway: years with no budget"] == "2025-26"


def test_a_status_change_reads_with_the_statuses_labels():
    agreement = complete_agreement()
    read = event_in_words(_event("agreement_transition", agreement, before={"status": "in_force"},
                                 after={"status": "ended", "end_reason": "expired"}, actor=UserFactory()))
    assert read.sentence.endswith("moved the agreement from In force to Ended (expired)")
    assert [(change.label, change.before, change.after) for change in read.changes] == [
        ("Status", "In force", "Ended"), ("End reason", None, "Expired"),
    ]


def test_a_change_of_details_names_the_fields_changed_in_plain_labels():
    agreement = complete_agreement()
    read = event_in_words(_event(
        "agreement_update", agreement, before={"end_date": "2016-03-31", "is_better_care_fund": False},
        after={"end_date": "2017-03-31", "is_better_care_fund": True},
    ))
    assert read.sentence == "The system changed the end date and the Better Care Fund of the agreement"
    assert [(change.label, change.before, change.after) for change in read.changes] == [
        ("End date", "31 March 2016", "31 March 2017"), ("Better Care Fund", "No", "Yes"),
    ]


def test_an_action_no_app_words_still_reads_in_words():
    agreement = complete_agreement()
    read = event_in_words(_event("ledger_import_post_anyway", agreement, after={"rows_posted": 4210,
                                                                               "total_pence": 123456789}))
    assert read.sentence == f"The system made a change (ledger import post anyway): {agreement.title}"
    assert read.kind == "Ledger import post anyway"
    assert [(change.label, change.after) for change in read.changes] == [
        ("Rows posted", "4210"), ("Total", "£1,234,567.89"),
    ]


def test_an_old_row_whose_data_no_longer_fits_its_sentence_reads_in_general_words():
    agreement = complete_agreement()
    read = event_in_words(_event("ledger_import", agreement, after={"filename": "old.csv"}))
    assert read.sentence == f"The system made a change (ledger import): {agreement.title}"
    assert [(change.label, change.after) for change in read.changes] == [("Filename", "old.csv")]


def test_each_registered_action_reads_even_with_nothing_recorded():
    agreement = complete_agreement()
    for action in registered_actions():
        read = event_in_words(_event(action, agreement))
        assert not plain_words_problems(read.sentence), read.sentence
        assert read.changes == []


@pytest.mark.parametrize(("value", "name", "shown"), [
    (123456789, "amount_pence", "£1,234,567.89"),
    (2013, "financial_year", "2013-14"),
    ("2014-03-31", "due_on", "31 March 2014"),
    (None, "reference", "none"),
    ({"posting_date": "Date", "amount": "Amount"}, "columns", "Posting date: Date; Amount: Amount"),
    (["a", "b"], "recipients", "a, b"),
    (12345, "rows", "12,345"),
])
def test_values_read_as_words(value, name, shown):
    assert value_words(value, name=name) == shown


def test_a_moment_reads_in_londons_time():
    # In the summer London is an hour ahead of the UTC the moment was stored in.
    assert value_words("2024-07-01 09:30:00+00:00", name="created") == "1 July 2024, 10:30"
