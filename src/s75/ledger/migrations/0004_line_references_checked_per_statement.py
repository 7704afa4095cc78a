"""A journal line's references checked once per insert statement instead of by a foreign key per line.

A general-ledger import inserts a million lines in one statement; four foreign keys meant four million lookups at
commit. Instead:

PostgreSQL: the statement-level trigger of migration 0002 (``ledger_lines_fit``) now also refuses a line whose
entry, account or period does not exist, and a period of another fund; accounts and periods that lines refer to
cannot be deleted (what ``PROTECT`` asked of the foreign keys).
SQLite: a row trigger refuses a line whose entry, account or open period is missing or of another fund, and the
same deletion guards hold. Changing the fields rebuilds the lines table there, which drops its
triggers, so the append-only ones of 0002 are installed again.

The fund and period lose their single-column indexes: ``line_fund_period_account`` starts with them.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION s75_ledger_lines_fit() RETURNS trigger AS $$
    DECLARE
        problem text;
        missing boolean;
    BEGIN
        SELECT CASE
                 WHEN e.id IS NULL THEN 'journal entry ' || n.entry_id || ' does not exist'
                 WHEN a.id IS NULL THEN 'account ' || n.account_id || ' does not exist'
                 WHEN p.id IS NULL THEN 'period ' || n.period_id || ' does not exist'
                 WHEN e.created_txid <> txid_current() THEN 'lines cannot be added to an entry posted earlier'
                 WHEN n.period_id <> e.period_id OR n.fund_id <> e.fund_id THEN 'a line must be in its entry''s fund and period'
                 WHEN a.fund_id <> n.fund_id OR p.fund_id <> n.fund_id THEN 'a line''s account and period must belong to its fund'
                 WHEN p.status <> 'open' THEN 'period ' || p.financial_year || '/M' || lpad(p.number::text, 2, '0') || ' is closed'
               END,
               e.id IS NULL OR a.id IS NULL OR p.id IS NULL
          INTO problem, missing
          FROM (SELECT DISTINCT entry_id, period_id, fund_id, account_id FROM new_lines) n
          LEFT JOIN ledger_journalentry e ON e.id = n.entry_id
          LEFT JOIN ledger_account a ON a.id = n.account_id
          LEFT JOIN ledger_period p ON p.id = n.period_id
         WHERE e.id IS NULL OR a.id IS NULL OR p.id IS NULL
            OR e.created_txid <> txid_current() OR n.period_id <> e.period_id OR n.fund_id <> e.fund_id
            OR a.fund_id <> n.fund_id OR p.fund_id <> n.fund_id OR p.status <> 'open'
         LIMIT 1;
        IF missing THEN
            RAISE EXCEPTION '%', problem USING ERRCODE = 'foreign_key_violation';
        ELSIF problem IS NOT NULL THEN
            RAISE EXCEPTION '%', problem USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE FUNCTION s75_ledger_keep_referenced() RETURNS trigger AS $$
    BEGIN
        IF (TG_TABLE_NAME = 'ledger_account'
                AND EXISTS (SELECT 1 FROM ledger_journalline WHERE account_id = OLD.id))
           OR (TG_TABLE_NAME = 'ledger_period'
                AND EXISTS (SELECT 1 FROM ledger_journalline WHERE fund_id = OLD.fund_id AND period_id = OLD.id)) THEN
            RAISE EXCEPTION '% % has journal lines and cannot be deleted', TG_TABLE_NAME, OLD.id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN OLD;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER ledger_account_keep_referenced BEFORE DELETE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION s75_ledger_keep_referenced();
    """,
    """
    CREATE TRIGGER ledger_period_keep_referenced BEFORE DELETE ON ledger_period
    FOR EACH ROW EXECUTE FUNCTION s75_ledger_keep_referenced();
    """,
]

POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS ledger_period_keep_referenced ON ledger_period",
    "DROP TRIGGER IF EXISTS ledger_account_keep_referenced ON ledger_account",
    "DROP FUNCTION IF EXISTS s75_ledger_keep_referenced()",
    # The stricter ledger_lines_fit stays: it holds with the foreign keys back as well.
]

SQLITE_APPEND_ONLY = [
    f"CREATE TRIGGER IF NOT EXISTS ledger_journalline_no_{event.lower()} BEFORE {event} ON ledger_journalline "
    "BEGIN SELECT RAISE(ABORT, 'ledger_journalline is append-only: post a reversing entry instead'); END"
    for event in ("UPDATE", "DELETE")
]

SQLITE = [
    *SQLITE_APPEND_ONLY,
    """
    CREATE TRIGGER ledger_journalline_fits BEFORE INSERT ON ledger_journalline
    WHEN NOT EXISTS (
        SELECT 1 FROM ledger_journalentry e, ledger_account a, ledger_period p
         WHERE e.id = NEW.entry_id AND e.fund_id = NEW.fund_id AND e.period_id = NEW.period_id
           AND a.id = NEW.account_id AND a.fund_id = NEW.fund_id
           AND p.id = NEW.period_id AND p.fund_id = NEW.fund_id AND p.status = 'open')
    BEGIN SELECT RAISE(ABORT, 'a line must be on an entry, an account and an open period of its fund'); END
    """,
    """
    CREATE TRIGGER ledger_account_keep_referenced BEFORE DELETE ON ledger_account
    WHEN EXISTS (SELECT 1 FROM ledger_journalline WHERE account_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'the account has journal lines and cannot be deleted'); END
    """,
    """
    CREATE TRIGGER ledger_period_keep_referenced BEFORE DELETE ON ledger_period
    WHEN EXISTS (SELECT 1 FROM ledger_journalline WHERE fund_id = OLD.fund_id AND period_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'the period has journal lines and cannot be deleted'); END
    """,
]

SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS ledger_period_keep_referenced",
    "DROP TRIGGER IF EXISTS ledger_account_keep_referenced",
    "DROP TRIGGER IF EXISTS ledger_journalline_fits",
    "DROP TRIGGER IF EXISTS ledger_journalline_no_update",
    "DROP TRIGGER IF EXISTS ledger_journalline_no_delete",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES, "sqlite": SQLITE})


def backwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO})


def append_only_again(apps, schema_editor):
    """Going back: the lines table was rebuilt once more on SQLite, so 0002's triggers go back on it."""
    _run(schema_editor, {"sqlite": SQLITE_APPEND_ONLY})


def _line_reference(to: str, related_name: str, **options) -> models.ForeignKey:
    return models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name=related_name, to=to,
                             db_constraint=False, **options)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_alter_account_role_alter_journalentry_kind")]
    operations = [
        migrations.RunPython(migrations.RunPython.noop, append_only_again),
        migrations.AlterField("journalline", "entry", _line_reference("ledger.journalentry", "lines")),
        migrations.AlterField("journalline", "account", _line_reference("ledger.account", "lines")),
        migrations.AlterField("journalline", "fund", _line_reference("ledger.fund", "+", db_index=False)),
        migrations.AlterField("journalline", "period", _line_reference("ledger.period", "+", db_index=False)),
        migrations.RunPython(forwards, backwards),
    ]
