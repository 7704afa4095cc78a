"""The funding streams agreements and Better Care Fund plans use."""

from django.db import migrations

STREAMS = [
    ("core", "Partner contribution", False),
    ("nhs-minimum", "NHS minimum contribution", True),
    ("ccg-revenue", "CCG revenue funding", True),
    ("ibcf", "Improved Better Care Fund / Local Authority Better Care Grant", True),
    ("dfg", "Disabled Facilities Grant", True),
    ("social-care-capital", "Social Care Capital Grant", True),
    ("discharge", "Discharge funding", True),
    ("additional", "Additional contribution", True),
]


def add(apps, schema_editor):
    FundingStream = apps.get_model("budgets", "FundingStream")
    for code, name, bcf in STREAMS:
        FundingStream.objects.update_or_create(code=code, defaults={"name": name, "is_better_care_fund": bcf})


def remove(apps, schema_editor):
    apps.get_model("budgets", "FundingStream").objects.filter(code__in=[c for c, _, _ in STREAMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
