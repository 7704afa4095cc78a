"""Two councils' pooled funds, each with one NHS partner bound by a prior-agreement clause, and a person in each role
at each partner: what the home page's items are drawn from, and who may see them."""

from dataclasses import dataclass
from datetime import date

import pytest

from s75.agreements.models import Agreement, AgreementStatus, Party
from s75.agreements.services import agreement_transition
from s75.ledger.models import AccountRole, Fund
from s75.ledger.services import LineSpec, entry_post, fund_open
from tests.factories import UserFactory, complete_agreement
from tests.ledger.importfiles import import_fund


@dataclass
class Partnership:
    """A fund (2024-04-01 to 2027-03-31, £535,000 from each partner in 2024-25 to schedule 1) and a person in each
    role at its partners."""

    fund: Fund
    host: Party
    nhs: Party
    manager: object
    host_finance: object
    nhs_finance: object
    board_member: object
    auditor: object

    @property
    def agreement(self) -> Agreement:
        return self.fund.agreement


def partnership(fund: Fund) -> Partnership:
    host, nhs = fund.agreement.parties.get(is_host=True), fund.agreement.parties.get(is_host=False)
    return Partnership(
        fund, host, nhs,
        manager=UserFactory(role="Pooled fund manager", organisation=host.organisation),
        host_finance=UserFactory(role="Partner finance lead", organisation=host.organisation),
        nhs_finance=UserFactory(role="Partner finance lead", organisation=nhs.organisation),
        board_member=UserFactory(role="Board member", organisation=host.organisation),
        auditor=UserFactory(role="Auditor", organisation=host.organisation),
    )


def spend(fund: Fund, pounds: int, *, year: int = 2024, month: int = 1) -> None:
    """Spend on schedule 1 posted to the month's period."""
    expenditure = fund.accounts.get(role=AccountRole.EXPENDITURE, schedule__number=1)
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    entry_post(actor=None, fund=fund, period=fund.periods.get(financial_year=year, number=month),
               description="Equipment", lines=[LineSpec(expenditure, pounds * 100), LineSpec(creditors, -pounds * 100)])


@pytest.fixture
def ours(db) -> Partnership:
    """A fund with a column mapping and cost centres mapped (``import_fund``), its agreement still a draft."""
    return partnership(import_fund())


@pytest.fixture
def theirs(db) -> Partnership:
    """Another council's partnership, which none of ``ours`` may see."""
    return partnership(import_fund())


@pytest.fixture
def ours_in_force(db) -> Partnership:
    """A fund whose agreement both partners approved and which came into force on 1 April 2024."""
    agreement = complete_agreement(approve=True)
    agreement_transition(actor=None, agreement=agreement, to_status=AgreementStatus.APPROVED, reason="Approved",
                         on=date(2024, 3, 10))
    agreement_transition(actor=None, agreement=agreement, to_status=AgreementStatus.IN_FORCE, reason="Commenced",
                         on=date(2024, 4, 1))
    return partnership(fund_open(actor=None, agreement=agreement))


@pytest.fixture
def var_dir(settings, tmp_path):
    """Uploads, papers and reports are kept in a folder of the test's own."""
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR
