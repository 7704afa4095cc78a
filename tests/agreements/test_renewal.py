"""Renewal: a draft successor with the same schedules and terms, each party's successor, no contributions."""

from datetime import date
from decimal import Decimal

import pytest

from s75.agreements.models import AgreementStatus
from s75.agreements.renewal import agreement_renew
from s75.agreements.services import ChangeRefused, agreement_transition, approval_record, party_add
from s75.audit.models import AuditEvent
from s75.budgets.models import Contribution
from s75.organisations.selectors import organisation_get_by_code
from s75.riskshare.models import RiskShareTerms
from s75.riskshare.services import risk_share_terms_set
from tests.factories import complete_agreement

pytestmark = pytest.mark.django_db
S = AgreementStatus


def in_force(**overrides):
    agreement = complete_agreement(approve=True, **overrides)
    agreement_transition(actor=None, agreement=agreement, to_status=S.APPROVED, reason="Approved")
    agreement_transition(actor=None, agreement=agreement, to_status=S.IN_FORCE, reason="Commenced")
    agreement.refresh_from_db()
    return agreement


def test_renewal_brings_in_each_partys_successor_and_the_schedules():
    agreement = in_force(start_date=date(2019, 4, 1), end_date=date(2022, 3, 31))
    ccg = organisation_get_by_code(code="06P")
    party_nhs = agreement.parties.exclude(is_host=True).get()
    party_nhs.organisation = ccg  # the partner was Luton CCG, succeeded by the BLMK ICB in July 2022
    party_nhs.save()
    renewal = agreement_renew(
        actor=None, agreement=agreement, reference="renewal-2023", start_date=date(2023, 4, 1),
        end_date=date(2026, 3, 31),
    )
    assert renewal.predecessor == agreement and renewal.status == S.DRAFT
    assert [p.organisation.code for p in renewal.parties.all()] == [agreement.host.organisation.code, "QHG"]
    assert [s.title for s in renewal.schedules.all()] == ["Joint Equipment Store"]
    assert renewal.schedules.get().lead_commissioner.organisation == agreement.host.organisation
    assert not Contribution.objects.filter(schedule__agreement=renewal).exists()

    assert AuditEvent.objects.filter(agreement=agreement, action="agreement_renew").exists()


def test_merged_partners_join_once_with_their_fixed_shares_added_and_caps_left_to_agree():
    agreement = complete_agreement(start_date=date(2021, 4, 1), end_date=date(2022, 3, 31))
    east = party_add(actor=None, agreement=agreement, organisation=organisation_get_by_code(code="03W"))
    west = party_add(actor=None, agreement=agreement, organisation=organisation_get_by_code(code="04V"))
    host, nhs = agreement.parties.order_by("position")[:2]
    risk_share_terms_set(
        actor=None, agreement=agreement, financial_year=None, overspend_rule="fixed", underspend_rule="fixed",
        party_terms=[
            {"party": host, "fixed_percent": Decimal("40")},
            {"party": nhs, "fixed_percent": Decimal("0")},
            {"party": east, "fixed_percent": Decimal("25"), "cap_pence": 100000},
            {"party": west, "fixed_percent": Decimal("35")},
        ],
    )
    for party in agreement.parties.all():
        approval_record(
            actor=None, agreement=agreement, party=party, decided_on=date(2021, 3, 1), decision_maker="Board"
        )
    agreement_transition(actor=None, agreement=agreement, to_status=S.APPROVED, reason="Approved")
    renewal = agreement_renew(
        actor=None, agreement=agreement, reference="llr-2023", start_date=date(2023, 4, 1), end_date=date(2026, 3, 31)
    )
    codes = [party.organisation.code for party in renewal.parties.all()]
    assert codes[2:] == ["QK1"]  # East Leicestershire and Rutland and West Leicestershire CCGs became one ICB
    terms = RiskShareTerms.objects.get(agreement=renewal)
    shares = {t.party.organisation.code: (t.fixed_percent, t.cap_pence) for t in terms.party_terms.all()}
    assert shares["QK1"] == (Decimal("60"), None)
    assert not Contribution.objects.filter(schedule__agreement=renewal).exists()


def test_only_approved_or_in_force_agreements_renew_and_only_forwards():
    draft = complete_agreement()
    with pytest.raises(ChangeRefused, match="only an approved agreement"):
        agreement_renew(actor=None, agreement=draft, reference="r1", start_date=date(2027, 4, 1),
                        end_date=date(2030, 3, 31))
    agreement = in_force()
    with pytest.raises(ChangeRefused, match="starts after"):
        agreement_renew(actor=None, agreement=agreement, reference="r2", start_date=date(2024, 4, 1),
                        end_date=date(2030, 3, 31))
