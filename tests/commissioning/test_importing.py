"""Loading packages from CSV and XLSX: all or nothing, every bad row named, idempotent, and never a file that
carries an NHS number."""

import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from s75.commissioning.importing import packages_import
from s75.commissioning.models import Package, PackageVersion
from s75.commissioning.services import CommissioningError

HEADER = "Package reference,Contract,Unit,From,Rate,Units a week,Funded by,End date,End reason\n"


def csv_file(tmp_path, text, name="packages.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def good(tmp_path, contract, council, nhs):
    return csv_file(tmp_path, HEADER + (
        f"PKG-1,HC-2024-001,hour,2024-04-01,£20.00,10,{nhs.name_in_agreement},,\n"
        f"PKG-1,HC-2024-001,hour,04/04/2024,20.50,12.5,{nhs.name_in_agreement},30/06/2024,moved setting\n"
        f"PKG-2,HC-2024-001,band,2024-05-01,950.00,1,{council.name_in_agreement}=40; {nhs.name_in_agreement}=60,,\n"
    ))


def test_a_file_loads_its_packages_changes_and_ends(agreement, good):
    result = packages_import(actor=None, agreement=agreement, path=good)
    assert (result.packages_placed, result.changes, result.ends, result.rows_already_loaded) == (2, 1, 1, 0)
    first = Package.objects.get(reference="PKG-1")
    assert list(first.versions.values_list("effective_from", "pence_per_unit", "units_per_week")) == [
        (date(2024, 4, 1), 2000, Decimal("10.00")), (date(2024, 4, 4), 2050, Decimal("12.50"))]
    assert (first.end_date, first.end_reason) == (date(2024, 6, 30), "moved_setting")
    joint = Package.objects.get(reference="PKG-2")
    assert sorted(joint.funding.values_list("share_basis_points", flat=True)) == [4000, 6000]


def test_loading_the_same_file_again_loads_nothing_twice(agreement, good):
    packages_import(actor=None, agreement=agreement, path=good)
    again = packages_import(actor=None, agreement=agreement, path=good)
    assert (again.packages_placed, again.changes, again.ends, again.rows_already_loaded) == (0, 0, 0, 3)
    assert PackageVersion.objects.count() == 3


def test_a_dry_run_says_what_would_load_and_saves_nothing(agreement, good):
    result = packages_import(actor=None, agreement=agreement, path=good, dry_run=True)
    assert (result.packages_placed, result.changes, result.dry_run) == (2, 1, True)
    assert not Package.objects.exists()


def test_a_file_with_bad_rows_names_each_and_loads_nothing(tmp_path, agreement, contract, nhs):
    path = csv_file(tmp_path, HEADER + (
        f"PKG-1,HC-2024-001,hour,2024-04-01,20.00,10,{nhs.name_in_agreement},,\n"
        f"PKG-2,HC-9,fortnight,31/02/2024,twenty,-,{nhs.name_in_agreement}=50,,\n"
        "PKG-3,HC-2024-001,hour,2024-04-01,20.00,10,Nobody,,\n"
        f"PKG-4,HC-2024-001,hour,2030-04-01,20.00,10,{nhs.name_in_agreement},,\n"
    ))
    with pytest.raises(CommissioningError) as error:
        packages_import(actor=None, agreement=agreement, path=path)
    problems = [str(problem) for problem in error.value.problems]
    assert [problem.split(":")[0] for problem in problems] == ["row 3"] * 5 + ["row 4"]
    assert "no contract “HC-9”" in problems[0] and "“Nobody” is not a partner" in problems[5]
    assert not Package.objects.exists()


def test_rows_refused_by_the_services_are_named_and_nothing_is_loaded(tmp_path, agreement, contract, nhs):
    path = csv_file(tmp_path, HEADER + (
        f"PKG-1,HC-2024-001,hour,2024-04-01,20.00,10,{nhs.name_in_agreement},,\n"
        f"PKG-4,HC-2024-001,hour,2030-04-01,20.00,10,{nhs.name_in_agreement}=50,,\n"
    ))
    with pytest.raises(CommissioningError) as error:
        packages_import(actor=None, agreement=agreement, path=path)
    assert [str(problem)[:6] for problem in error.value.problems] == ["row 3:", "row 3:"]
    assert not Package.objects.exists()


def test_a_row_already_loaded_with_other_terms_is_refused(agreement, good, tmp_path, nhs):
    packages_import(actor=None, agreement=agreement, path=good)
    path = csv_file(tmp_path, HEADER + f"PKG-1,HC-2024-001,hour,2024-04-01,£21.00,10,{nhs.name_in_agreement},,\n",
                    name="other.csv")
    with pytest.raises(CommissioningError, match="row 2: PKG-1's version from 1 April 2024 is already loaded"):
        packages_import(actor=None, agreement=agreement, path=path)


def test_a_column_headed_as_an_nhs_number_is_refused(tmp_path, agreement, contract, nhs):
    path = csv_file(tmp_path, HEADER.replace("\n", ",NHS No\n")
                    + f"PKG-1,HC-2024-001,hour,2024-04-01,20.00,10,{nhs.name_in_agreement},,,\n")
    with pytest.raises(CommissioningError, match="column “NHS No” is headed as an NHS number"):
        packages_import(actor=None, agreement=agreement, path=path)
    assert not Package.objects.exists()


@pytest.mark.parametrize("heading", ["Date of birth", "DOB", "Client D.O.B.", "Birth date"])
def test_a_column_headed_as_a_date_of_birth_is_refused(tmp_path, agreement, contract, nhs, heading):
    path = csv_file(tmp_path, HEADER.replace("\n", f",{heading}\n")
                    + f"PKG-1,HC-2024-001,hour,2024-04-01,20.00,10,{nhs.name_in_agreement},,,01/02/1940\n")
    with pytest.raises(CommissioningError, match=f"column “{re.escape(heading)}” is headed as a date of birth"):
        packages_import(actor=None, agreement=agreement, path=path)
    assert not Package.objects.exists()


def test_a_column_holding_nhs_numbers_is_refused_whatever_its_heading(tmp_path, agreement, contract, nhs):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*HEADER.strip().split(","), "Client id"])
    sheet.append(["PKG-1", "HC-2024-001", "hour", date(2024, 4, 1), 20, 10, nhs.name_in_agreement, None, None,
                  9434765919])
    path = tmp_path / "packages.xlsx"
    workbook.save(path)
    with pytest.raises(CommissioningError, match=r"column “Client id” holds an NHS number \(row 2\)"):
        packages_import(actor=None, agreement=agreement, path=path)
    sheet.delete_cols(10)
    workbook.save(path)
    assert packages_import(actor=None, agreement=agreement, path=path).packages_placed == 1


def test_a_mapping_names_the_headings_of_another_system(tmp_path, agreement, contract, nhs):
    path = csv_file(tmp_path, "Ref,Contract no,Unit,Start,Price,Hours,Funder\n"
                    f"PKG-1,HC-2024-001,hour,2024-04-01,20.00,10,{nhs.organisation.name}\n")
    mapping = {"reference": "Ref", "contract": "Contract no", "effective_from": "Start", "rate": "Price",
               "units_per_week": "Hours", "funded_by": "Funder"}
    assert packages_import(actor=None, agreement=agreement, path=path, mapping=mapping).packages_placed == 1
    with pytest.raises(CommissioningError, match="the file has no column “Package reference”"):
        packages_import(actor=None, agreement=agreement, path=path)
