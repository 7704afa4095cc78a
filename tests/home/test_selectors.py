"""What needs each person now, kind by kind: each item appears when its task is due, to whoever's role does it, and
goes once the task is done. ``today`` is given, and the data sit at dates around it."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from s75.budgets.services import instalments_generate, receipt_record
from s75.core.fiscal import FinancialYear, Quarter
from s75.governance.models import BoardKind, DecisionOutcome, DecisionSubject
from s75.governance.services import board_create, decision_record, meeting_create, paper_add
from s75.home.selectors import (
    Link,
    budgets_due,
    commentary_missing,
    consent_decisions_waiting,
    failed_imports,
    fund_positions,
    home_sections,
    instalments_late,
    next_meetings,
    periods_to_close,
    recovery_plans_missing,
    renewals_due,
    reports_due,
    settlements_to_approve,
)
from s75.ledger.services import period_close
from s75.ledger.tasks import ledger_import_start
from s75.monitoring.models import ConsentDecision
from s75.monitoring.services import commentary_set, consent_record, recovery_action_add
from s75.reports.services import report_version_create
from s75.settlement.services import settlement_approve, settlement_run_create
from tests.ledger.importfiles import ledger_csv, row

from .conftest import spend

pytestmark = pytest.mark.django_db

MID_OCTOBER = date(2024, 10, 15)  # 2024-25's M01 to M06 have ended; Q2 ended on 30 September


def texts(items) -> list[str]:
    return [item.text for item in items]


# The pooled fund manager's items ---------------------------------------------------------------------------------

def test_ended_months_still_open_are_periods_to_close_for_whoever_closes_periods(ours, theirs):
    items = periods_to_close(user=ours.manager, today=MID_OCTOBER)
    assert [(item.text, item.detail) for item in items] == [
        ("Close 2024-25/M01",
         f"{ours.agreement.title}: 6 periods ended and still open, 2024-25/M01 to 2024-25/M06")]
    assert items[0].url == f"{reverse('ledger:fund', args=[ours.fund.pk])}?year=2024-25#periods"
    for period in ours.fund.periods.filter(financial_year=2024, number__lte=5).order_by("number"):
        period_close(actor=ours.manager, period=period)
    assert [(item.text, item.detail) for item in periods_to_close(user=ours.manager, today=MID_OCTOBER)] == [
        ("Close 2024-25/M06", f"{ours.agreement.title}: 1 period ended and still open")]
    assert periods_to_close(user=ours.manager, today=date(2024, 4, 30)) == [], "April has not ended"
    assert periods_to_close(user=ours.host_finance, today=MID_OCTOBER) == [], "a finance lead closes no period"


def test_the_last_month_ended_without_commentary_asks_for_it(ours):
    items = commentary_missing(user=ours.manager, today=MID_OCTOBER)
    assert [(item.text, item.detail) for item in items] == [
        ("Write the commentary for 2024-25/M06",
         f"{ours.agreement.title}: September 2024 has ended with no commentary")]
    assert items[0].url == reverse("monitoring:commentary", args=[ours.fund.pk, "2024-25/M06"])
    commentary_set(actor=ours.manager, agreement=ours.agreement, financial_year=2024, month=6, text="On budget.")
    assert commentary_missing(user=ours.manager, today=MID_OCTOBER) == []
    assert texts(commentary_missing(user=ours.manager, today=date(2024, 11, 1))) == [
        "Write the commentary for 2024-25/M07"]
    after_the_term = commentary_missing(user=ours.manager, today=date(2030, 1, 1))
    assert texts(after_the_term) == ["Write the commentary for 2026-27/M12"], "the term's last month"
    assert commentary_missing(user=ours.manager, today=date(2024, 4, 15)) == [], "no month has ended yet"
    assert commentary_missing(user=ours.auditor, today=MID_OCTOBER) == []


@pytest.fixture
def overspent(ours):
    """£700,000 spent in April 2024: by M06 the run rate is £1,400,000 against £1,070,000 of contributions, so the
    NHS partner (bound by a prior-agreement clause) is projected £165,000 over its £535,000."""
    spend(ours.fund, 700_000, month=1)
    return ours


def test_a_projected_overspend_waits_for_the_partners_consent_and_a_recovery_plan(overspent):
    ours = overspent
    positions = fund_positions(user=ours.manager, today=MID_OCTOBER)
    plans = recovery_plans_missing(user=ours.manager, positions=positions)
    assert [(item.text, item.detail) for item in plans] == [
        (f"Add actions to {ours.nhs}'s recovery plan for 2024-25",
         f"{ours.agreement.title}: £165,000 projected over its contributions as at 2024-25/M06, and no action planned")]
    assert plans[0].url == reverse("monitoring:recovery", args=[ours.fund.pk, "2024-25/M06", ours.nhs.pk])
    assert consent_decisions_waiting(user=ours.manager, positions=positions) == [], "the manager records no consent"

    waiting = consent_decisions_waiting(user=ours.nhs_finance,
                                        positions=fund_positions(user=ours.nhs_finance, today=MID_OCTOBER))
    assert [(item.text, item.url) for item in waiting] == [
        (f"Decide on {ours.nhs}'s prior agreement for 2024-25",
         reverse("monitoring:consent", args=[ours.fund.pk, "2024-25/M06", ours.nhs.pk]))]
    host_positions = fund_positions(user=ours.host_finance, today=MID_OCTOBER)
    assert consent_decisions_waiting(user=ours.host_finance, positions=host_positions) == [], "not the host's"
    assert recovery_plans_missing(user=ours.nhs_finance, positions=host_positions) == []

    recovery_action_add(actor=ours.manager, party=ours.nhs, financial_year=2024, description="Review packages",
                        saving_pence=100_000_00, owner="Head of commissioning", due_date=date(2024, 12, 31))
    assert recovery_plans_missing(user=ours.manager,
                                  positions=fund_positions(user=ours.manager, today=MID_OCTOBER)) == []
    consent_record(actor=ours.nhs_finance, party=ours.nhs, financial_year=2024, month=6,
                   decision=ConsentDecision.AGREE, decided_on=MID_OCTOBER, up_to_pence=200_000_00)
    assert consent_decisions_waiting(user=ours.nhs_finance,
                                     positions=fund_positions(user=ours.nhs_finance, today=MID_OCTOBER)) == []


def test_a_year_settled_for_good_waits_for_nothing(overspent):
    ours = overspent
    spend(ours.fund, 600_000, month=7)  # the year's outturn: £1,300,000 against £1,070,000
    run = settlement_run_create(actor=ours.manager, agreement=ours.agreement, year=FinancialYear(2024))
    settlement_approve(actor=ours.host_finance, run=run, party=ours.host)
    after_the_year = date(2025, 6, 1)

    def waiting():
        return texts(consent_decisions_waiting(user=ours.nhs_finance, positions=fund_positions(
            user=ours.nhs_finance, today=after_the_year)))

    assert waiting() == [f"Decide on {ours.nhs}'s prior agreement for 2024-25"], "as at M12, the year's outturn"
    settlement_approve(actor=ours.nhs_finance, run=run, party=ours.nhs)
    assert waiting() == []


def test_the_latest_quarters_paper_is_due_within_a_month_of_its_end_until_made(ours, var_dir):
    items = reports_due(user=ours.manager, today=MID_OCTOBER)
    assert [(item.text, item.detail, item.overdue) for item in items] == [
        ("Make the quarterly report 2024-25 Q2", f"{ours.agreement.title}: due by 31 October 2024", False)]
    assert items[0].url == reverse("reports:list", args=[ours.fund.pk])
    assert [item.overdue for item in reports_due(user=ours.manager, today=date(2024, 11, 1))] == [True]
    assert [(item.text, item.detail) for item in reports_due(user=ours.manager, today=date(2025, 4, 2))] == [
        ("Make the annual return 2024-25", f"{ours.agreement.title}: due by 30 April 2025")]
    assert reports_due(user=ours.manager, today=date(2024, 6, 30)) == [], "the first quarter ends that day"
    report_version_create(actor=ours.manager, fund=ours.fund, quarter=Quarter(FinancialYear(2024), 2),
                          formats=["xlsx"])
    assert reports_due(user=ours.manager, today=MID_OCTOBER) == []
    assert reports_due(user=ours.nhs_finance, today=date(2025, 4, 2)) == [], "a finance lead makes no report"


def test_next_years_budget_is_to_approve_by_28_february_until_the_board_has(ours_in_force):
    ours = ours_in_force
    items = budgets_due(user=ours.manager, today=date(2025, 1, 10))
    assert [(item.text, item.detail, item.overdue) for item in items] == [
        ("Agree the budget for 2025-26", f"{ours.agreement.title}: the board is to approve it by 28 February 2025",
         False)]
    assert items[0].url == reverse("budgets:financial_schedule", args=[ours.agreement.pk, "2025-26"])
    assert [item.overdue for item in budgets_due(user=ours.manager, today=date(2025, 3, 10))] == [True]
    assert budgets_due(user=ours.manager, today=date(2024, 11, 20)) == [], "not yet"
    assert budgets_due(user=ours.manager, today=date(2025, 4, 1)) == [], "the year has begun"
    assert budgets_due(user=ours.nhs_finance, today=date(2025, 1, 10)) == []
    board = board_create(actor=None, name="Joint Commissioning Board", kind=BoardKind.JOINT_COMMISSIONING,
                         organisation=ours.host.organisation, agreements=[ours.agreement])
    decision_record(actor=None, meeting=meeting_create(actor=None, board=board, held_on=date(2025, 2, 12)),
                    agreement=ours.agreement, summary="Approved the 2025-26 pooled budget",
                    outcome=DecisionOutcome.APPROVED, subject=DecisionSubject.BUDGET, financial_year=2025)
    assert budgets_due(user=ours.manager, today=date(2025, 2, 20)) == []


def test_an_agreement_in_its_notice_period_is_to_renew(ours_in_force):
    ours = ours_in_force
    items = renewals_due(user=ours.manager, today=date(2026, 10, 1))
    assert [(item.text, item.detail) for item in items] == [
        (f"Renew, extend or let expire: {ours.agreement.title}",
         "Ends 31 March 2027; its notice period began 30 September 2026")]
    assert items[0].url == reverse("agreements:renew", args=[ours.agreement.pk])
    assert renewals_due(user=ours.manager, today=date(2026, 9, 29)) == []
    assert renewals_due(user=ours.nhs_finance, today=date(2026, 10, 1)) == [], "a finance lead renews nothing"


def test_a_rejected_import_waits_until_a_file_is_posted(ours, var_dir, tmp_path, django_capture_on_commit_callbacks):
    mapping = ours.fund.column_mappings.get()

    def upload(name: str, rows, *, dry_run: bool = False):
        path = ledger_csv(tmp_path / name, rows)
        with django_capture_on_commit_callbacks(execute=True):
            return ledger_import_start(actor=ours.manager, fund=ours.fund, mapping=mapping, dry_run=dry_run,
                                       upload=SimpleUploadedFile(name, path.read_bytes()))

    upload("checked.csv", [row(centre="CC999")], dry_run=True)
    assert failed_imports(user=ours.manager) == [], "a dry run that finds problems did its job"
    rejected = upload("april.csv", [row(centre="CC999")])
    items = failed_imports(user=ours.manager)
    assert [item.text for item in items] == ["april.csv: rejected"]
    assert items[0].url == reverse("imports:run", args=[ours.fund.pk, rejected.pk])
    assert failed_imports(user=ours.nhs_finance) == [], "a finance lead imports nothing"
    upload("april-corrected.csv", [row()])
    assert failed_imports(user=ours.manager) == []
    # The fund's partners contribute to 2024-25 only, so a file of 2025-26 is held back until someone says why.
    upload("may-2025.csv", [row(day="2025-05-31", line_id="M1")])
    assert [item.text for item in failed_imports(user=ours.manager)] == [
        "may-2025.csv: held back: its lines fall in a year with no budget"]


# The partner finance lead's items --------------------------------------------------------------------------------

def test_the_latest_draft_settlement_waits_for_each_partners_finance_lead(overspent):
    ours = overspent
    settlement_run_create(actor=ours.manager, agreement=ours.agreement, year=FinancialYear(2024))
    run = settlement_run_create(actor=ours.manager, agreement=ours.agreement, year=FinancialYear(2024))
    for lead, party in ((ours.host_finance, ours.host), (ours.nhs_finance, ours.nhs)):
        items = settlements_to_approve(user=lead)
        assert [(item.text, item.detail) for item in items] == [
            ("Approve the 2024-25 settlement (version 2)", f"{ours.agreement.title}: for {party}")]
        assert items[0].url == reverse("settlement:run", args=[ours.fund.pk, run.pk])
    settlement_approve(actor=ours.nhs_finance, run=run, party=ours.nhs)
    assert settlements_to_approve(user=ours.nhs_finance) == []
    assert texts(settlements_to_approve(user=ours.host_finance)) == ["Approve the 2024-25 settlement (version 2)"]
    assert settlements_to_approve(user=ours.manager) == [], "a manager approves for no partner"


def test_overdue_instalments_show_to_the_partner_that_owes_them_and_to_whoever_records_receipts(ours):
    instalments = instalments_generate(actor=None, agreement=ours.agreement, party=ours.nhs, financial_year=2024)
    mid_july = date(2024, 7, 15)
    items = instalments_late(user=ours.nhs_finance, today=mid_july)
    assert [(item.text, item.detail, item.overdue) for item in items] == [
        (f"{ours.nhs}: instalment 1 of 2024-25, £133,750.00 outstanding",
         f"{ours.agreement.title}: due 1 April 2024, 105 days overdue", True),
        (f"{ours.nhs}: instalment 2 of 2024-25, £133,750.00 outstanding",
         f"{ours.agreement.title}: due 1 July 2024, 14 days overdue", True),
    ]
    assert {item.url for item in items} == {reverse("budgets:instalments", args=[ours.agreement.pk])}
    assert len(instalments_late(user=ours.manager, today=mid_july)) == 2
    assert instalments_late(user=ours.host_finance, today=mid_july) == [], "the host owes none of them"
    receipt_record(actor=None, instalment=instalments[0], received_on=mid_july, amount_pence=133_750_00)
    assert texts(instalments_late(user=ours.nhs_finance, today=mid_july)) == [
        f"{ours.nhs}: instalment 2 of 2024-25, £133,750.00 outstanding"]


# The board member's items ----------------------------------------------------------------------------------------

def test_the_next_meeting_of_each_of_the_members_boards_with_its_papers(ours, theirs):
    board = board_create(actor=None, name="Health and Wellbeing Board", kind=BoardKind.HEALTH_AND_WELLBEING,
                         organisation=ours.host.organisation, agreements=[ours.agreement])
    meeting_create(actor=None, board=board, held_on=date(2024, 9, 1))
    following = meeting_create(actor=None, board=board, held_on=date(2024, 10, 17), title="Budget meeting")
    meeting_create(actor=None, board=board, held_on=date(2024, 11, 20))
    paper_add(actor=None, meeting=following, title="Month 6 monitoring", agenda_item="3",
              url="https://example.org/month-6.pdf")
    paper_add(actor=None, meeting=following, title="Verbal update", agenda_item="4")
    items = next_meetings(user=ours.board_member, today=MID_OCTOBER)
    assert [(item.text, item.detail, item.url, item.links) for item in items] == [
        ("Health and Wellbeing Board, 17 October 2024", "Budget meeting", following.get_absolute_url(),
         [Link("Month 6 monitoring", "https://example.org/month-6.pdf"), Link("Verbal update", "")])]
    assert next_meetings(user=theirs.board_member, today=MID_OCTOBER) == [], "not a board of theirs"
    assert texts(next_meetings(user=ours.board_member, today=date(2024, 10, 18))) == [
        "Health and Wellbeing Board, 20 November 2024"]
    assert next_meetings(user=ours.board_member, today=date(2024, 11, 21)) == []


# Scoping ---------------------------------------------------------------------------------------------------------

def test_nobody_sees_another_organisations_items(overspent, theirs):
    ours = overspent
    instalments_generate(actor=None, agreement=ours.agreement, party=ours.nhs, financial_year=2024)
    settlement_run_create(actor=ours.manager, agreement=ours.agreement, year=FinancialYear(2024))
    board = board_create(actor=None, name="Our board", kind=BoardKind.HEALTH_AND_WELLBEING,
                         organisation=ours.host.organisation, agreements=[ours.agreement])
    meeting = meeting_create(actor=None, board=board, held_on=date(2024, 10, 20))
    ours_only = (f"/funds/{ours.fund.pk}/", f"/agreements/{ours.agreement.pk}/", meeting.get_absolute_url())

    def urls(person) -> list[str]:
        return [item.url for section in home_sections(user=person, today=MID_OCTOBER) for item in section.items]

    for person in (ours.manager, ours.host_finance, ours.nhs_finance, ours.board_member):
        assert any(url.startswith(ours_only) for url in urls(person)), f"{person} has something of ours to do"
    for person in (theirs.manager, theirs.host_finance, theirs.nhs_finance, theirs.board_member, theirs.auditor):
        assert not [url for url in urls(person) if url.startswith(ours_only)]
    assert urls(theirs.manager), "their own fund's periods and commentary"
