"""factory_boy factories: the smallest valid rows, made through the same services as the product where a
service exists, so tests exercise the rules rather than by-pass them."""

import datetime

import factory
from django.contrib.auth.models import Group

from s75.accounts.models import User
from s75.agreements.models import Agreement, Party, Schedule
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
    requires_prior_agreement = factory.LazyAttribute(lambda party: not party.is_host)


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Service {n}")
