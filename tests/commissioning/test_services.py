"""Providers, contracts and packages, their changes and ends: each rule of each act, and nothing half-saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from s75.audit.models import AuditEvent
from s75.commissioning.models import (
    Contract,
    EndReason,
    Package,
    PackageFunding,
    PackageVersion,
    Provider,
    ProviderType,
    Rate,
    RateUnit,
)
from s75.commissioning.services import (
    CommissioningError,
    RateSpec,
    ShareSpec,
    contract_create,
    package_change,
    package_create,
    package_end,
    provider_create,
)
from tests.factories import complete_agreement

from .conftest import place


def fields_refused(error) -> list[str | None]:
    return [problem.field for problem in error.value.problems]


def test_a_provider_is_recorded_with_its_identifiers_and_audited(provider):
    assert (provider.companies_house_number, provider.cqc_id) == ("01234567", "1-101234567")
    assert AuditEvent.objects.filter(action="provider_create", object_id=str(provider.pk)).exists()


def test_a_provider_with_bad_identifiers_is_refused_for_every_reason(db):
    with pytest.raises(CommissioningError) as error:
        provider_create(actor=None, name=" ", provider_type="florist", companies_house_number="1234",
                        cqc_id="CQC-99")
    assert fields_refused(error) == ["name", "provider_type", "companies_house_number", "cqc_id"]
    assert not Provider.objects.exists()


def test_a_scottish_companies_house_number_is_a_format_too(db):
    provider = provider_create(actor=None, name="Highland Care", provider_type=ProviderType.NURSING,
                               companies_house_number="sc123456")
    assert provider.companies_house_number == "SC123456"
    with pytest.raises(CommissioningError, match="already registered"):
        provider_create(actor=None, name="Highland Care 2", provider_type=ProviderType.NURSING,
                        companies_house_number="SC123456")


def test_a_contract_is_placed_by_the_schedules_lead_commissioner_with_its_rates(contract, council):
    assert contract.placed_by == council
    assert sorted(contract.rates.values_list("unit", "band_name", "pence_per_unit")) == [
        ("band", "Nursing band 2", 95000), ("hour", "", 2000)]


def test_a_contract_under_a_schedule_without_a_lead_commissioner_is_refused(schedule, provider):
    schedule.lead_commissioner = None
    schedule.save()
    with pytest.raises(CommissioningError) as error:
        contract_create(actor=None, schedule=schedule, provider=provider, reference="bad ref!",
                        start_date=date(2025, 4, 1), end_date=date(2024, 4, 1), ceiling_pence=0,
                        rates=[RateSpec(RateUnit.BAND, 100), RateSpec(RateUnit.HOUR, -5),
                               RateSpec(RateUnit.HOUR, 2000)])
    assert fields_refused(error) == ["reference", "schedule", "end_date", "ceiling_pence", "rates", "rates",
                                     "rates"]
    assert not Contract.objects.exists() and not Rate.objects.exists()


def test_a_package_is_placed_with_its_first_version_and_funding(package, nhs):
    assert package.agreement == package.contract.schedule.agreement
    assert list(package.versions.values_list("effective_from", "pence_per_unit", "units_per_week")) == [
        (date(2024, 4, 1), 2000, Decimal("10.00"))]
    assert list(package.funding.values_list("party", "share_basis_points")) == [(nhs.pk, 10_000)]
    assert AuditEvent.objects.filter(action="package_create", agreement=package.agreement).exists()


def test_a_joint_package_is_funded_by_shares_that_make_the_whole(contract, council, nhs):
    package = place(contract, "PKG-J1", [(council, 4000), (nhs, 6000)])
    assert sorted(package.funding.values_list("share_basis_points", flat=True)) == [4000, 6000]


def test_a_package_refused_for_every_reason_saves_nothing(contract, council, nhs):
    stranger = complete_agreement().parties.get(is_host=True)
    with pytest.raises(CommissioningError) as error:
        package_create(actor=None, contract=contract, reference="PKG 1", unit="fortnight",
                       effective_from=date(2030, 1, 1), pence_per_unit=0, units_per_week=Decimal("1.005"),
                       funding=[ShareSpec(council, 4000), ShareSpec(stranger, 5000)])
    assert fields_refused(error) == ["reference", "unit", "effective_from", "pence_per_unit", "units_per_week",
                                     "funding", "funding"]
    assert "9,000 basis points" in str(error.value)
    assert not Package.objects.exists() and not PackageVersion.objects.exists()
    assert not PackageFunding.objects.exists()


def test_a_package_reference_that_is_an_nhs_number_is_refused(contract, nhs):
    with pytest.raises(CommissioningError, match="NHS number") as error:
        place(contract, "9434765919", [(nhs, 10_000)])
    assert fields_refused(error) == ["reference"]


def test_a_package_reference_is_unique_in_its_agreement(package, contract, nhs):
    with pytest.raises(CommissioningError, match="already has a package PKG-0001"):
        place(contract, "PKG-0001", [(nhs, 10_000)])


def test_a_change_is_a_new_version_and_the_earlier_stays_as_it_was(package):
    package_change(actor=None, package=package, effective_from=date(2024, 4, 4), pence_per_unit=2050,
                   units_per_week=Decimal("12.5"))
    assert list(package.versions.values_list("effective_from", "pence_per_unit", "units_per_week")) == [
        (date(2024, 4, 1), 2000, Decimal("10.00")), (date(2024, 4, 4), 2050, Decimal("12.50"))]
    assert AuditEvent.objects.filter(action="package_change").count() == 1


def test_a_change_on_or_before_the_start_or_twice_on_a_day_is_refused(package):
    with pytest.raises(CommissioningError, match="after the package starts"):
        package_change(actor=None, package=package, effective_from=date(2024, 4, 1), pence_per_unit=2100,
                       units_per_week=Decimal(10))
    package_change(actor=None, package=package, effective_from=date(2024, 5, 1), pence_per_unit=2100,
                   units_per_week=Decimal(10))
    with pytest.raises(CommissioningError, match="already changes on 1 May 2024"):
        package_change(actor=None, package=package, effective_from=date(2024, 5, 1), pence_per_unit=2200,
                       units_per_week=Decimal(10))
    assert package.versions.count() == 2


def test_a_package_ends_once_with_a_reason_and_changes_after_its_end_are_refused(package):
    package_end(actor=None, package=package, end_date=date(2024, 6, 30), end_reason=EndReason.MOVED_SETTING)
    package.refresh_from_db()
    assert (package.end_date, package.end_reason) == (date(2024, 6, 30), "moved_setting")
    with pytest.raises(CommissioningError, match="already ended on 30 June 2024"):
        package_end(actor=None, package=package, end_date=date(2024, 7, 31), end_reason=EndReason.OTHER)
    with pytest.raises(CommissioningError, match="ended on 30 June 2024"):
        package_change(actor=None, package=package, effective_from=date(2024, 7, 1), pence_per_unit=2100,
                       units_per_week=Decimal(10))


def test_an_end_needs_a_reason_and_a_date_after_the_start(package):
    with pytest.raises(CommissioningError) as error:
        package_end(actor=None, package=package, end_date=date(2024, 3, 31), end_reason="")
    assert fields_refused(error) == ["end_date", "end_reason"]
    package.refresh_from_db()
    assert package.end_date is None


def test_the_database_refuses_an_end_without_a_reason_and_a_share_out_of_range(package):
    with pytest.raises(IntegrityError), transaction.atomic():
        Package.objects.filter(pk=package.pk).update(end_date=date(2024, 5, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PackageFunding.objects.filter(package=package).update(share_basis_points=10_001)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rate.objects.filter(contract=package.contract, unit=RateUnit.HOUR).update(band_name="Band A")
