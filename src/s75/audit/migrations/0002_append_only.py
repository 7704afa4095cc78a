"""On PostgreSQL the database itself refuses to change or delete audit events, transitions and variations."""

from django.db import migrations

TABLES = ["audit_auditevent", "agreements_transition", "agreements_variation"]

FUNCTION = """
CREATE OR REPLACE FUNCTION s75_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: rows are never updated or deleted', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION s75_refuse_change();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS s75_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), ("agreements", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
