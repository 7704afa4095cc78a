"""PostgreSQL: ``TRUNCATE`` fires no row or UPDATE/DELETE triggers, so journal lines and entries refuse it with a
trigger of its own (0002 refuses updates and deletes)."""

from django.db import migrations

TABLES = ["ledger_journalline", "ledger_journalentry"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                                  f"FOR EACH STATEMENT EXECUTE FUNCTION s75_ledger_refuse_change();")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_account_role_recharges_receivable")]
    operations = [migrations.RunPython(forwards, backwards)]
