"""PostgreSQL: ``TRUNCATE`` fires no row triggers, so the append-only tables of 0002 refuse it with a trigger of
its own. (On SQLite there is no TRUNCATE; ``INSERT OR REPLACE`` fires the delete triggers there: ``AuditConfig``.)"""

from django.db import migrations

TABLES = ["audit_auditevent", "agreements_transition", "agreements_variation"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                                  f"FOR EACH STATEMENT EXECUTE FUNCTION s75_refuse_change();")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
