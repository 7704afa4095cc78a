"""Shared set-up of the Better Care Fund tests: a unitary HWB area with one ICB, their BCF agreement with two
schedules and the year's contributions by funding stream, and a 2025-26 plan that passes every check, built
through the services. Tests change one thing and look at what follows."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from s75.agreements import services as agreement_services
from s75.agreements.models import Agreement, AgreementStatus, Party, Schedule
from s75.bcf.models import BcfYear, ListName, Plan
from s75.bcf.services import (
    ConditionRow,
    IncomeRow,
    LineRow,
    MetricRow,
    PlanContents,
    allocation_set,
    plan_contents_replace,
    plan_create,
)
from s75.budgets.models import FundingStream
from s75.budgets.services import contribution_set
from s75.governance.models import BoardKind, DecisionOutcome, DecisionSubject
from s75.governance.services import board_create, decision_record, meeting_create
from tests.factories import NhsBodyFactory, OrganisationFactory, UserFactory

YEAR = 2025
# The area's income, in pence, by source code and who gives it: (source, "icb" or "council", pence).
INCOME = (("nhs-minimum", "icb", 1_000_000_000), ("la-better-care-grant", "council", 300_000_000),
          ("dfg", "council", 200_000_000))
NHS_MINIMUM_PENCE, ASC_MINIMUM_PENCE = 1_000_000_000, 400_000_000


@dataclass
class Area:
    """A BCF area: its HWB (the council), its ICB, their agreement and its two schedules, the year, and a user of
    the council who may prepare plans."""

    council: Party
    icb: Party
    agreement: Agreement
    home_care: Schedule
    equipment: Schedule
    year: BcfYear
    manager: object

    def item(self, list_name: str, code: str):
        return self.year.items.get(list=list_name, code=code)

    def bring_into_force(self) -> Agreement:
        """Both partners approve the agreement and it comes into force, as the agreements' lifecycle asks."""
        for party in (self.council, self.icb):
            agreement_services.approval_record(actor=None, agreement=self.agreement, party=party,
                                               decided_on=datetime.date(YEAR, 3, 1), decision_maker="Board")
        for status in (AgreementStatus.APPROVED, AgreementStatus.IN_FORCE):
            agreement_services.agreement_transition(actor=None, agreement=self.agreement, to_status=status,
                                                    reason="As agreed")
        self.agreement.refresh_from_db()
        return self.agreement

    def board_decision(self, *, outcome: str = DecisionOutcome.APPROVED, financial_year: int = YEAR):
        """The area's Health and Wellbeing Board's decision on the year's BCF plan."""
        board = board_create(actor=None, name=f"{self.council.organisation} Health and Wellbeing Board",
                             kind=BoardKind.HEALTH_AND_WELLBEING, organisation=self.council.organisation,
                             agreements=[self.agreement])
        meeting = meeting_create(actor=None, board=board, held_on=datetime.date(YEAR, 3, 20))
        return decision_record(actor=None, meeting=meeting, agreement=self.agreement, outcome=outcome,
                               summary="The board's chair signs the Better Care Fund plan off.",
                               subject=DecisionSubject.BCF_PLAN, financial_year=financial_year,
                               minute_reference="HWB 25/1")

    def contents(self, **changes) -> PlanContents:
        """Contents that pass every check: each source fully planned, £4.5m of the NHS minimum on social care
        (the required minimum is £4m), every condition confirmed, the income equal to the contributions."""
        item = self.item
        source = {code: item(ListName.SOURCE, code) for code, _, _ in INCOME}
        social_care, community = item(ListName.AREA_OF_SPEND, "social-care"), item(ListName.AREA_OF_SPEND,
                                                                                     "community-health")
        common = {"provider_type": item(ListName.PROVIDER_TYPE, "local-authority"), "new_or_existing": "existing"}
        lines = [
            LineRow(scheme_id="1", scheme_name="Home care for discharge", scheme_type=item(ListName.SCHEME_TYPE,
                    "home-care"), sub_type=item(ListName.SUB_TYPE, "dom-discharge"), area_of_spend=social_care,
                    commissioner="la", source=source["nhs-minimum"], planned_pence=450_000_000,
                    schedule=self.home_care, outputs=Decimal("12000"), output_unit="hours of care", **common),
            LineRow(scheme_id="2", scheme_name="Community rehabilitation", scheme_type=item(ListName.SCHEME_TYPE,
                    "home-based-ic"), area_of_spend=community, commissioner="joint", nhs_percent=Decimal("60"),
                    la_percent=Decimal("40"), source=source["nhs-minimum"], planned_pence=550_000_000,
                    schedule=self.home_care, **common),
            LineRow(scheme_id="3", scheme_name="Reablement at home", scheme_type=item(ListName.SCHEME_TYPE,
                    "home-care"), area_of_spend=social_care, commissioner="la",
                    source=source["la-better-care-grant"], planned_pence=300_000_000, schedule=self.home_care,
                    **common),
            LineRow(scheme_id="4", scheme_name="Adaptations", scheme_type=item(ListName.SCHEME_TYPE, "dfg"),
                    sub_type=item(ListName.SUB_TYPE, "dfg-adaptations"), area_of_spend=social_care,
                    commissioner="la", source=source["dfg"], planned_pence=200_000_000, schedule=self.equipment,
                    **common),
        ]
        fields = {
            "income": [IncomeRow(source=source[code], organisation=getattr(self, who).organisation,
                                 amount_pence=pence) for code, who, pence in INCOME],
            "lines": lines,
            "conditions": [ConditionRow(condition=condition, confirmed=True, comment="Agreed by the board.")
                           for condition in self.year.items.filter(list=ListName.NATIONAL_CONDITION)],
            "metrics": [MetricRow(metric=metric, quarter=quarter, planned=Decimal(400 - quarter))
                        for metric in self.year.items.filter(list=ListName.METRIC) for quarter in (1, 2, 3, 4)],
            "narrative": "Home first: care at home after a stay in hospital.",
        }
        return PlanContents(**{**fields, **changes})


def bcf_area(*, council=None, icb=None, reference: str = "bcf-test-2025") -> Area:
    """A unitary council and an ICB in a pooled BCF agreement for 2025-26, contributing the year's BCF income."""
    council_org = council or OrganisationFactory()
    icb_org = icb or NhsBodyFactory()
    agreement = agreement_services.agreement_create(
        actor=None, reference=reference, title="Better Care Fund section 75 agreement",
        start_date=datetime.date(YEAR, 4, 1), end_date=datetime.date(YEAR + 1, 3, 31), pooled_fund=True,
        is_better_care_fund=True, pooled_fund_manager_name="Director of Integration",
        contribution_variation_terms="Varied by written agreement.", review_terms="Reviewed each quarter.",
        variation_terms="Varied in writing.", termination_terms="Three months' notice.",
        fund_management_terms="The council hosts the fund.", consultation_exemption_reason="A continuing fund.",
    )
    council_party = agreement_services.party_add(actor=None, agreement=agreement, organisation=council_org,
                                                 is_host=True)
    icb_party = agreement_services.party_add(actor=None, agreement=agreement, organisation=icb_org)
    schedules = [
        agreement_services.schedule_create(
            actor=None, agreement=agreement, title=title, lead_commissioner=council_party,
            aims_and_outcomes="People live at home for longer.", nhs_functions="Community health services",
            health_related_functions="Social care", eligible_people="Adults of the area.", services=title,
            resources="Staff of both partners.")
        for title in ("Care at home", "Equipment and adaptations")
    ]
    parties = {"icb": icb_party, "council": council_party}
    for code, who, pence in INCOME:
        schedule = schedules[1] if code == "dfg" else schedules[0]
        contribution_set(actor=None, schedule=schedule, party=parties[who], financial_year=YEAR,
                         funding_stream=FundingStream.objects.get(code=BcfYear.objects.get(
                             financial_year=YEAR).items.get(list=ListName.SOURCE, code=code).funding_stream.code),
                         amount_pence=pence)
    year = BcfYear.objects.get(financial_year=YEAR)
    allocation_set(actor=None, hwb=council_org, year=year, nhs_minimum_pence=NHS_MINIMUM_PENCE,
                   asc_minimum_pence=ASC_MINIMUM_PENCE)
    manager = UserFactory(organisation=council_org, role="Pooled fund manager")
    return Area(council=council_party, icb=icb_party, agreement=agreement, home_care=schedules[0],
                equipment=schedules[1], year=year, manager=manager)


@pytest.fixture
def area(db) -> Area:
    return bcf_area()


@pytest.fixture
def plan(area) -> Plan:
    """A draft 2025-26 plan of the area whose every check passes."""
    plan = plan_create(actor=area.manager, hwb=area.council.organisation, year=area.year, agreement=area.agreement)
    return plan_contents_replace(actor=area.manager, plan=plan, contents=area.contents())
