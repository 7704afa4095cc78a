"""Loading providers, and contracts with their rates, from CSV and XLSX: all or nothing, every bad row named,
idempotent, and never a file that carries a person's identifier."""

from datetime import date

import pytest
from openpyxl import Workbook

from s75.commissioning.contract_importing import contracts_import, providers_import
from s75.commissioning.models import Contract, Provider, Rate
from s75.commissioning.services import CommissioningError

PROVIDERS = "Provider,Type,Companies House number,CQC id,Framework lot\n"
CONTRACTS = "Contract,Schedule,Provider,Start,End,Ceiling value,Rate unit,Band,Rate\n"


def csv_file(tmp_path, text, name="file.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_providers_load_once_and_again_are_counted_not_loaded(db, tmp_path):
    path = csv_file(tmp_path, PROVIDERS + "Meon Care Ltd,home care,08123401,1-201800001,Lot 1\n"
                                          "Itchen Nursing Ltd,Nursing care,,,Lot 3\n")
    result = providers_import(actor=None, path=path)
    assert (result.loaded, result.already_loaded) == (2, 0)
    assert Provider.objects.get(name="Meon Care Ltd").provider_type == "home_care"
    assert Provider.objects.get(name="Itchen Nursing Ltd").provider_type == "nursing"
    again = providers_import(actor=None, path=path)
    assert (again.loaded, again.already_loaded) == (0, 2) and Provider.objects.count() == 2


def test_a_provider_file_with_bad_rows_names_each_and_loads_nothing(db, tmp_path):
    path = csv_file(tmp_path, PROVIDERS + "Meon Care Ltd,home care,08123401,,\n"
                                          "Bad Type Ltd,hospital,,,\n"
                                          "Bad Number Ltd,nursing,123,,\n"
                                          "meon care ltd,home care,,,\n"
                                          ",nursing,,,\n")
    with pytest.raises(CommissioningError) as refused:
        providers_import(actor=None, path=path)
    messages = [str(problem) for problem in refused.value.problems]
    assert any(message.startswith("row 3: the type “hospital” is not one of") for message in messages)
    assert any(message.startswith("row 4: a Companies House number is eight digits") for message in messages)
    assert "row 5: meon care ltd is on row 2 too" in messages
    assert "row 6: enter the provider's name" in messages
    assert not Provider.objects.exists()


def test_a_provider_already_registered_with_other_details_is_refused(provider, tmp_path):
    path = csv_file(tmp_path, PROVIDERS + f"{provider.name},nursing,01234567,1-101234567,Lot 1\n")
    with pytest.raises(CommissioningError, match="row 2: Solent Home Care Ltd is already registered with other"):
        providers_import(actor=None, path=path)


def test_a_dry_run_checks_and_saves_nothing(db, tmp_path):
    path = csv_file(tmp_path, PROVIDERS + "Meon Care Ltd,home care,,,\n")
    assert providers_import(actor=None, path=path, dry_run=True).loaded == 1
    assert not Provider.objects.exists()


@pytest.fixture
def contracts_file(tmp_path, provider):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(CONTRACTS.strip().split(","))
    sheet.append(["NC-2024-01", 1, provider.name, date(2024, 4, 1), "31/03/2027", "£2,000,000", "week", "", "1,150.00"])
    sheet.append(["NC-2024-01", 1, provider.name, date(2024, 4, 1), "31/03/2027", "£2,000,000", "band", "Enhanced",
                  "1,250.00"])
    sheet.append(["HC-2024-09", "1", provider.name, "2024-04-01", "2025-03-31", "500000", "hour", "", "23.40"])
    path = tmp_path / "contracts.xlsx"
    workbook.save(path)
    return path


def test_contracts_load_with_their_rates_once(agreement, schedule, contracts_file):
    result = contracts_import(actor=None, agreement=agreement, path=contracts_file)
    assert (result.loaded, result.already_loaded) == (2, 0)
    nursing = Contract.objects.get(reference="NC-2024-01")
    assert (nursing.schedule, nursing.ceiling_pence, nursing.end_date) == (schedule, 2_000_000_00, date(2027, 3, 31))
    assert nursing.placed_by == schedule.lead_commissioner
    assert sorted(nursing.rates.values_list("unit", "band_name", "pence_per_unit")) == [
        ("band", "Enhanced", 125000), ("week", "", 115000)]
    again = contracts_import(actor=None, agreement=agreement, path=contracts_file)
    assert (again.loaded, again.already_loaded) == (0, 2) and Rate.objects.count() == 3


def test_a_contract_file_with_bad_rows_names_each_and_loads_nothing(agreement, provider, tmp_path):
    path = csv_file(tmp_path, CONTRACTS + (
        f"NC-1,1,{provider.name},2024-04-01,2027-03-31,1000000,week,,1100\n"
        f"NC-1,1,{provider.name},2024-04-01,2026-03-31,1000000,night,,90\n"
        "NC-2,7,Nobody Ltd,1 April,2027-03-31,lots,fortnight,,12\n"
        f"NC-3,1,{provider.name},2024-04-01,2023-03-31,1000000,hour,,21.00\n"
        f"NC-4,1,{provider.name},2024-04-01,2027-03-31,1000000,hour,,21.00\n"
        f"NC-4,1,{provider.name},2024-04-01,2027-03-31,1000000,hour,,22.00\n"))
    with pytest.raises(CommissioningError) as refused:
        contracts_import(actor=None, agreement=agreement, path=path)
    messages = [str(problem) for problem in refused.value.problems]
    assert "row 3: contract NC-1's schedule, provider, dates or ceiling differ from its row 2" in messages
    assert "row 4: no schedule “7” in this agreement (give its number)" in messages
    assert "row 4: no provider “Nobody Ltd” is registered: load the providers first" in messages
    assert any(message.startswith("row 4: the start “1 April” is not a date") for message in messages)
    assert "row 4: the ceiling value “lots” is not an amount in pounds and pence" in messages
    assert "row 4: the rate unit “fortnight” is not one of hour, week, night or band" in messages
    assert len(messages) == 6  # NC-3 and NC-4 reach the services only once the file's rows are all readable
    path = csv_file(tmp_path, CONTRACTS + (
        f"NC-3,1,{provider.name},2024-04-01,2023-03-31,1000000,hour,,21.00\n"
        f"NC-4,1,{provider.name},2024-04-01,2027-03-31,1000000,hour,,21.00\n"
        f"NC-4,1,{provider.name},2024-04-01,2027-03-31,1000000,hour,,22.00\n"
        f"NC-5,1,{provider.name},2024-04-01,2027-03-31,1000000,hour,,22.00\n"))
    with pytest.raises(CommissioningError) as refused:
        contracts_import(actor=None, agreement=agreement, path=path)
    assert [str(problem) for problem in refused.value.problems] == [
        "row 2: a contract ends on or after it starts", "row 3: rate 2: the contract already has a rate for that unit"]
    assert not Contract.objects.exists()


def test_a_contract_already_placed_with_other_rates_is_refused(agreement, contract, tmp_path, provider):
    path = csv_file(tmp_path, CONTRACTS + f"{contract.reference},1,{provider.name},2024-04-01,2026-03-31,500000,hour,,"
                                          "21.00\n")
    with pytest.raises(CommissioningError, match="row 2: contract HC-2024-001 is already placed with other terms"):
        contracts_import(actor=None, agreement=agreement, path=path)


@pytest.mark.parametrize("heading", ["NHS number", "Date of birth"])
def test_a_file_with_a_personal_identifier_column_is_refused(db, tmp_path, heading):
    path = csv_file(tmp_path, PROVIDERS.replace("\n", f",{heading}\n") + "Meon Care Ltd,home care,,,,x\n")
    with pytest.raises(CommissioningError, match=f"column “{heading}” is headed as"):
        providers_import(actor=None, path=path)
    assert not Provider.objects.exists()
