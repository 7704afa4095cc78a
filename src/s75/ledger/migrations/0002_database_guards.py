"""The ledger's rules, held by the database itself.

PostgreSQL:
- each journal entry's lines add up to zero, and there are at least two (a deferred constraint trigger on the
  entry, checked at commit, so an entry's lines can be written in several statements);
- lines join only an entry made in the same transaction, in the entry's fund and period, on an account of that
  fund, in an open period (one statement-level check per insert, whatever its size);
- lines and entries are never updated or deleted; a closed period never reopens.
SQLite holds the last point; the posting services check the rest there.
"""

from django.db import migrations

POSTGRES = [
    """
    CREATE FUNCTION s75_ledger_entry_txid() RETURNS trigger AS $$
    BEGIN
        NEW.created_txid := txid_current();
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER ledger_entry_txid BEFORE INSERT ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION s75_ledger_entry_txid();
    """,
    """
    CREATE FUNCTION s75_ledger_entry_balanced() RETURNS trigger AS $$
    DECLARE
        total bigint;
        lines bigint;
    BEGIN
        SELECT COALESCE(SUM(amount_pence), 0), COUNT(*) INTO total, lines
        FROM ledger_journalline WHERE entry_id = NEW.id;
        IF total <> 0 OR lines < 2 THEN
            RAISE EXCEPTION 'journal entry % does not balance: % lines adding up to % pence', NEW.id, lines, total
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_journalentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION s75_ledger_entry_balanced();
    """,
    """
    CREATE FUNCTION s75_ledger_lines_fit() RETURNS trigger AS $$
    DECLARE
        problem text;
    BEGIN
        SELECT CASE
                 WHEN e.created_txid <> txid_current() THEN 'lines cannot be added to an entry posted earlier'
                 WHEN n.period_id <> e.period_id OR n.fund_id <> e.fund_id THEN 'a line must be in its entry''s fund and period'
                 WHEN a.fund_id <> n.fund_id THEN 'a line''s account must belong to its fund'
                 WHEN p.status <> 'open' THEN 'period ' || p.financial_year || '/M' || lpad(p.number::text, 2, '0') || ' is closed'
               END
          INTO problem
          FROM (SELECT DISTINCT entry_id, period_id, fund_id, account_id FROM new_lines) n
          JOIN ledger_journalentry e ON e.id = n.entry_id
          JOIN ledger_account a ON a.id = n.account_id
          JOIN ledger_period p ON p.id = n.period_id
         WHERE e.created_txid <> txid_current() OR n.period_id <> e.period_id OR n.fund_id <> e.fund_id
            OR a.fund_id <> n.fund_id OR p.status <> 'open'
         LIMIT 1;
        IF problem IS NOT NULL THEN
            RAISE EXCEPTION '%', problem USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER ledger_lines_fit AFTER INSERT ON ledger_journalline
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION s75_ledger_lines_fit();
    """,
    """
    CREATE FUNCTION s75_ledger_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: post a reversing entry instead', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER ledger_journalline_append_only BEFORE UPDATE OR DELETE ON ledger_journalline
    FOR EACH STATEMENT EXECUTE FUNCTION s75_ledger_refuse_change();
    """,
    """
    CREATE TRIGGER ledger_journalentry_append_only BEFORE UPDATE OR DELETE ON ledger_journalentry
    FOR EACH STATEMENT EXECUTE FUNCTION s75_ledger_refuse_change();
    """,
    """
    CREATE FUNCTION s75_ledger_period_stays_closed() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'closed' THEN
            RAISE EXCEPTION 'period %/M% is closed for good', OLD.financial_year, lpad(OLD.number::text, 2, '0')
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER ledger_period_stays_closed BEFORE UPDATE OR DELETE ON ledger_period
    FOR EACH ROW EXECUTE FUNCTION s75_ledger_period_stays_closed();
    """,
]

POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS ledger_period_stays_closed ON ledger_period",
    "DROP TRIGGER IF EXISTS ledger_journalentry_append_only ON ledger_journalentry",
    "DROP TRIGGER IF EXISTS ledger_journalline_append_only ON ledger_journalline",
    "DROP TRIGGER IF EXISTS ledger_lines_fit ON ledger_journalline",
    "DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_journalentry",
    "DROP TRIGGER IF EXISTS ledger_entry_txid ON ledger_journalentry",
    "DROP FUNCTION IF EXISTS s75_ledger_period_stays_closed()",
    "DROP FUNCTION IF EXISTS s75_ledger_refuse_change()",
    "DROP FUNCTION IF EXISTS s75_ledger_lines_fit()",
    "DROP FUNCTION IF EXISTS s75_ledger_entry_balanced()",
    "DROP FUNCTION IF EXISTS s75_ledger_entry_txid()",
]

SQLITE = [
    *[
        f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: post a reversing entry instead'); END"
        for table in ("ledger_journalline", "ledger_journalentry")
        for event in ("UPDATE", "DELETE")
    ],
    "CREATE TRIGGER ledger_period_stays_closed BEFORE UPDATE ON ledger_period WHEN OLD.status = 'closed' "
    "BEGIN SELECT RAISE(ABORT, 'the period is closed for good'); END",
    "CREATE TRIGGER ledger_period_not_deleted BEFORE DELETE ON ledger_period WHEN OLD.status = 'closed' "
    "BEGIN SELECT RAISE(ABORT, 'the period is closed for good'); END",
]

SQLITE_UNDO = [
    *[
        f"DROP TRIGGER IF EXISTS {table}_no_{event}"
        for table in ("ledger_journalline", "ledger_journalentry")
        for event in ("update", "delete")
    ],
    "DROP TRIGGER IF EXISTS ledger_period_stays_closed",
    "DROP TRIGGER IF EXISTS ledger_period_not_deleted",
]


def forwards(apps, schema_editor):
    statements = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    statements = {"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
