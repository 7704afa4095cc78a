"""The commitments list's rows become the lead commissioner's care packages when the list is removed
(``monitoring`` 0003, docs/adr/0012): each commitment a package of one version under a placeholder contract of its
schedule, funded by the schedule's lead commissioner, costing what the commitment did.

The migration runs on the models as they were when it was written, against the list's table made again for the
test inside the test's transaction (the audit trail is append-only, so a test database is never migrated back and
flushed)."""

from datetime import date
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from s75.commissioning.costing import cost_between
from s75.commissioning.models import Contract, Package
from s75.commissioning.selectors import package_terms
from tests.factories import complete_agreement

MIGRATION = ("monitoring", "0003_commitments_to_packages")


@pytest.mark.django_db
def test_each_commitment_becomes_a_package_of_its_schedule():
    agreement = complete_agreement()
    schedule = agreement.schedules.get()
    old = MigrationLoader(connection).project_state(MIGRATION).apps
    Commitment = old.get_model("monitoring", "Commitment")
    editor = connection.SchemaEditorClass(connection)
    editor.deferred_sql = []  # the table's foreign keys, which the test does without
    sql, params = editor.table_sql(Commitment)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    running = Commitment.objects.create(schedule_id=schedule.pk, description="Mrs Smith's hoist",
                                        weekly_cost_pence=150_00, start_date=date(2024, 4, 1))
    ended = Commitment.objects.create(schedule_id=schedule.pk, description="Care package 0042",
                                      weekly_cost_pence=700_00, start_date=date(2024, 10, 1),
                                      end_date=date(2024, 12, 31))
    import_module("s75.monitoring.migrations.0003_commitments_to_packages").commitments_to_packages(old, None)

    contract = Contract.objects.get()
    assert (contract.schedule_id, contract.placed_by_id) == (schedule.pk, schedule.lead_commissioner_id)
    assert (contract.reference, contract.start_date, contract.end_date) == ("COMMITMENTS", date(2024, 4, 1),
                                                                            agreement.end_date)
    packages = {package.reference: package for package in Package.objects.prefetch_related("versions", "funding")}
    # The description may name the person: a package's reference is pseudonymous, so it is not carried.
    assert set(packages) == {f"COMMITMENT-{running.pk}", f"COMMITMENT-{ended.pk}"}
    assert not any("Smith" in package.reference for package in packages.values())
    first = packages[f"COMMITMENT-{running.pk}"]
    second = packages[f"COMMITMENT-{ended.pk}"]
    assert (first.end_date, second.end_date, second.end_reason) == (None, date(2024, 12, 31), "other")
    assert [(share.party_id, share.share_basis_points) for share in second.funding.all()] == [
        (schedule.lead_commissioner_id, 10_000)]
    # 1 October to 31 December: 13 weeks and a day at £700 a week.
    assert cost_between(package_terms(second), second.end_date, date(2024, 10, 1), date(2025, 3, 31)) == 9_200_00
    assert cost_between(package_terms(first), None, date(2024, 4, 1), date(2024, 4, 28)) == 4 * 150_00
