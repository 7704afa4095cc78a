"""A response remembers the online draft it was sent from, and the database saves a draft once: a double click on
Send makes one response. On SQLite, adding the column rebuilds the responses table, which the survey's frozen
triggers (0002) name: they are dropped around the rebuild and made again."""

import importlib

from django.conf import settings
from django.db import migrations, models

frozen = importlib.import_module("s75.consultations.migrations.0002_survey_frozen")


def sqlite_only(action):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            action(apps, schema_editor)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0004_themes_and_notes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(sqlite_only(frozen.backwards), sqlite_only(frozen.forwards)),
        migrations.AddField(
            model_name="response",
            name="draft",
            field=models.CharField(blank=True, help_text="The online draft it was sent from, so that sending it twice (a double click) saves it once.", max_length=32),
        ),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.UniqueConstraint(condition=models.Q(("draft", ""), _negated=True), fields=("consultation", "draft"), name="response_sent_once_per_draft"),
        ),
        migrations.RunPython(sqlite_only(frozen.forwards), sqlite_only(frozen.backwards)),
    ]
