"""The reference-data load: real counts, every CCG linked to an ICB, and safe to run again."""

import pytest

from s75.audit.models import AuditEvent
from s75.organisations.models import Organisation, Succession
from s75.organisations.services import reference_data_load

pytestmark = pytest.mark.django_db


def test_reference_data_holds_every_icb_ccg_and_council():
    assert Organisation.objects.filter(kind="icb").count() == 42
    assert Organisation.objects.filter(kind="ccg").count() == 135
    assert Succession.objects.filter(predecessor__kind="ccg", successor__kind="icb").count() == 135
    upper_tier = Organisation.objects.filter(
        kind__in=["county_council", "unitary_authority", "metropolitan_district", "london_borough"]
    )
    assert upper_tier.count() == 151  # England's upper-tier authorities in the April 2019 ONS lookup


def test_loading_again_changes_nothing_and_records_nothing():
    organisations, events = Organisation.objects.count(), AuditEvent.objects.count()
    result = reference_data_load()
    assert (result.icbs, result.ccgs, result.unmatched) == (42, 135, ())
    assert Organisation.objects.count() == organisations
    assert AuditEvent.objects.count() == events
