"""`s75 packages`, `s75 import-packages` and `s75 recharge`."""

import json
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from s75.commissioning.models import Package, Recharge
from tests.factories import UserFactory


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_packages_lists_each_with_its_versions_and_figures_as_json(agreement, package):
    [document] = json.loads(run("packages", "--agreement", str(agreement.pk), "--json"))
    assert document["reference"] == "PKG-0001" and document["contract"] == "HC-2024-001"
    assert document["versions"] == [{"effective_from": "2024-04-01", "pence_per_unit": 2000,
                                     "units_per_week": "10.00"}]
    assert "PKG-0001" in run("packages") and "1 package." in run("packages")


def test_packages_shows_a_user_only_the_packages_of_agreements_they_see(package):
    outsider = UserFactory(role="Pooled fund manager")
    assert json.loads(run("packages", "--json", "--user", outsider.username)) == []


def test_import_packages_loads_a_file_and_a_dry_run_loads_nothing(tmp_path, agreement, contract, nhs):
    path = tmp_path / "packages.csv"
    path.write_text("Package reference,Contract,Unit,From,Rate,Units a week,Funded by\n"
                    f"PKG-9,HC-2024-001,hour,2024-04-01,20.00,10,{nhs.name_in_agreement}\n", encoding="utf-8")
    dry = run("import_packages", str(path), "--agreement", agreement.reference, "--dry-run")
    assert "Dry run, nothing saved: packages placed 1," in dry
    assert not Package.objects.exists()
    assert "Loaded: packages placed 1," in run("import_packages", str(path), "--agreement", str(agreement.pk))
    assert Package.objects.get().reference == "PKG-9"


def test_import_packages_names_every_bad_row(tmp_path, agreement, contract):
    path = tmp_path / "packages.csv"
    path.write_text("Ref,Contract,Unit,From,Rate,Units a week,Funded by\n"
                    "PKG-9,HC-0,hour,2024-04-01,20.00,10,Nobody\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--map"):
        run("import_packages", str(path), "--agreement", str(agreement.pk), "--map", "ref")
    with pytest.raises(CommandError) as error:
        run("import_packages", str(path), "--agreement", str(agreement.pk), "--map", "reference=Ref")
    assert str(error.value).splitlines() == ["Row 2: no contract “HC-0” under this agreement",
                                             "Row 2: funded by: “Nobody” is not a partner of the agreement"]


def test_recharge_writes_the_statement_as_json_and_excel_and_posts_it(tmp_path, agreement, package, nhs):
    [council_statement, nhs_statement] = json.loads(run("recharge", "--agreement", str(agreement.pk),
                                                        "--month", "2024-25/M01"))
    assert council_statement["lines"] == [] and nhs_statement["total_pence"] == 85715
    out = tmp_path / "statement.xlsx"
    run("recharge", "--agreement", str(agreement.pk), "--month", "2024-25/M01", "--partner", str(nhs.pk),
        "--format", "xlsx", "--out", str(out))
    assert load_workbook(out).active["A2"].value == "PKG-0001"
    pdf = tmp_path / "statement.pdf"
    assert "Wrote" in run("recharge", "--agreement", str(agreement.pk), "--month", "2024-25/M01", "--partner",
                          str(nhs.pk), "--format", "pdf", "--out", str(pdf))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert f"Total recharged to {nhs.name_in_agreement}" in text and "857.15" in text
    with pytest.raises(CommandError, match="A PDF statement needs --out FILE.pdf"):
        run("recharge", "--agreement", str(agreement.pk), "--month", "2024-25/M01", "--format", "pdf")
    assert "Posted" in run("recharge", "--agreement", str(agreement.pk), "--month", "2024-25/M01", "--post")
    assert Recharge.objects.get().total_pence == 85715
    with pytest.raises(CommandError, match="already posted"):
        run("recharge", "--agreement", str(agreement.pk), "--month", "2024-25/M01", "--partner", str(nhs.pk),
            "--post")


def test_recharge_refuses_a_bad_month_and_a_user_without_the_permission(agreement, package, council):
    with pytest.raises(CommandError, match="write it like 2024-25/M06"):
        run("recharge", "--agreement", str(agreement.pk), "--month", "June")
    board = UserFactory(role="Board member", organisation=council.organisation)
    with pytest.raises(CommandError, match="may not post"):
        run("recharge", "--agreement", str(agreement.pk), "--month", "2024-25/M01", "--post", "--user",
            board.username)


def test_import_providers_and_contracts_load_files_and_name_bad_rows(tmp_path, agreement, schedule):
    providers = tmp_path / "providers.csv"
    providers.write_text("Supplier,Type\nMeon Care Ltd,home care\n", encoding="utf-8")
    assert "Dry run, nothing saved: providers registered 1" in run("import_providers", str(providers), "--dry-run",
                                                                   "--map", "name=Supplier")
    assert "Loaded: providers registered 1, already registered 0" in run("import_providers", str(providers),
                                                                        "--map", "name=Supplier")
    contracts = tmp_path / "contracts.csv"
    contracts.write_text("Contract,Schedule,Provider,Start,End,Ceiling value,Rate unit,Band,Rate\n"
                         "HC-1,1,Meon Care Ltd,2024-04-01,2025-03-31,100000,hour,,21.00\n"
                         "HC-2,1,Meon Care Ltd,2024-04-01,2025-03-31,100000,fortnight,,21.00\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Row 3: the rate unit “fortnight” is not one of"):
        run("import_contracts", str(contracts), "--agreement", str(agreement.pk))
    with pytest.raises(CommandError, match="--map 'colour=Red': write FIELD=HEADING"):
        run("import_contracts", str(contracts), "--agreement", str(agreement.pk), "--map", "colour=Red")
    contracts.write_text("Contract,Schedule,Provider,Start,End,Ceiling value,Rate unit,Band,Rate\n"
                         "HC-1,1,Meon Care Ltd,2024-04-01,2025-03-31,100000,hour,,21.00\n", encoding="utf-8")
    assert "Loaded: contracts placed 1, already placed 0" in run("import_contracts", str(contracts), "--agreement",
                                                                 str(agreement.pk))
