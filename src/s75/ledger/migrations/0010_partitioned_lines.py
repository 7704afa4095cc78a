"""Journal lines carry their financial year, and on PostgreSQL are partitioned by it (docs/adr/0013).

Both databases: ``financial_year`` is the year of the line's period, and the database refuses a line whose year is
not its period's (the statement-level check of 0004 on PostgreSQL, the row trigger on SQLite), so the year is
always derivable from the line and cannot disagree with it.

PostgreSQL: ``ledger_journalline`` becomes a table partitioned by list of ``financial_year``, one partition per year
(``ledger_journalline_y2024``…), made by a trigger as soon as a period of that year is created, so that a line
always has a partition to go to. A partitioned table's unique indexes must hold the partition key, so the source
line ids posted once per fund move to ``ledger_linesource`` (primary key fund and id), which the statement-level
check fills from each insert's new lines: a repeat anywhere in the fund, in any year, is refused as before, under
the same constraint name. The primary key becomes (id, financial_year). Each partition carries the parent's guards
too (append-only, no ``TRUNCATE``, the statement-level check), so a statement naming a partition is held as one
naming the table. The existing lines are copied into the partitions and the old table dropped.

SQLite keeps one table: the column is added in place and filled.

``forwards``/``backwards`` install and lift the guards alone (tests/browser/conftest.py re-runs them); the table's
move is ``partition``.
"""

from django.db import migrations, models

LINES_FIT_0004 = """
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
"""

# 0004's check, with the line's year checked against its period's and its source line id recorded once per fund.
LINES_FIT = """
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
                 WHEN n.financial_year <> p.financial_year THEN 'a line''s financial year must be its period''s'
                 WHEN p.status <> 'open' THEN 'period ' || p.financial_year || '/M' || lpad(p.number::text, 2, '0') || ' is closed'
               END,
               e.id IS NULL OR a.id IS NULL OR p.id IS NULL
          INTO problem, missing
          FROM (SELECT DISTINCT entry_id, period_id, fund_id, account_id, financial_year FROM new_lines) n
          LEFT JOIN ledger_journalentry e ON e.id = n.entry_id
          LEFT JOIN ledger_account a ON a.id = n.account_id
          LEFT JOIN ledger_period p ON p.id = n.period_id
         WHERE e.id IS NULL OR a.id IS NULL OR p.id IS NULL
            OR e.created_txid <> txid_current() OR n.period_id <> e.period_id OR n.fund_id <> e.fund_id
            OR a.fund_id <> n.fund_id OR p.fund_id <> n.fund_id OR n.financial_year <> p.financial_year
            OR p.status <> 'open'
         LIMIT 1;
        IF missing THEN
            RAISE EXCEPTION '%', problem USING ERRCODE = 'foreign_key_violation';
        ELSIF problem IS NOT NULL THEN
            RAISE EXCEPTION '%', problem USING ERRCODE = 'check_violation';
        END IF;
        INSERT INTO ledger_linesource (fund_id, source_line_id)
        SELECT fund_id, source_line_id FROM new_lines WHERE source_line_id IS NOT NULL;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
"""

# The guards of 0002, 0004 and 0009 on one partition: a statement naming it fires its own statement triggers only.
PARTITION_GUARDS = """
    CREATE OR REPLACE FUNCTION s75_ledger_partition_guard(partition text) RETURNS void AS $$
    BEGIN
        EXECUTE format('CREATE TRIGGER ledger_journalline_append_only BEFORE UPDATE OR DELETE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION s75_ledger_refuse_change()', partition);
        EXECUTE format('CREATE TRIGGER ledger_journalline_no_truncate BEFORE TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION s75_ledger_refuse_change()', partition);
        EXECUTE format('CREATE TRIGGER ledger_lines_fit AFTER INSERT ON %I REFERENCING NEW TABLE AS new_lines '
                       'FOR EACH STATEMENT EXECUTE FUNCTION s75_ledger_lines_fit()', partition);
    END;
    $$ LANGUAGE plpgsql;
"""

# A year's partition, with its guards, made when the first period of that year is created (in any fund). It runs as
# the tables' owner: the application's role owns nothing and may create no table (s75.audit.database_roles).
YEAR_PARTITIONS = """
    CREATE OR REPLACE FUNCTION s75_ledger_year_partitions() RETURNS trigger AS $$
    DECLARE
        year integer;
        partition text;
    BEGIN
        FOR year IN SELECT DISTINCT financial_year FROM new_periods ORDER BY 1 LOOP
            partition := 'ledger_journalline_y' || year;
            IF to_regclass(partition) IS NULL THEN
                EXECUTE format('CREATE TABLE %I PARTITION OF ledger_journalline FOR VALUES IN (%s)', partition, year);
                PERFORM s75_ledger_partition_guard(partition);
            END IF;
        END LOOP;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT;
"""

PARTITIONS = """
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'ledger_journalline'::regclass ORDER BY 1
"""

POSTGRES = [
    LINES_FIT,
    PARTITION_GUARDS,
    YEAR_PARTITIONS,
    """
    CREATE TABLE IF NOT EXISTS ledger_linesource (
        fund_id bigint NOT NULL, source_line_id varchar(100) NOT NULL,
        CONSTRAINT line_source_posts_once PRIMARY KEY (fund_id, source_line_id)
    )
    """,
    "DELETE FROM ledger_linesource",
    """
    INSERT INTO ledger_linesource (fund_id, source_line_id)
    SELECT fund_id, source_line_id FROM ledger_journalline WHERE source_line_id IS NOT NULL
    """,
    *[f"CREATE TRIGGER ledger_linesource_{name} BEFORE {events} ON ledger_linesource "
      "FOR EACH STATEMENT EXECUTE FUNCTION s75_ledger_refuse_change()"
      for name, events in (("append_only", "UPDATE OR DELETE"), ("no_truncate", "TRUNCATE"))],
    """
    CREATE TRIGGER ledger_period_year_partitions AFTER INSERT ON ledger_period
    REFERENCING NEW TABLE AS new_periods FOR EACH STATEMENT EXECUTE FUNCTION s75_ledger_year_partitions()
    """,
]

POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS ledger_period_year_partitions ON ledger_period",
    "DROP TABLE IF EXISTS ledger_linesource",
    "DROP FUNCTION IF EXISTS s75_ledger_year_partitions()",
    "DROP FUNCTION IF EXISTS s75_ledger_partition_guard(text)",
    LINES_FIT_0004,
]

SQLITE_FITS = """
    CREATE TRIGGER ledger_journalline_fits BEFORE INSERT ON ledger_journalline
    WHEN NOT EXISTS (
        SELECT 1 FROM ledger_journalentry e, ledger_account a, ledger_period p
         WHERE e.id = NEW.entry_id AND e.fund_id = NEW.fund_id AND e.period_id = NEW.period_id
           AND a.id = NEW.account_id AND a.fund_id = NEW.fund_id
           AND p.id = NEW.period_id AND p.fund_id = NEW.fund_id AND p.status = 'open'{year})
    BEGIN SELECT RAISE(ABORT, 'a line must be on an entry, an account and an open period of its fund{words}'); END
"""
SQLITE = [
    "DROP TRIGGER IF EXISTS ledger_journalline_fits",
    SQLITE_FITS.format(year=" AND p.financial_year = NEW.financial_year", words=", in the year of its period"),
]
SQLITE_FITS_0004 = SQLITE_FITS.format(year="", words="")
SQLITE_UNDO = ["DROP TRIGGER IF EXISTS ledger_journalline_fits", SQLITE_FITS_0004]
SQLITE_APPEND_ONLY = [
    f"CREATE TRIGGER IF NOT EXISTS ledger_journalline_no_{event.lower()} BEFORE {event} ON ledger_journalline "
    "BEGIN SELECT RAISE(ABORT, 'ledger_journalline is append-only: post a reversing entry instead'); END"
    for event in ("UPDATE", "DELETE")
]


def _run(schema_editor, statements: list[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    """Install the guards: on PostgreSQL on the table and on every partition it has."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PARTITIONS)
            for (partition,) in cursor.fetchall():
                cursor.execute("SELECT s75_ledger_partition_guard(%s)", [partition])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE)


def backwards(apps, schema_editor):
    """Lift the guards this migration added (the table stays partitioned)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PARTITIONS)
            for (partition,) in cursor.fetchall():
                for trigger in ("ledger_journalline_append_only", "ledger_journalline_no_truncate",
                                "ledger_lines_fit"):
                    cursor.execute(f'DROP TRIGGER IF EXISTS {trigger} ON "{partition}"')
        _run(schema_editor, POSTGRES_UNDO)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_UNDO)


POSTGRES_PARTITION = [
    "ALTER TABLE ledger_journalline RENAME TO ledger_journalline_unpartitioned",
    # Out of the way of the new table's key and identity, which take the same names.
    "ALTER INDEX ledger_journalline_pkey RENAME TO ledger_journalline_unpartitioned_pkey",
    """
    DO $$
    BEGIN
        EXECUTE format('ALTER SEQUENCE %s RENAME TO ledger_journalline_unpartitioned_id_seq',
                       pg_get_serial_sequence('ledger_journalline_unpartitioned', 'id'));
    END $$
    """,
    """
    CREATE TABLE ledger_journalline (
        id bigint GENERATED BY DEFAULT AS IDENTITY,
        amount_pence bigint NOT NULL,
        posting_date date NULL,
        cost_centre varchar(50) NOT NULL,
        subjective varchar(50) NOT NULL,
        description varchar(500) NOT NULL,
        source_line_id varchar(100) NULL,
        account_id bigint NOT NULL,
        entry_id bigint NOT NULL,
        fund_id bigint NOT NULL,
        period_id bigint NOT NULL,
        financial_year smallint NOT NULL CONSTRAINT ledger_journalline_financial_year_check
            CHECK (financial_year >= 0),
        CONSTRAINT line_not_zero CHECK (NOT amount_pence = 0),
        CONSTRAINT ledger_journalline_pkey PRIMARY KEY (id, financial_year)
    ) PARTITION BY LIST (financial_year)
    """,
    """
    DO $$
    DECLARE
        year integer;
    BEGIN
        FOR year IN SELECT DISTINCT financial_year FROM ledger_period ORDER BY 1 LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF ledger_journalline FOR VALUES IN (%s)',
                           'ledger_journalline_y' || year, year);
        END LOOP;
    END $$
    """,
    """
    INSERT INTO ledger_journalline
           (id, amount_pence, posting_date, cost_centre, subjective, description, source_line_id, account_id,
            entry_id, fund_id, period_id, financial_year)
    SELECT l.id, l.amount_pence, l.posting_date, l.cost_centre, l.subjective, l.description, l.source_line_id,
           l.account_id, l.entry_id, l.fund_id, l.period_id, p.financial_year
      FROM ledger_journalline_unpartitioned l JOIN ledger_period p ON p.id = l.period_id
     ORDER BY l.id
    """,
    """
    DO $$
    BEGIN
        IF (SELECT count(*) FROM ledger_journalline) <> (SELECT count(*) FROM ledger_journalline_unpartitioned) THEN
            RAISE EXCEPTION 'journal lines whose period does not exist: the ledger cannot be partitioned';
        END IF;
        PERFORM setval(pg_get_serial_sequence('ledger_journalline', 'id'),
                       COALESCE((SELECT max(id) FROM ledger_journalline), 0) + 1, false);
    END $$
    """,
    "DROP TABLE ledger_journalline_unpartitioned",
    "CREATE INDEX ledger_journalline_account_id_2b31745b ON ledger_journalline (account_id)",
    "CREATE INDEX ledger_journalline_entry_id_9e70d486 ON ledger_journalline (entry_id)",
    "CREATE INDEX line_fund_period_account ON ledger_journalline (fund_id, period_id, account_id)",
    # 0002's and 0009's triggers on the table itself (0004's function is replaced by ``forwards``).
    """
    CREATE TRIGGER ledger_lines_fit AFTER INSERT ON ledger_journalline
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION s75_ledger_lines_fit()
    """,
    """
    CREATE TRIGGER ledger_journalline_append_only BEFORE UPDATE OR DELETE ON ledger_journalline
    FOR EACH STATEMENT EXECUTE FUNCTION s75_ledger_refuse_change()
    """,
    """
    CREATE TRIGGER ledger_journalline_no_truncate BEFORE TRUNCATE ON ledger_journalline
    FOR EACH STATEMENT EXECUTE FUNCTION s75_ledger_refuse_change()
    """,
]


def partition(apps, schema_editor):
    """Move the lines: into a table partitioned by year on PostgreSQL; on SQLite, the year added and filled."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_PARTITION)
    elif vendor == "sqlite":
        # Added in place (a rebuild would trip the triggers of other tables that read the lines); the default is
        # there only to fill the column, which the append-only trigger lets through while it is lifted.
        _run(schema_editor, [
            "ALTER TABLE ledger_journalline ADD COLUMN financial_year smallint unsigned NOT NULL DEFAULT 0 "
            "CHECK (financial_year >= 0)",
            "DROP TRIGGER ledger_journalline_no_update",
            "UPDATE ledger_journalline SET financial_year = "
            "(SELECT p.financial_year FROM ledger_period p WHERE p.id = ledger_journalline.period_id)",
            *SQLITE_APPEND_ONLY,
        ])


def unpartition(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        raise migrations.exceptions.IrreversibleError(
            "the partitioned journal lines are not moved back into one table: restore a backup taken before "
            "ledger 0010 instead")
    if vendor == "sqlite":
        _run(schema_editor, ["ALTER TABLE ledger_journalline DROP COLUMN financial_year"])


class Migration(migrations.Migration):
    dependencies = [("ledger", "0009_no_truncate")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    "journalline", "financial_year",
                    models.PositiveSmallIntegerField(
                        editable=False, help_text="The year of the line's period (the partition key on PostgreSQL)."),
                ),
            ],
            database_operations=[migrations.RunPython(partition, unpartition)],
        ),
        migrations.RunPython(forwards, backwards),
    ]
