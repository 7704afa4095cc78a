import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agreements', '0003_renewal_alert_sent_on'),
        ('ledger', '0003_alter_account_role_alter_journalentry_kind'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SettlementRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('financial_year', models.PositiveSmallIntegerField()),
                ('version', models.PositiveIntegerField()),
                ('outturn_basis', models.CharField(choices=[('actual', 'Actual spend in the ledger'), ('forecast', 'Forecast outturn')], max_length=10)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('final', 'Final')], default='draft', max_length=10)),
                ('inputs', models.JSONField(help_text='Every figure and term the run was computed from, money in pence.')),
                ('results', models.JSONField(help_text='Every figure of DESIGN.md §6 step 6 per partner and schedule, in pence.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finalised_at', models.DateTimeField(blank=True, null=True)),
                ('agreement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='settlement_runs', to='agreements.agreement')),
                ('carry_forward_entry', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='carry_forward_run', to='ledger.journalentry')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('settlement_entry', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='settlement_run', to='ledger.journalentry')),
            ],
            options={
                'ordering': ['agreement', 'financial_year', 'version'],
                'permissions': [('settle_fund', "Compute and propose a fund's year-end settlement"), ('approve_settlement', "Approve a partner's year-end settlement")],
            },
        ),
        migrations.CreateModel(
            name='SettlementApproval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('approved_at', models.DateTimeField(auto_now_add=True)),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('party', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='settlement_approvals', to='agreements.party')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='approvals', to='settlement.settlementrun')),
            ],
            options={
                'ordering': ['run', 'party__position'],
            },
        ),
        migrations.AddConstraint(
            model_name='settlementrun',
            constraint=models.UniqueConstraint(fields=('agreement', 'financial_year', 'version'), name='settlement_version_once'),
        ),
        migrations.AddConstraint(
            model_name='settlementrun',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'final')), fields=('agreement', 'financial_year'), name='settlement_one_final'),
        ),
        migrations.AddConstraint(
            model_name='settlementrun',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('finalised_at', None), ('status', 'draft')), models.Q(('finalised_at__isnull', False), ('status', 'final')), _connector='OR'), name='settlement_final_has_date'),
        ),
        migrations.AddConstraint(
            model_name='settlementrun',
            constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='settlement_version_positive'),
        ),
        migrations.AddConstraint(
            model_name='settlementapproval',
            constraint=models.UniqueConstraint(fields=('run', 'party'), name='settlement_approval_once'),
        ),
    ]
