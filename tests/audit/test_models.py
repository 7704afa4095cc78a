"""The audit trail, lifecycle history and variations cannot be edited or deleted, even past the services."""

import pytest
from django.db import DatabaseError, transaction

from s75.agreements.models import Transition, Variation
from s75.agreements.services import agreement_transition
from s75.audit.models import AuditEvent
from tests.factories import complete_agreement

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
