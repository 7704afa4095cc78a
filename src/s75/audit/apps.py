from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _replace_fires_delete_triggers(sender, connection, **kwargs) -> None:
    """On SQLite, ``INSERT OR REPLACE`` deletes the row it replaces without firing its delete triggers unless
    recursive triggers are on: with them on, every append-only table's delete trigger refuses the replacement."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA recursive_triggers = ON")


class AuditConfig(AppConfig):
    name = "s75.audit"
    label = "audit"

    def ready(self):
        connection_created.connect(_replace_fires_delete_triggers, dispatch_uid="s75_replace_fires_delete_triggers")
