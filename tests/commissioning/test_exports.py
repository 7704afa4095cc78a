"""The recharge statement and the packages list as Excel, read back as Excel reads them."""

from datetime import date, datetime
from decimal import Decimal

from s75.commissioning.exports import packages_workbook, statement_workbook
from s75.commissioning.models import ProviderType
from s75.commissioning.recharges import dispute_mark
from s75.commissioning.selectors import packages_visible_to, recharge_statement
from s75.commissioning.services import contract_create, provider_create
from s75.core.fiscal import FinancialMonth, FinancialYear
from tests.workbooks import reopened, values

from .conftest import place

APRIL = FinancialMonth(FinancialYear(2024), 1)


def test_the_statement_has_a_line_per_version_its_total_and_what_is_held_back(fund, package, contract, nhs):
    provider = provider_create(actor=None, name="=HYPERLINK(1)", provider_type=ProviderType.NURSING)
    other = contract_create(actor=None, schedule=contract.schedule, provider=provider, reference="N-1",
                            start_date=date(2024, 4, 1), end_date=date(2025, 3, 31), ceiling_pence=100_000_00)
    place(other, "NUR-1", [(nhs, 10_000)], rate=3000, units=Decimal(7))
    dispute_mark(actor=None, package=package, party=nhs, month=APRIL, reason="Not delivered")
    sheet = reopened(statement_workbook(
        statement=recharge_statement(agreement=fund.agreement, party=nhs, month=APRIL)))
    rows = values(sheet)
    assert rows[0][:4] == ("Package", "Contract", "Provider", "Month of care")
    assert rows[1] == ("NUR-1", "N-1", "=HYPERLINK(1)", "2024-25/M01",
                       datetime(2024, 4, 1), datetime(2024, 4, 30), 30, "hour", 30, 7, 100, 900, "charged")
    assert sheet["C2"].data_type == "s"  # a reference that looks like a formula stays text
    assert rows[2][0] == "PKG-0001" and rows[2][11] == 857.15 and rows[2][12] == "disputed"
    assert rows[3][0] == "Total recharged" and rows[3][11] == 900
    assert rows[3][12] == "disputed, held back: £857.15"


def test_the_packages_list_has_each_packages_terms_funding_and_figures(fund, package, council, nhs, contract):
    place(contract, "PKG-J1", [(council, 2500), (nhs, 7500)], start=date(2024, 5, 1))
    rows = values(reopened(packages_workbook(packages=packages_visible_to(user=None).order_by("reference"),
                                             as_at=date(2024, 4, 30))))
    assert rows[1][:8] == ("PKG-0001", "HC-2024-001", "Solent Home Care Ltd", "Joint Equipment Store", "hour", 20,
                           10, datetime(2024, 4, 1))
    # April (30 days) is 85,715p; 1 May 2024 to 31 March 2025 is 335 days, 47 weeks and 6 days.
    # 940,000 + 5 x 2,857 + 2,858p = 957,143p.
    assert rows[1][11:] == (857.15, 9571.43)
    assert rows[2][10] == f"{council.name_in_agreement} 25%; {nhs.name_in_agreement} 75%"
    assert rows[2][11:] == (0, 9571.43)  # from its own first day: 2,858 + 5 x 2,857p for the six days
