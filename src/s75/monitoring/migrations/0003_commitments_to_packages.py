"""The commitments list becomes the lead commissioner's care packages (docs/adr/0012).

Each schedule's commitments become packages under one placeholder contract of that schedule, with a placeholder
provider, placed by the schedule's lead commissioner (else the host, else the first partner) and funded wholly by
that partner: the list recorded neither who provided the care nor whose decision funded it. Each package is one
version from the commitment's start, a weekly rate of its weekly cost for one unit a week, ending when the
commitment ended. A package's reference is pseudonymous, so the commitment's free-text description (which may name
the person) is not carried: the reference is ``COMMITMENT-`` and the commitment's number; the description stays in
the audit trail of its ``commitment_add``. The pooled fund manager is to replace the placeholder provider and
funding with the real ones.
"""

from decimal import Decimal

from django.db import migrations

PROVIDER = "Provider not recorded (from the commitments list)"
WHOLE_SHARE = 10_000


def _funder(schedule, Party):
    parties = Party.objects.filter(agreement_id=schedule.agreement_id).order_by("position", "id")
    return (schedule.lead_commissioner or parties.filter(is_host=True).first() or parties.first())


def _weeks(first, last) -> int:
    return -(-((last - first).days + 1) // 7)


def commitments_to_packages(apps, schema_editor):
    Commitment = apps.get_model("monitoring", "Commitment")
    Party = apps.get_model("agreements", "Party")
    Provider = apps.get_model("commissioning", "Provider")
    Contract = apps.get_model("commissioning", "Contract")
    Package = apps.get_model("commissioning", "Package")
    PackageFunding = apps.get_model("commissioning", "PackageFunding")
    PackageVersion = apps.get_model("commissioning", "PackageVersion")
    by_schedule: dict = {}
    for commitment in (Commitment.objects.select_related("schedule__agreement", "schedule__lead_commissioner")
                       .order_by("schedule_id", "start_date", "id")):
        by_schedule.setdefault(commitment.schedule, []).append(commitment)
    if not by_schedule:
        return
    provider, _ = Provider.objects.get_or_create(name=PROVIDER, defaults={"provider_type": "other"})
    for schedule, commitments in by_schedule.items():
        agreement = schedule.agreement
        funder = _funder(schedule, Party)
        if funder is None:
            raise RuntimeError(f"schedule {schedule.number} of agreement {agreement.pk} has commitments but the "
                               "agreement has no partner to place them: add its partners, then migrate again")
        start = min(commitment.start_date for commitment in commitments)
        end = max(max(commitment.end_date or agreement.end_date, commitment.start_date)
                  for commitment in commitments)
        ceiling = sum(commitment.weekly_cost_pence * _weeks(commitment.start_date, commitment.end_date or end)
                      for commitment in commitments)
        contract = Contract.objects.create(
            schedule=schedule, provider=provider, placed_by=funder, reference="COMMITMENTS", start_date=start,
            end_date=end, ceiling_pence=ceiling,
        )
        for commitment in commitments:
            package = Package.objects.create(
                agreement=agreement, contract=contract, reference=f"COMMITMENT-{commitment.pk}", unit="week",
                end_date=commitment.end_date, end_reason="other" if commitment.end_date else "",
                created_by_id=commitment.created_by_id, modified_by_id=commitment.modified_by_id,
            )
            PackageFunding.objects.create(package=package, party=funder, share_basis_points=WHOLE_SHARE)
            PackageVersion.objects.create(package=package, effective_from=commitment.start_date,
                                          pence_per_unit=commitment.weekly_cost_pence, units_per_week=Decimal(1),
                                          recorded_by_id=commitment.created_by_id)


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0002_consent_permission"),
        ("commissioning", "0002_database_guards"),
        ("agreements", "0006_agreement_data_version"),
    ]

    operations = [
        # Backwards, the packages stay: they may have been changed or recharged since.
        migrations.RunPython(commitments_to_packages, migrations.RunPython.noop),
    ]
