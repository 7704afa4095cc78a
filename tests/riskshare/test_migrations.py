"""Schedule terms saved before they refused caps, offsetting and a reserve are cleared of them, with an audit record
of what they held (riskshare/migrations/0002)."""

import importlib
from decimal import Decimal

from django.apps import apps
from django.db import connection

from s75.audit.models import AuditEvent
from s75.riskshare.models import PartyTerm, RiskShareTerms
from tests.factories import complete_agreement

migration = importlib.import_module("s75.riskshare.migrations.0002_schedule_terms_without_pool_terms")


def test_a_schedules_caps_offsetting_and_reserve_are_cleared_and_recorded(db):
    agreement = complete_agreement()
    council, ccg = agreement.parties.order_by("position")
    schedule = agreement.schedules.get()
    fund = RiskShareTerms.objects.create(agreement=agreement, offset_first=True, contingency_reserve_pence=5_000_00)
    PartyTerm.objects.create(terms=fund, party=ccg, cap_pence=1_000_00)
    override = RiskShareTerms.objects.create(agreement=agreement, schedule=schedule, overspend_rule="fixed",
                                             offset_first=True, contingency_reserve_pence=2_000_00)
    PartyTerm.objects.create(terms=override, party=council, fixed_percent=Decimal(60), cap_percent=Decimal(5))
    PartyTerm.objects.create(terms=override, party=ccg, cap_pence=3_000_00)  # a cap alone: the row goes

    migration.clear_pool_terms_on_schedules(apps, connection.schema_editor())

    override.refresh_from_db()
    assert (override.offset_first, override.contingency_reserve_pence, override.overspend_rule) == (False, 0, "fixed")
    assert list(override.party_terms.values_list("party", "fixed_percent", "cap_pence", "cap_percent")) == [
        (council.pk, Decimal(60), None, None)]
    fund.refresh_from_db()  # the fund's own terms keep theirs
    assert (fund.offset_first, fund.contingency_reserve_pence, fund.party_terms.get().cap_pence) == (True, 5_000_00,
                                                                                                     1_000_00)
    event = AuditEvent.objects.get(action="risk_share_terms_cleared_of_pool_terms")
    assert (event.object_id, event.agreement_id) == (str(override.pk), agreement.pk)
    assert event.before == {"offset_first": True, "contingency_reserve_pence": 2_000_00,
                            "caps": [{"party_id": council.pk, "cap_pence": None, "cap_percent": "5.0000"},
                                     {"party_id": ccg.pk, "cap_pence": 3_000_00, "cap_percent": None}]}
    assert event.after == {"offset_first": False, "contingency_reserve_pence": 0, "caps": []}
