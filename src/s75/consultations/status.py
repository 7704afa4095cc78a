"""A consultation's status, derived in one place from its opening and closing times and its published outcome."""

from datetime import datetime

from django.db import models


class ConsultationStatus(models.TextChoices):
    FORTHCOMING = "forthcoming", "Forthcoming"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    OUTCOME_PUBLISHED = "outcome_published", "Outcome published"


def consultation_status(consultation, *, now: datetime) -> ConsultationStatus:
    """Forthcoming before ``opens_at``; open from ``opens_at`` up to (not including) ``closes_at``; closed from
    then until the outcome is published. Times are aware, so the Europe/London clock change needs no special case."""
    if consultation.outcome_published_at is not None and consultation.outcome_published_at <= now:
        return ConsultationStatus.OUTCOME_PUBLISHED
    if now < consultation.opens_at:
        return ConsultationStatus.FORTHCOMING
    if now < consultation.closes_at:
        return ConsultationStatus.OPEN
    return ConsultationStatus.CLOSED
