"""PostgreSQL: ``TRUNCATE`` fires no row or UPDATE/DELETE triggers, so the tables that 0002 keeps refuse it with a
trigger of its own."""

from django.db import migrations

TABLES = ["settlement_settlementrun", "settlement_settlementapproval"]


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
    dependencies = [("settlement", "0002_final_runs_locked"), ("audit", "0003_no_truncate")]
    operations = [migrations.RunPython(forwards, backwards)]
