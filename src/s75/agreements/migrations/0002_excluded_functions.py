"""The NHS functions that partnership arrangements may not cover (DESIGN.md §3), held as data."""

from django.db import migrations

EXCLUDED = [
    ("Surgery", "surgery, surgical"),
    ("Radiotherapy", "radiotherapy"),
    ("Termination of pregnancy", "termination of pregnancy, abortion"),
    ("Endoscopy", "endoscopy, endoscopic"),
    ("Class 4 laser treatment", "class 4 laser, laser"),
    ("Other invasive treatments", "invasive treatment, invasive procedure"),
    ("Emergency ambulance services", "emergency ambulance"),
]


def add(apps, schema_editor):
    ExcludedFunction = apps.get_model("agreements", "ExcludedFunction")
    for name, keywords in EXCLUDED:
        ExcludedFunction.objects.update_or_create(name=name, defaults={"keywords": keywords})


def remove(apps, schema_editor):
    apps.get_model("agreements", "ExcludedFunction").objects.filter(name__in=[n for n, _ in EXCLUDED]).delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
