"""The audit trail, lifecycle history and variations cannot be edited or deleted, even past the services: not by
inserting over a row (SQLite's ``INSERT OR REPLACE``) and not by ``TRUNCATE`` (PostgreSQL)."""

import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from s75.agreements.models import Transition, Variation
from s75.agreements.services import agreement_transition
from s75.audit.models import AuditEvent
from tests.factories import complete_agreement
from tests.rows import row_inserted_over

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement_in_force():
    agreement = complete_agreement(approve=True)
    agreement_transition(actor=None, agreement=agreement, to_status="approved", reason="Approved")
    agreement_transition(actor=None, agreement=agreement, to_status="in_force", reason="Commenced")
    return agreement


@pytest.mark.parametrize("model", [AuditEvent, Transition, Variation])
def test_the_database_refuses_updates_and_deletes(agreement_in_force, model):
    rows = model.objects.filter(agreement=agreement_in_force)
    assert rows.exists()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        rows.update(agreement=agreement_in_force)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.filter(pk=rows.first().pk).delete()
    assert rows.count() == model.objects.filter(agreement=agreement_in_force).count()


@pytest.mark.parametrize(("model", "column"), [(AuditEvent, "reason"), (Transition, "reason"),
                                               (Variation, "description")])
def test_the_database_refuses_a_row_inserted_over_another(agreement_in_force, model, column):
    row = model.objects.filter(agreement=agreement_in_force).first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        row_inserted_over(model._meta.db_table, row.pk, column, "rewritten")
    assert getattr(model.objects.get(pk=row.pk), column) == getattr(row, column)


# Every app's migration that makes its append-only (or kept) tables refuse TRUNCATE.
NO_TRUNCATE = ["s75.audit.migrations.0003_no_truncate", "s75.ledger.migrations.0009_no_truncate",
               "s75.reports.migrations.0004_no_truncate", "s75.settlement.migrations.0003_no_truncate",
               "s75.commissioning.migrations.0003_no_truncate"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
@pytest.mark.parametrize("table", [table for name in NO_TRUNCATE for table in importlib.import_module(name).TABLES])
def test_postgresql_refuses_truncate(agreement_in_force, table):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # else TRUNCATE refuses for the pending checks, not the rule
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.filter(agreement=agreement_in_force).exists()
