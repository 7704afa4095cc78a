"""factory_boy factories: the smallest valid rows, made through the same services as the product where a
service exists, so tests exercise the rules rather than by-pass them."""

import datetime
import itertools

import factory
from django.contrib.auth.models import Group

from s75.accounts.models import User
from s75.agreements.models import Agreement, Party, Schedule
from s75.core.fiscal import FinancialYear
from s75.organisations.models import Organisation, OrganisationKind


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Council {n}")
    kind = OrganisationKind.UNITARY_AUTHORITY
    ons_code = factory.Sequence(lambda n: f"E99{n:06d}")


class NhsBodyFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"NHS Test ICB {n}")
    kind = OrganisationKind.ICB
    ons_code = None
    ods_code = factory.Sequence(lambda n: f"Z{n:03d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    reference = factory.Sequence(lambda n: f"test-agreement-{n}")
    title = factory.Sequence(lambda n: f"Test partnership agreement {n}")
    start_date = datetime.date(2024, 4, 1)
    end_date = datetime.date(2027, 3, 31)
    pooled_fund = True


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    agreement = factory.SubFactory(AgreementFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    name_in_agreement = factory.LazyAttribute(lambda party: party.organisation.name)
    position = factory.Sequence(lambda n: n)
    is_host = False
    requires_prior_agreement = factory.LazyAttribute(lambda party: not party.is_host)


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Service {n}")


_references = itertools.count(1)


def complete_agreement(*, actor=None, approve: bool = False, host: Organisation | None = None,
                       **overrides) -> Agreement:
    """A draft agreement that satisfies every condition for coming into force, built through the services.

    A council (``host``, else a new one) hosts a pooled fund with one NHS partner; one schedule states everything
    the regulations ask; each partner contributes to the term's first financial year. With ``approve`` both
    parties' approvals are recorded.
    """
    from s75.agreements import services
    from s75.budgets.models import FundingStream
    from s75.budgets.services import contribution_set

    fields = {
        "reference": f"complete-agreement-{next(_references)}",
        "title": "Joint equipment partnership",
        "start_date": datetime.date(2024, 4, 1),
        "end_date": datetime.date(2027, 3, 31),
        "pooled_fund": True,
        "pooled_fund_manager_name": "Head of Joint Commissioning",
        "contribution_variation_terms": "Varied by written agreement of both partners.",
        "review_terms": "Reviewed every year by the joint commissioning board.",
        "variation_terms": "Varied in writing, signed by both partners.",
        "termination_terms": "Either partner may terminate on six months' notice.",
        "fund_management_terms": "The council hosts the fund, reports quarterly and gives an annual return.",
        "consultation_exemption_reason": "Continuation of existing arrangements.",
        **overrides,
    }
    agreement = services.agreement_create(actor=actor, **fields)
    council = services.party_add(actor=actor, agreement=agreement, organisation=host or OrganisationFactory(),
                                is_host=True)
    nhs = services.party_add(actor=actor, agreement=agreement, organisation=NhsBodyFactory())
    schedule = services.schedule_create(
        actor=actor, agreement=agreement, title="Joint Equipment Store", lead_commissioner=council,
        aims_and_outcomes="Equipment quickly, whoever assessed the person.",
        nhs_functions="Community health equipment", health_related_functions="Aids and adaptations",
        eligible_people="Adults and children assessed as needing equipment.", services="Community equipment.",
        resources="Store staff employed by the council.",
    )
    core = FundingStream.objects.get(code="core")
    first_year = FinancialYear.containing(agreement.start_date).start_year
    for party, pence in ((council, 53500000), (nhs, 53500000)):
        contribution_set(
            actor=actor, schedule=schedule, party=party, financial_year=first_year, funding_stream=core,
            amount_pence=pence,
        )
    if approve:
        for party in (council, nhs):
            services.approval_record(
                actor=actor, agreement=agreement, party=party, decided_on=datetime.date(2024, 3, 1),
                decision_maker="Board",
            )
    agreement.refresh_from_db()
    return agreement
