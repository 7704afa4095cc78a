"""References are unique in each organisation's register, not across the whole register (issue 17, disclosure): an
agreement is held by the organisation of whoever made it, or, where the system operator made it, by its host (or
with no host its first party)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def hold_by_maker(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    Party = apps.get_model("agreements", "Party")
    for agreement in Agreement.objects.select_related("created_by").only("pk", "created_by__organisation_id"):
        holder = agreement.created_by.organisation_id if agreement.created_by else None
        if holder is None:
            party = Party.objects.filter(agreement=agreement).order_by("-is_host", "position", "id").first()
            holder = party.organisation_id if party else None
        if holder is not None:
            Agreement.objects.filter(pk=agreement.pk).update(held_by_id=holder)


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0006_agreement_data_version'),
        ('organisations', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='agreement',
            name='held_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
        ),
        migrations.RunPython(hold_by_maker, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='agreement',
            name='reference',
            field=models.SlugField(help_text="A short reference, unique in its organisation's register, e.g. luton-s75-2013.", max_length=60),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.UniqueConstraint(fields=('held_by', 'reference'), name='agreement_reference_unique_per_register'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.UniqueConstraint(condition=models.Q(('held_by__isnull', True)), fields=('reference',), name='agreement_reference_unique_unheld'),
        ),
    ]
