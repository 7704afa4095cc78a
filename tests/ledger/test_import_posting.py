"""Posting a checked file: once only, leaving out the lines the fund holds already, refused when something changed
while it was being checked."""

import pytest
from django.db.models import Sum

from s75.ledger import bulk
from s75.ledger.import_checks import Problems, check_into, check_plan
from s75.ledger.import_files import file_facts
from s75.ledger.import_posting import Refused, staged_rows_post
from s75.ledger.importing import POSTED, REJECTED
from s75.ledger.models import AccountRole, ImportStatus, JournalLine, LedgerImport, PeriodStatus
from tests.factories import UserFactory

from .importfiles import assert_ledger_consistent, generated_rows, import_fund, ledger_csv, row, rows_total, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund():
    return import_fund()


def test_the_same_file_imported_twice_posts_once(fund, mapping, tmp_path):
    manager = UserFactory(role="Pooled fund manager", first_name="Maud", last_name="O'Leary")
    path = ledger_csv(tmp_path / "april.csv", generated_rows(20))
    first = run(fund, mapping, path, actor=manager)
    lines = JournalLine.objects.count()
    again = run(fund, mapping, path, filename="april-again.csv")
    assert first.status == POSTED and again.status == REJECTED
    assert JournalLine.objects.count() == lines
    assert len(again.problems) == 1
    message = str(again.problems[0])
    assert "this file was posted already, by Maud O'Leary on" in message
    assert f"as import {first.ledger_import.pk} ('april.csv', 20 rows), so it is not posted twice" in message
    assert "To correct what it posted, reverse its entries and import the corrected file" in message, "what next"
    assert (again.problems[0].cause, again.problems[0].ref) == ("posted_before", first.ledger_import.pk)
    assert again.ledger_import.status == ImportStatus.REJECTED
    assert LedgerImport.objects.filter(fund=fund, status="posted").count() == 1


def test_lines_already_posted_by_source_line_id_are_left_out_and_the_rest_post(fund, mapping, tmp_path):
    rows = generated_rows(30)
    run(fund, mapping, ledger_csv(tmp_path / "first.csv", rows[:20]))
    outcome = run(fund, mapping, ledger_csv(tmp_path / "second.csv", rows[10:]))
    assert (outcome.status, outcome.rows_total, outcome.rows_posted, outcome.rows_already_posted) == (
        POSTED, 20, 10, 10)
    assert outcome.total_pence == rows_total(rows[20:])
    expenditure_lines = JournalLine.objects.filter(fund=fund, account__role=AccountRole.EXPENDITURE)
    assert expenditure_lines.count() == 30
    assert set(expenditure_lines.values_list("source_line_id", flat=True)) == {cells[5] for cells in rows}
    assert expenditure_lines.aggregate(total=Sum("amount_pence"))["total"] == rows_total(rows)
    assert_ledger_consistent(fund)


def test_a_file_whose_lines_are_all_posted_already_posts_nothing_new(fund, mapping, tmp_path):
    rows = generated_rows(5)
    run(fund, mapping, ledger_csv(tmp_path / "a.csv", rows))
    outcome = run(fund, mapping, ledger_csv(tmp_path / "b.csv", rows, line_end="\n"))
    assert (outcome.status, outcome.rows_posted, outcome.rows_already_posted) == (POSTED, 0, 5)
    assert outcome.ledger_import.entries.count() == 0
    assert_ledger_consistent(fund)


def test_a_period_closed_while_the_file_was_checked_refuses_the_posting(fund, mapping, tmp_path):
    path = ledger_csv(tmp_path / "gl.csv", [row("2024-04-30", line_id="A"), row("2024-05-31", line_id="B")])
    plan = check_plan(fund)
    with bulk.Stage() as stage:
        checker = check_into(stage, path, file_facts(path, "gl.csv"), mapping, plan, Problems(), lambda *_: None)
        fund.periods.filter(financial_year=2024, number=2).update(status=PeriodStatus.CLOSED)
        with pytest.raises(Refused, match="period 2024-25/M02 was closed while the file was being checked"):
            staged_rows_post(stage=stage, checker=checker, plan=plan, actor=None, fund=fund,
                             facts=file_facts(path, "gl.csv"), mapping=mapping, filename="gl.csv",
                             started_at=fund.created_at)
    assert not JournalLine.objects.exists()
