"""The terms the allocation takes for a year: each scope's own for the year where set, else its terms for every
year; a schedule's terms keep who bears its spend outside the agreement."""

from decimal import Decimal

from s75.riskshare.allocation import Cap, Rules
from s75.riskshare.models import PartyTerm, RiskShareTerms
from s75.riskshare.selectors import allocation_terms
from tests.factories import complete_agreement


def test_each_scope_takes_the_years_own_terms_else_those_for_every_year(db):
    agreement = complete_agreement()
    council, ccg = agreement.parties.order_by("position")
    schedule = agreement.schedules.get()
    every_year = RiskShareTerms.objects.create(agreement=agreement, offset_first=True, contingency_reserve_pence=500)
    PartyTerm.objects.create(terms=every_year, party=ccg, cap_percent=Decimal(10))
    override = RiskShareTerms.objects.create(agreement=agreement, schedule=schedule, financial_year=2024,
                                             overspend_rule="fixed", maladministration_borne_by_host=False)
    PartyTerm.objects.create(terms=override, party=council, fixed_percent=Decimal(100))

    in_2024 = allocation_terms(agreement=agreement, financial_year=2024)
    # The year's schedule terms do not hide the fund's terms for every year: its caps, offsetting and reserve.
    assert (in_2024.offset_first, in_2024.contingency_reserve, in_2024.caps) == (True, 500,
                                                                                 {ccg.pk: Cap(percent=Decimal(10))})
    assert in_2024.schedule_rules == {schedule.number: Rules(
        overspend="fixed", underspend="contribution_share", fixed_percent={council.pk: Decimal(100)},
        maladministration_borne_by_host=False, recharges_pooled=False)}
    assert not in_2024.outside_borne_by_host(schedule.number) and in_2024.outside_borne_by_host(99)
    assert allocation_terms(agreement=agreement, financial_year=2025).schedule_rules == {}

    RiskShareTerms.objects.create(agreement=agreement, financial_year=2024, overspend_rule="host")
    in_2024 = allocation_terms(agreement=agreement, financial_year=2024)
    assert (in_2024.rules.overspend, in_2024.caps, list(in_2024.schedule_rules)) == ("host", {}, [schedule.number])
