"""Reads of the audit trail."""

from django.db.models import QuerySet

from .models import AuditEvent


def audit_events_for_agreement(*, agreement) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(agreement=agreement).select_related("actor")
