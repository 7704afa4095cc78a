"""The lines' financial year and, on PostgreSQL, their partitions by year (ledger 0010, docs/adr/0013)."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from s75.ledger.models import AccountRole, JournalEntry, JournalLine, Period
from s75.ledger.services import LineSpec, entry_post
from tests.ledger.conftest import period, spend

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="SQLite keeps the lines in one table: only PostgreSQL partitions them")


def _lines_of(fund, *, year, source_line_id, month=1):
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE)
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    return entry_post(actor=None, fund=fund, period=period(fund, month, year), description="Care",
                      lines=[LineSpec(expenditure, 100, source_line_id=source_line_id), LineSpec(creditors, -100)])


def test_a_line_carries_its_periods_year(fund):
    entry = spend(fund, 100, 1, year=2025)
    assert {line.financial_year for line in entry.lines.all()} == {2025}


def test_a_source_line_id_posts_once_per_fund_whatever_the_year(fund):
    """On PostgreSQL the lines of 2024-25 and 2025-26 are in different partitions, whose unique indexes cannot
    see each other: ``ledger_linesource`` holds the fund's ids once."""
    _lines_of(fund, year=2024, source_line_id="GL1")
    with pytest.raises(IntegrityError), transaction.atomic():
        _lines_of(fund, year=2025, source_line_id="GL1")
    with pytest.raises(IntegrityError), transaction.atomic():
        _lines_of(fund, year=2024, source_line_id="GL1", month=2)
    assert JournalLine.objects.filter(source_line_id="GL1").count() == 1


def test_the_database_refuses_a_line_whose_year_is_not_its_periods(fund):
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE)
    with pytest.raises(DatabaseError, match="year|must be on an entry"), transaction.atomic():
        entry = JournalEntry.objects.create(fund=fund, period=period(fund, 1), kind="manual", description="x")
        JournalLine.objects.create(entry=entry, fund=fund, period=entry.period, account=expenditure, amount_pence=5,
                                   financial_year=2025)
    assert not JournalLine.objects.exists()


def _partitions() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid) "
                       "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                       "WHERE i.inhparent = 'ledger_journalline'::regclass")
        return dict(cursor.fetchall())


@postgresql_only
def test_opening_a_years_periods_makes_its_partition_with_the_tables_guards(fund):
    partitions = _partitions()
    assert {"ledger_journalline_y2024", "ledger_journalline_y2025", "ledger_journalline_y2026"} <= set(partitions)
    assert "ledger_journalline_y2031" not in partitions
    Period.objects.create(fund=fund, financial_year=2031, number=1)
    partitions = _partitions()
    # append-only, no truncate and the statement-level check, as on the table
    assert partitions["ledger_journalline_y2031"] == partitions["ledger_journalline_y2024"] == 3
    entry = spend(fund, 100, 1, year=2025)
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tableoid::regclass::text FROM ledger_journalline WHERE entry_id = %s",
                       [entry.pk])
        assert cursor.fetchall() == [("ledger_journalline_y2025",)]


@postgresql_only
@pytest.mark.parametrize("statement", [
    "UPDATE ledger_journalline_y2024 SET amount_pence = 1",
    "DELETE FROM ledger_journalline_y2024",
    "TRUNCATE ledger_journalline_y2024",
    "DELETE FROM ledger_linesource",
    "TRUNCATE ledger_linesource",
    # an account that does not exist: the partition's own statement-level check says so
    "INSERT INTO ledger_journalline_y2024 (id, entry_id, fund_id, period_id, financial_year, account_id, "
    "amount_pence, cost_centre, subjective, description) SELECT id + 1000000, entry_id, fund_id, period_id, "
    "financial_year, 1000000000, 1, '', '', '' FROM ledger_journalline LIMIT 1",
])
def test_a_statement_naming_a_partition_meets_the_tables_guards(fund, statement):
    spend(fund, 100, 1)
    with pytest.raises(DatabaseError, match="append-only|does not exist"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(statement)
