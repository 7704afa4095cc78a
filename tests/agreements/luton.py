"""Luton's 2013 Section 75 and 76 agreement (seed 003), built through the services as a pooled fund manager would.

Its 2013-14 financial schedule: £3,102,500 from the council, £3,493,500 from the CCG, £6,596,000 in all.
"""

from datetime import date

from s75.agreements.models import Agreement, AgreementStatus, FundingType
from s75.agreements.services import (
    agreement_create,
    agreement_transition,
    approval_record,
    party_add,
    schedule_create,
)
from s75.budgets.models import FundingStream
from s75.budgets.services import contribution_set
from s75.core.money import parse_pence
from s75.organisations.selectors import organisation_get_by_code

COUNCIL_CODE = "E06000032"
CCG_CODE = "06P"

# (title, funding type, council's contribution, CCG's contribution) for 2013-14, as the seed prints them.
SCHEDULES = [
    ("Head of Adult Joint Commissioning", FundingType.POOLED, "£44,500", "£44,500"),
    ("Joint Equipment Store", FundingType.POOLED, "£535,000", "£535,000"),
    ("Integrated LD team", FundingType.POOLED, "£471,000", "£244,000"),
    ("LD Pooled Purchasing Budget", FundingType.POOLED, "£2,052,000", "£2,130,000"),
    ("LD NHS Purchasing Budget", FundingType.ALIGNED, None, "£540,000"),
]


def luton_build(*, actor) -> Agreement:
    """The agreement in draft, with both partners, five schedules and the 2013-14 contributions."""
    agreement = agreement_create(
        actor=actor, reference="luton-s75-s76-2013", title="Luton Section 75 and 76 Agreement",
        start_date=date(2013, 4, 1), end_date=date(2016, 3, 31), basis_s76=True, pooled_fund=True,
        lead_commissioning=True, pooled_fund_manager_name="Maud O'Leary",
        pooled_fund_manager_title="Head of Adult Joint Commissioning",
        contribution_variation_terms="Contributions are agreed each year and varied by written agreement.",
        review_terms="Reviewed each year by the Future Joint Strategic Commissioning Group.",
        variation_terms="Varied in writing signed by both partners.",
        termination_terms="Either partner may terminate on six months' notice.",
        fund_management_terms="The council hosts the fund; quarterly reports, an annual return, audit.",
        prior_agreement_clause="No overspend of the CCG's contribution without the CCG's prior agreement.",
        consultation_closed_on=date(2013, 3, 11), held_by=organisation_get_by_code(code=COUNCIL_CODE),
    )
    council = party_add(actor=actor, agreement=agreement, organisation=agreement.held_by,
                        name_in_agreement="Luton Borough Council", is_host=True)
    ccg = party_add(actor=actor, agreement=agreement, organisation=organisation_get_by_code(code=CCG_CODE),
                    name_in_agreement="NHS Luton Clinical Commissioning Group")
    stream = FundingStream.objects.get(code="core")
    for number, (title, funding_type, council_amount, ccg_amount) in enumerate(SCHEDULES, start=1):
        schedule = schedule_create(
            actor=actor, agreement=agreement, title=title, number=number, funding_type=funding_type,
            lead_commissioner=council, aims_and_outcomes=f"{title}: joined-up services for adults.",
            nhs_functions="Learning disability services", eligible_people="Adults living in Luton",
            services="Community services for adults and older people", resources="Staff employed by the council",
        )
        for party, amount in ((council, council_amount), (ccg, ccg_amount)):
            if amount:
                contribution_set(actor=actor, schedule=schedule, party=party, financial_year=2013,
                                 funding_stream=stream, amount_pence=parse_pence(amount))
    return agreement


def luton_approve(*, actor, agreement: Agreement) -> None:
    for party in agreement.parties.all():
        approval_record(actor=actor, agreement=agreement, party=party, decided_on=date(2013, 3, 25),
                        decision_maker="Executive" if party.is_host else "Governing Body", reference="Item 10")


def luton_bring_into_force(*, actor, agreement: Agreement) -> Agreement:
    luton_approve(actor=actor, agreement=agreement)
    agreement_transition(actor=actor, agreement=agreement, to_status=AgreementStatus.APPROVED,
                         reason="Approved by both partners", on=date(2013, 3, 26))
    return agreement_transition(actor=actor, agreement=agreement, to_status=AgreementStatus.IN_FORCE,
                                reason="Signed by both partners", on=date(2013, 4, 1))


# The create-agreement form, filled in for a Luton Better Care Fund agreement.
AGREEMENT = {
    "reference": "luton-bcf-2015", "title": "Luton Better Care Fund agreement", "legal_basis": ["basis_s75"],
    "flexibilities": ["pooled_fund"], "is_better_care_fund": "on",
    "start_date-day": "1", "start_date-month": "4", "start_date-year": "2015",
    "end_date-day": "31", "end_date-month": "3", "end_date-year": "2016",
    "extension_months_available": "0", "renewal_notice_months": "6", "host": "yes",
}
