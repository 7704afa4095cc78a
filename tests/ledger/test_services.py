"""Opening, posting, reversing and closing, and the partners' instalments and receipts posted as they are set and
recorded: every refusal says why and leaves the ledger as it was."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from s75.audit.models import AuditEvent
from s75.budgets.models import Instalment
from s75.budgets.services import instalment_set, receipt_record
from s75.core.fiscal import FinancialYear
from s75.ledger.models import AccountRole, Balance, EntryKind, Fund, JournalEntry, JournalLine, PeriodStatus
from s75.ledger.selectors import trial_balance
from s75.ledger.services import LedgerError, LineSpec, entry_post, entry_reverse, fund_open, period_close
from tests.factories import UserFactory, complete_agreement
from tests.ledger.balances import balances_by_code
from tests.rows import row_inserted_over

pytestmark = pytest.mark.django_db


def account(fund, role, **where):
    return fund.accounts.get(role=role, **where)


def spend(fund, pence, period=None, **extra):
    """Spend on the fund's schedule, owed to creditors."""
    expenditure = account(fund, AccountRole.EXPENDITURE)
    creditors = account(fund, AccountRole.CREDITORS)
    return entry_post(
        actor=None, fund=fund, period=period or fund.periods.first(), description="Care packages",
        lines=[LineSpec(expenditure, pence, **extra), LineSpec(creditors, -pence)],
    )


def test_opening_a_fund_makes_its_chart_and_a_period_for_every_month_of_the_term(fund):
    roles = sorted(fund.accounts.values_list("code", "role"))
    assert roles == [
        ("1000", "cash"), ("1100-01", "contributions_receivable"), ("1100-02", "contributions_receivable"),
        ("1200-01", "recharges_receivable"), ("1200-02", "recharges_receivable"), ("2000", "creditors"),
        ("3000", "contingency_reserve"), ("3100", "carry_forward"),
        ("4000-01", "contributions"), ("4000-02", "contributions"), ("4900", "reserve_transfers"),
        ("5000-01", "expenditure"),
    ]
    assert fund.periods.count() == 36
    assert [p.label for p in fund.periods.all()[:2]] == ["2024-25/M01", "2024-25/M02"]
    assert fund_open(actor=None, agreement=fund.agreement) == fund
    assert fund.accounts.count() == 12


def test_only_a_pooled_fund_or_lead_commissioning_with_a_host_has_a_ledger():
    agreement = complete_agreement(pooled_fund=False, lead_commissioning=False, integrated_provision=True)
    with pytest.raises(LedgerError, match="no pooled fund, nor a lead commissioner"):
        fund_open(actor=None, agreement=agreement)
    lead = complete_agreement(pooled_fund=False, lead_commissioning=True)
    assert fund_open(actor=None, agreement=lead).name == "Lead commissioning: Joint equipment partnership"


def test_a_balanced_entry_posts_with_its_balances(fund):
    entry = spend(fund, 12345)
    assert entry.lines.count() == 2
    balances = dict(Balance.objects.filter(fund=fund).values_list("account__role", "amount_pence"))
    assert balances == {"expenditure": 12345, "creditors": -12345}


@pytest.mark.parametrize(
    ("amounts", "problems"),
    [
        ([100, -99], ["the lines add up to 1 pence, not zero: debits must equal credits"]),
        ([100], ["an entry needs at least two lines",
                 "the lines add up to 100 pence, not zero: debits must equal credits"]),
        ([100, 0, -100], ["line 2: a line of zero posts nothing; leave it out"]),
    ],
)
def test_an_unbalanced_entry_is_refused_and_nothing_is_posted(fund, amounts, problems):
    accounts = list(fund.accounts.all())
    with pytest.raises(LedgerError) as refused:
        entry_post(actor=None, fund=fund, period=fund.periods.first(), description="x",
                   lines=[LineSpec(accounts[i], amount) for i, amount in enumerate(amounts)])
    assert refused.value.problems == problems
    assert not JournalLine.objects.exists() and not Balance.objects.exists()


def test_a_closed_period_refuses_postings_and_stays_closed(fund):
    first, second = fund.periods.all()[:2]
    with pytest.raises(LedgerError, match="close the earlier periods first: 2024-25/M01"):
        period_close(actor=None, period=second)
    period_close(actor=None, period=first)
    with pytest.raises(LedgerError, match="period 2024-25/M01 is closed: post to an open period"):
        spend(fund, 500, period=first)
    with pytest.raises(DatabaseError, match="closed"), transaction.atomic():
        type(first).objects.filter(pk=first.pk).update(status=PeriodStatus.OPEN)


def test_a_mistake_is_put_right_by_a_reversal_and_only_once(fund):
    entry = spend(fund, 700, cost_centre="CC10")
    reversal = entry_reverse(actor=None, entry=entry, reason="Wrong cost centre")
    assert sorted(reversal.lines.values_list("amount_pence", flat=True)) == [-700, 700]
    assert set(Balance.objects.filter(fund=fund).values_list("amount_pence", flat=True)) == {0}
    with pytest.raises(LedgerError, match="already been reversed"):
        entry_reverse(actor=None, entry=entry, reason="again")
    with pytest.raises(LedgerError, match="cannot itself be reversed"):
        entry_reverse(actor=None, entry=reversal, reason="undo")


def test_reversing_into_a_later_period_when_the_first_is_closed(fund):
    first, second = fund.periods.all()[:2]
    entry = spend(fund, 900, period=first)
    period_close(actor=None, period=first)
    reversal = entry_reverse(actor=None, entry=entry, period=second, reason="Posted in error")
    assert reversal.period == second


@pytest.mark.parametrize("statement", ["UPDATE {table} SET description = 'changed'", "DELETE FROM {table}"])
def test_lines_and_entries_cannot_be_changed_or_removed_in_the_database(fund, statement):
    spend(fund, 100)
    for table in ("ledger_journalline", "ledger_journalentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement.format(table=table))
    assert JournalLine.objects.count() == 2


def test_a_posted_line_cannot_be_rewritten_by_inserting_over_it(fund):
    line = JournalLine.objects.filter(entry=spend(fund, 100)).order_by("id").first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        row_inserted_over("ledger_journalline", line.pk, "amount_pence", 1_000_000)
    assert JournalLine.objects.get(pk=line.pk).amount_pence == line.amount_pence


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no deferred triggers; the service holds it")
def test_postgresql_refuses_an_unbalanced_entry_written_past_the_services(fund):
    """On SQLite the same rule is the service's (tested above); here the database holds it too."""
    expenditure = account(fund, AccountRole.EXPENDITURE)
    with pytest.raises(DatabaseError, match="does not balance"), transaction.atomic():
        entry = JournalEntry.objects.create(fund=fund, period=fund.periods.first(), kind="manual", description="x")
        JournalLine.objects.create(entry=entry, fund=fund, period=entry.period, account=expenditure, amount_pence=5,
                                   financial_year=entry.period.financial_year)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no statement triggers; the service holds it")
def test_postgresql_refuses_lines_added_to_an_earlier_entry_or_a_closed_period(fund):
    entry = spend(fund, 100)
    expenditure, creditors = account(fund, AccountRole.EXPENDITURE), account(fund, AccountRole.CREDITORS)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_period SET status = 'closed' WHERE id = %s", [entry.period_id])
    with pytest.raises(DatabaseError, match="is closed"), transaction.atomic():
        JournalLine.objects.bulk_create([
            JournalLine(entry=entry, fund=fund, period=entry.period, financial_year=entry.period.financial_year,
                        account=expenditure, amount_pence=1),
            JournalLine(entry=entry, fund=fund, period=entry.period, financial_year=entry.period.financial_year,
                        account=creditors, amount_pence=-1),
        ])


@pytest.mark.parametrize("reference", ["entry_id", "account_id", "period_id", "account of another fund"])
def test_the_database_refuses_a_line_whose_entry_account_or_period_is_missing_or_of_another_fund(fund, reference):
    """Lines have no foreign keys (a million of them would mean millions of look-ups at commit): the database checks
    their references once per statement on PostgreSQL and per line on SQLite instead."""
    expenditure = account(fund, AccountRole.EXPENDITURE)
    other_fund = fund_open(actor=None, agreement=complete_agreement())
    wrong = {"entry_id": 10**9, "account_id": 10**9, "period_id": 10**9,
             "account of another fund": account(other_fund, AccountRole.EXPENDITURE).pk}[reference]
    with pytest.raises(DatabaseError, match="does not exist|must belong to its fund|must be on an entry"), \
            transaction.atomic():
        entry = JournalEntry.objects.create(fund=fund, period=fund.periods.first(), kind="manual", description="x")
        line = {"entry_id": entry.pk, "account_id": expenditure.pk, "period_id": entry.period_id}
        line["account_id" if reference == "account of another fund" else reference] = wrong
        JournalLine.objects.create(fund=fund, amount_pence=5, financial_year=entry.period.financial_year, **line)
    assert not JournalLine.objects.exists()


@pytest.mark.parametrize("table", ["ledger_account", "ledger_period"])
def test_the_database_keeps_accounts_and_periods_that_lines_refer_to(fund, table):
    line = spend(fund, 100).lines.get(amount_pence=100)
    referred = line.account_id if table == "ledger_account" else line.period_id
    with pytest.raises(DatabaseError, match="journal lines"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [referred])  # noqa: S608 - a table name of the test's


@pytest.mark.parametrize("kind", [EntryKind.CONTRIBUTION_DUE, EntryKind.RECEIPT])
def test_an_entry_posted_from_instalments_is_refused_by_the_service_itself(fund, kind):
    cash, income = account(fund, AccountRole.CASH), account(fund, AccountRole.RESERVE_TRANSFERS)
    entry = entry_post(actor=None, fund=fund, period=fund.periods.first(), description="From instalments", kind=kind,
                       lines=[LineSpec(cash, 100), LineSpec(income, -100)])
    with pytest.raises(LedgerError, match="posted from the partner's instalments: change the instalments instead"):
        entry_reverse(actor=None, entry=entry, reason="Wrong")
    assert not JournalEntry.objects.filter(reverses=entry).exists()


# The partners' instalments and receipts --------------------------------------------------------------------------

@pytest.fixture
def council(fund):
    return fund.agreement.parties.get(is_host=True)


@pytest.fixture
def nhs(fund):
    return fund.agreement.parties.get(is_host=False)


@pytest.fixture
def instalments(fund, nhs):
    """The NHS partner's £535,000 for 2024-25 in four quarterly instalments of £133,750."""
    return instalment_set(actor=None, agreement=fund.agreement, party=nhs, financial_year=2024)


def balance(fund, role, party=None, month=None):
    balances = Balance.objects.filter(fund=fund, account__role=role, period__financial_year=2024)
    if party is not None:
        balances = balances.filter(account__party=party)
    if month is not None:
        balances = balances.filter(period__number=month)
    return sum(balances.values_list("amount_pence", flat=True))




def test_opening_the_fund_posts_the_instalments_and_receipts_recorded_before_it_once():
    agreement = complete_agreement()
    council, nhs = agreement.parties.get(is_host=True), agreement.parties.get(is_host=False)
    instalments = instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024)
    instalment_set(actor=None, agreement=agreement, party=council, financial_year=2024, pattern="annual")
    receipt = receipt_record(actor=None, instalment=instalments[0], received_on=date(2024, 4, 3),
                             amount_pence=13_375_000)
    assert receipt.entry is None and not Balance.objects.exists()  # no fund yet: nothing to post to
    fund = fund_open(actor=None, agreement=agreement)
    assert JournalEntry.objects.filter(fund=fund).count() == 6  # five instalments due and one receipt
    fund_open(actor=None, agreement=agreement)
    assert JournalEntry.objects.filter(fund=fund).count() == 6
    assert balance(fund, AccountRole.CONTRIBUTIONS, nhs) == -53_500_000
    assert balance(fund, AccountRole.CONTRIBUTIONS, council) == -53_500_000
    assert balance(fund, AccountRole.CASH) == 13_375_000
    assert balance(fund, AccountRole.CONTRIBUTIONS_RECEIVABLE, nhs) == 53_500_000 - 13_375_000


def test_a_fund_that_cannot_post_the_instalments_is_not_opened():
    agreement = complete_agreement()
    nhs = agreement.parties.get(is_host=False)
    instalment_set(actor=None, agreement=agreement, party=nhs, financial_year=2024)
    Instalment.objects.filter(party=nhs, number=4).update(due_on=date(2027, 4, 1))  # after the term: no period
    with pytest.raises(LedgerError, match="no period for 1 April 2027"):
        fund_open(actor=None, agreement=agreement)
    assert not Fund.objects.exists() and not JournalEntry.objects.exists()


def test_with_a_fund_each_instalment_raises_its_receivable_in_the_period_it_falls_due(fund, nhs, instalments):
    entries = [instalment.due_entry for instalment in instalments]
    assert [entry.period.label for entry in entries] == ["2024-25/M01", "2024-25/M04", "2024-25/M07", "2024-25/M10"]
    assert {entry.kind for entry in entries} == {EntryKind.CONTRIBUTION_DUE}
    for month in (1, 4, 7, 10):
        assert balance(fund, AccountRole.CONTRIBUTIONS_RECEIVABLE, nhs, month=month) == 13_375_000
        assert balance(fund, AccountRole.CONTRIBUTIONS, nhs, month=month) == -13_375_000
    assert balance(fund, AccountRole.CONTRIBUTIONS, nhs) == -53_500_000
    line = entries[0].lines.get(amount_pence__gt=0)
    assert line.account.party == nhs and line.posting_date == date(2024, 4, 1)


def test_an_instalment_due_in_a_closed_period_is_posted_to_the_next_open_one(fund, nhs):
    for period in fund.periods.filter(financial_year=2024, number__lte=4):
        period_close(actor=None, period=period)
    instalments = instalment_set(actor=None, agreement=fund.agreement, party=nhs, financial_year=2024)
    assert [i.due_entry.period.label for i in instalments] == [
        "2024-25/M05", "2024-25/M05", "2024-25/M07", "2024-25/M10"
    ]


def test_replacing_instalments_reverses_the_old_receivables(fund, nhs, instalments):
    instalment_set(actor=None, agreement=fund.agreement, party=nhs, financial_year=2024, pattern="annual",
                   replace=True)
    assert JournalEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 4
    assert balance(fund, AccountRole.CONTRIBUTIONS_RECEIVABLE, nhs) == 53_500_000
    assert balance(fund, AccountRole.CONTRIBUTIONS_RECEIVABLE, nhs, month=1) == 53_500_000
    assert balance(fund, AccountRole.CONTRIBUTIONS_RECEIVABLE, nhs, month=4) == 0


def test_a_refused_posting_leaves_no_instalments(fund, nhs):
    for period in fund.periods.order_by("financial_year", "number"):
        period_close(actor=None, period=period)
    with pytest.raises(LedgerError, match="is closed, and so is every period after it"):
        instalment_set(actor=None, agreement=fund.agreement, party=nhs, financial_year=2024)
    assert not Instalment.objects.exists()
    assert not AuditEvent.objects.filter(action="instalment_set").exists()


def test_a_receipt_posts_dr_cash_cr_receivable_in_the_period_it_arrived(fund, instalments, nhs, council):
    finance_officer = UserFactory(role="Pooled fund manager", organisation=council.organisation)
    receipt = receipt_record(actor=finance_officer, instalment=instalments[0], received_on=date(2024, 5, 20),
                             amount_pence=13_375_000, reference="BACS 0042")
    entry = receipt.entry
    assert entry.kind == EntryKind.RECEIPT and entry.period.label == "2024-25/M02"
    assert sorted((line.account.role, line.amount_pence) for line in entry.lines.all()) == [
        (AccountRole.CASH, 13_375_000), (AccountRole.CONTRIBUTIONS_RECEIVABLE, -13_375_000),
    ]
    assert entry.lines.get(amount_pence__lt=0).account.party == nhs
    assert "BACS 0042" in entry.description
    assert balances_by_code(fund, month=2) == {"1000": 13_375_000, "1100-02": -13_375_000}
    # For the year: all four instalments fell due; one has been paid.
    assert balances_by_code(fund) == {"1000": 13_375_000, "1100-02": 3 * 13_375_000, "4000-02": -53_500_000}
    year = dict((account.code, amount) for account, amount in trial_balance(fund=fund, year=FinancialYear(2024)))
    assert sum(year.values()) == 0
    event = AuditEvent.objects.get(action="receipt_record")
    assert event.actor == finance_officer and event.after["amount_pence"] == 13_375_000


def test_a_receipt_on_the_first_day_of_the_year_is_in_its_first_period(instalments):
    receipt = receipt_record(actor=None, instalment=instalments[0], received_on=date(2024, 4, 1), amount_pence=1)
    assert receipt.entry.period.label == "2024-25/M01"


def test_a_receipt_dated_in_a_closed_period_goes_to_the_next_open_one(fund, instalments):
    period_close(actor=None, period=fund.periods.get(financial_year=2024, number=1))
    receipt = receipt_record(actor=None, instalment=instalments[0], received_on=date(2024, 4, 30), amount_pence=1)
    assert receipt.entry.period.label == "2024-25/M02"
    assert receipt.entry.lines.first().posting_date == date(2024, 4, 30)
