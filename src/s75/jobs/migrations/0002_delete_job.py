# Background work runs as tasks of Django's tasks framework (django-tasks-db keeps them): the job table goes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="Job"),
    ]
