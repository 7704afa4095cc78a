"""The governance pages: 200 for who may, 403 for a role without the permission, 404 for what the user may not see;
forms go through the services; every table downloads as a spreadsheet."""

from datetime import date, datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from s75.agreements.forms import ScheduleForm
from s75.agreements.models import AgreementStatus
from s75.governance.models import Board, DecisionOutcome, DecisionSubject
from tests.factories import UserFactory, complete_agreement

from .conftest import bring_into_force, decide, host_of, meeting_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(agreement):
    return decide(agreement, date(2024, 3, 1), summary="Agreed the joint equipment partnership")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def reader_client(client, agreement):
    """A board member at the host council: reads everything of theirs, may change nothing."""
    client.force_login(UserFactory(role="Board member", organisation=host_of(agreement)))
    return client


@pytest.fixture
def outsider_client(db):
    """A pooled fund manager at a council with nothing to do with the agreement (a client of its own)."""
    outsider = Client()
    outsider.force_login(UserFactory(role="Pooled fund manager"))
    return outsider


def _rows(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def test_pages_a_reader_sees_and_an_outsider_does_not(reader_client, outsider_client, decision):
    meeting, board = decision.meeting, decision.meeting.board
    pages = [board.get_absolute_url(), meeting.get_absolute_url(), decision.get_absolute_url(),
             reverse("governance:board_members_xlsx", args=[board.pk]),
             reverse("governance:board_meetings_xlsx", args=[board.pk]),
             reverse("governance:meeting_decisions_xlsx", args=[meeting.pk])]
    for url in pages:
        assert reader_client.get(url).status_code == 200, url
    for url in pages:
        assert outsider_client.get(url).status_code == 404, url
    listing = outsider_client.get(reverse("governance:board_list"))
    assert board.name not in listing.content.decode()


def test_the_board_page_shows_members_meetings_and_agreements(reader_client, decision, agreement):
    body = reader_client.get(decision.meeting.board.get_absolute_url()).content.decode()
    assert "Test Health and Wellbeing Board" in body and agreement.title in body and "1 March 2024" in body
    assert "Add a member" not in body and "Add a meeting" not in body


def test_a_reader_may_not_add_anything(reader_client, decision):
    board, meeting = decision.meeting.board, decision.meeting
    for url in [reverse("governance:board_create"), reverse("governance:member_add", args=[board.pk]),
                reverse("governance:meeting_create", args=[board.pk]),
                reverse("governance:paper_add", args=[meeting.pk]),
                reverse("governance:decision_record", args=[meeting.pk]),
                reverse("governance:decision_approval", args=[decision.pk])]:
        assert reader_client.get(url).status_code == 403, url
        assert reader_client.post(url, {}).status_code == 403, url


def test_an_officer_adds_a_board_member_and_meeting(officer_client, agreement):
    response = officer_client.post(reverse("governance:board_create"), {
        "name": "Bexley Borough-Based Board", "kind": "place", "organisation": host_of(agreement).pk,
        "terms_of_reference": "Implements and monitors delivery.", "agreements": [agreement.pk],
    })
    board = Board.objects.get(name="Bexley Borough-Based Board")
    assert response.status_code == 302 and list(board.agreements.all()) == [agreement]
    refused = officer_client.post(reverse("governance:member_add", args=[board.pk]), {
        "name": "Dr Sid Deshmukh", "role": "Chair", "organisation": "ZZZ", "from_date-day": "1",
        "from_date-month": "4", "from_date-year": "2021"})
    assert "No organisation has the code ZZZ" in refused.content.decode()
    officer_client.post(reverse("governance:member_add", args=[board.pk]), {
        "name": "Dr Sid Deshmukh", "role": "Chair", "organisation": "", "from_date-day": "1",
        "from_date-month": "4", "from_date-year": "2021"})
    assert board.members.get().name == "Dr Sid Deshmukh"
    response = officer_client.post(reverse("governance:meeting_create", args=[board.pk]), {
        "held_on-day": "25", "held_on-month": "3", "held_on-year": "2021", "title": ""})
    meeting = board.meetings.get()
    assert response.url == meeting.get_absolute_url()
    again = officer_client.post(reverse("governance:meeting_create", args=[board.pk]), {
        "held_on-day": "25", "held_on-month": "3", "held_on-year": "2021"})
    assert "already has a meeting on 25 March 2021" in again.content.decode()


def test_a_paper_uploads_and_downloads_only_for_who_may_see_the_meeting(officer_client, decision, papers_dir):
    meeting = decision.meeting
    response = officer_client.post(reverse("governance:paper_add", args=[meeting.pk]), {
        "title": "Section 75 report", "agenda_item": "10",
        "file": SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", content_type="application/pdf")})
    assert response.status_code == 302
    paper = meeting.papers.get()
    download = officer_client.get(reverse("governance:paper_download", args=[paper.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 report"
    assert 'filename="report.pdf"' in download["Content-Disposition"]
    wrong = officer_client.post(reverse("governance:paper_add", args=[meeting.pk]), {
        "title": "Script", "file": SimpleUploadedFile("run.exe", b"MZ")})
    assert "must be a PDF, Word, Excel" in wrong.content.decode()
    officer_client.force_login(UserFactory())
    assert officer_client.get(reverse("governance:paper_download", args=[paper.pk])).status_code == 404


def test_a_decision_is_recorded_and_a_partners_approval_cites_it(officer_client, agreement):
    meeting = meeting_of(agreement, date(2024, 3, 1))
    response = officer_client.post(reverse("governance:decision_record", args=[meeting.pk]), {
        "agreement": agreement.pk, "subject": "agreement", "summary": "Agreed the agreement", "outcome": "approved",
        "minute_reference": "10", "financial_year": "", "quarter": ""})
    decision = agreement.decisions.get()
    assert response.url == decision.get_absolute_url()
    nhs = agreement.parties.get(is_host=False)
    response = officer_client.post(reverse("governance:decision_approval", args=[decision.pk]), {"party": nhs.pk})
    assert response.url == reverse("agreements:detail", args=[agreement.pk])
    assert agreement.approvals.get().decision == decision
    page = officer_client.get(decision.get_absolute_url()).content.decode()
    assert f"{nhs}'s approval, 1 March 2024" in page


def test_a_refused_decision_shows_the_services_problems(officer_client, agreement):
    meeting = meeting_of(agreement, date(2024, 9, 12))
    response = officer_client.post(reverse("governance:decision_record", args=[meeting.pk]), {
        "agreement": agreement.pk, "subject": "quarterly_report", "summary": "Noted", "outcome": "noted"})
    body = response.content.decode()
    assert "There is a problem" in body and "Say which financial year a quarterly report is for" in body


def test_the_agreement_page_lifecycle_form_cites_a_decision(officer_client, agreement):
    decision = decide(agreement, date(2024, 3, 1))
    for party in agreement.parties.all():
        officer_client.post(reverse("governance:decision_approval", args=[decision.pk]), {"party": party.pk})
    page = officer_client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert "Board decision that authorised the move" in page and "Test Health and Wellbeing Board" in page
    officer_client.post(reverse("agreements:transition", args=[agreement.pk]), {
        "move": AgreementStatus.APPROVED, "reason": "Approved by the board", "decision": decision.pk})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.APPROVED
    assert agreement.transitions.get().decision == decision


def test_the_forward_plan_page_and_download(client, db):
    agreement = bring_into_force(complete_agreement(approve=True))
    client.force_login(UserFactory(role="Board member", organisation=host_of(agreement)))
    decide(agreement, date(2026, 9, 10), outcome=DecisionOutcome.NOTED, subject=DecisionSubject.QUARTERLY_REPORT,
           financial_year=2026, quarter=1)
    page = client.get(reverse("governance:forward_plan"))
    assert page.status_code == 200
    rows = _rows(client.get(reverse("governance:forward_plan_xlsx")))
    assert rows[0][:4] == ("Due", "Agreement", "Reference", "What")
    assert len(rows) - 1 == len(page.context["rows"])


def test_lists_download_as_spreadsheets(reader_client, decision):
    boards = _rows(reader_client.get(reverse("governance:board_list_xlsx")))
    assert boards[1][:2] == ("Test Health and Wellbeing Board", "Health and Wellbeing Board")
    decisions = _rows(reader_client.get(reverse("governance:decision_list_xlsx")))
    assert decisions[1][2:5] == ("7", decision.agreement.reference, "The agreement")
    assert reader_client.get(reverse("governance:decision_list")).status_code == 200


def test_a_variation_made_on_the_page_cites_the_decision_that_authorised_it(client, in_force):
    client.force_login(UserFactory(role="Pooled fund manager", organisation=host_of(in_force)))
    schedule = in_force.schedules.get()
    url = reverse("agreements:schedule_edit", args=[in_force.pk, schedule.number])
    assert "Board decision that authorised the variation" not in client.get(url).content.decode()
    decision = decide(in_force, date(2025, 3, 20), subject=DecisionSubject.VARIATION)
    assert "Board decision that authorised the variation" in client.get(url).content.decode()
    data = {name: getattr(value, "pk", value) for name, value in ScheduleForm.initial_for(schedule).items()}
    data.update({"title": "Joint Equipment Service", "variation_effective_from-day": "1",
                 "variation_effective_from-month": "4", "variation_effective_from-year": "2025",
                 "variation_description": "Renames the service", "variation_decision": decision.pk})
    assert client.post(url, data).status_code == 302
    variation = in_force.variations.get(number=1)
    assert variation.decision == decision
    page = client.get(reverse("agreements:detail", args=[in_force.pk])).content.decode()
    assert f'href="{decision.get_absolute_url()}">The board decision' in page


def test_a_renewal_drafted_on_the_page_cites_the_decision_to_renew(client, in_force):
    client.force_login(UserFactory(role="Pooled fund manager", organisation=host_of(in_force)))
    decision = decide(in_force, date(2025, 10, 2), subject=DecisionSubject.RENEWAL)
    url = reverse("agreements:renew", args=[in_force.pk])
    assert "Board decision to renew the agreement" in client.get(url).content.decode()
    response = client.post(url, {
        "reference": "renewed-s75", "title": "Renewed agreement", "decision": decision.pk,
        "start_date-day": "1", "start_date-month": "4", "start_date-year": "2027",
        "end_date-day": "31", "end_date-month": "3", "end_date-year": "2030"})
    assert response.status_code == 302
    renewal = in_force.renewals.get()
    assert renewal.renewal_decision == decision
    page = client.get(response.url).content.decode()
    assert f'href="{decision.get_absolute_url()}">The board decision to renew</a>' in page
    evidence = client.get(decision.get_absolute_url()).content.decode()
    assert f'The renewal <a class="govuk-link" href="{response.url}">Renewed agreement</a> (renewed-s75)' in evidence


# Finding decisions.

@pytest.fixture
def decisions(agreement):
    """Three decisions on the agreement: approved in March 2024, a budget deferred in February 2025, one noted in
    June 2025."""
    return [decide(agreement, date(2024, 3, 14)),
            decide(agreement, date(2025, 2, 20), subject=DecisionSubject.BUDGET, financial_year=2025,
                   outcome=DecisionOutcome.DEFERRED, minute_reference="12"),
            decide(agreement, date(2025, 6, 5), outcome=DecisionOutcome.NOTED, minute_reference="31")]


def _listed(response) -> list:
    return list(response.context["decisions"])


def test_decisions_are_filtered_by_date_kind_and_outcome_and_the_download_follows(reader_client, decisions):
    agreed, budget, noted = decisions
    url = reverse("governance:decision_list")
    assert _listed(reader_client.get(url)) == [noted, budget, agreed]
    query = {"held_from-day": "1", "held_from-month": "4", "held_from-year": "2024",
             "held_to-day": "31", "held_to-month": "3", "held_to-year": "2025"}
    response = reader_client.get(url, query)
    assert _listed(response) == [budget]
    page = response.content.decode()
    assert "1 decision" in page and "From: 1 April 2024; To: 31 March 2025" in page
    assert "Clear filters" in page
    assert _listed(reader_client.get(url, {"subject": DecisionSubject.BUDGET})) == [budget]
    assert _listed(reader_client.get(url, {"outcome": DecisionOutcome.NOTED})) == [noted]
    response = reader_client.get(url, {"outcome": DecisionOutcome.REJECTED})
    assert "No decisions match these filters (Outcome: Rejected)" in response.content.decode()
    download = f'{reverse("governance:decision_list_xlsx")}?outcome=noted'
    assert download in reader_client.get(url, {"outcome": "noted"}).content.decode()
    rows = _rows(reader_client.get(download))
    assert [row[2] for row in rows[1:]] == ["31"]
    assert [row[2] for row in _rows(reader_client.get(reverse("governance:decision_list_xlsx")))[1:]] == [
        "31", "12", "7"]


def test_decisions_are_filtered_by_who_recorded_them(client, agreement, decisions):
    from s75.governance.services import decision_record

    officer = UserFactory(role="Pooled fund manager", organisation=host_of(agreement), first_name="Pat",
                          last_name="Manager")
    mine = decision_record(actor=officer, meeting=meeting_of(agreement, date(2025, 9, 1)), agreement=agreement,
                           summary="Noted the quarter", outcome=DecisionOutcome.NOTED, minute_reference="40")
    client.force_login(officer)
    page = client.get(reverse("governance:decision_list")).content.decode()
    assert f'<option value="{officer.pk}">Pat Manager</option>' in page
    response = client.get(reverse("governance:decision_list"), {"recorded_by": officer.pk})
    assert _listed(response) == [mine] and "Recorded by: Pat Manager" in response.content.decode()


@pytest.mark.parametrize(("query", "message"), [
    ({"held_from-day": "31", "held_from-month": "2", "held_from-year": "2026"}, "Enter a real date"),
    ({"held_from": "31/02/2026"}, "Enter a real date"),
    ({"held_from-day": "1", "held_from-month": "4", "held_from-year": "2025",
      "held_to-day": "31", "held_to-month": "3", "held_to-year": "2025"},
     "The ‘to’ date must be the same as or after 1 April 2025"),
    ({"outcome": "vetoed"}, "Choose an outcome from the list"),
    ({"subject": "lunch"}, "Choose a kind of decision from the list"),
    ({"recorded_by": "abc"}, "Choose a person from the list"),
])
def test_filters_that_cannot_be_read_are_refused_with_a_message(reader_client, decisions, query, message):
    response = reader_client.get(reverse("governance:decision_list"), query)
    assert response.status_code == 200 and "decisions" not in response.context
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert reader_client.get(reverse("governance:decision_list_xlsx"), query).status_code == 404


def test_decisions_come_in_numbered_pages_keeping_the_filters(reader_client, decisions, monkeypatch):
    from s75.governance import views

    monkeypatch.setattr(views, "DECISIONS_PER_PAGE", 1)
    url = reverse("governance:decision_list")
    response = reader_client.get(url, {"subject": "agreement"})
    page = response.content.decode()
    assert "2 decisions, page 1 of 2" in page and 'href="?subject=agreement&amp;page=2" rel="next"' in page
    assert _listed(reader_client.get(url, {"subject": "agreement", "page": "9999"})) == [decisions[0]]
    assert _listed(reader_client.get(url, {"page": "abc"})) == [decisions[2]]


def test_another_organisation_finds_none_of_the_decisions(outsider_client, decisions):
    response = outsider_client.get(reverse("governance:decision_list"), {"outcome": "approved"})
    assert _listed(response) == []
    assert _rows(outsider_client.get(reverse("governance:decision_list_xlsx")))[1:] == []


def test_meetings_are_listed_by_board_date_and_title(reader_client, agreement):
    later = meeting_of(agreement, date(2024, 9, 12))
    earlier = meeting_of(agreement, date(2024, 3, 1))
    other = meeting_of(agreement, date(2024, 1, 10), name="A Joint Commissioning Board")
    listing = reader_client.get(reverse("governance:board_list")).content.decode()
    meetings = listing[listing.index('id="meetings"'):]
    order = [meetings.index(meeting.get_absolute_url()) for meeting in (other, earlier, later)]
    assert order == sorted(order), "by board name, then date"
    assert "<th scope=\"col\" class=\"govuk-table__header\">Board</th>" in meetings
    rows = _rows(reader_client.get(reverse("governance:meeting_list_xlsx")))
    assert rows == [("Board", "Date", "Title", "Papers"),
                    ("A Joint Commissioning Board", datetime(2024, 1, 10), None, 0),
                    ("Test Health and Wellbeing Board", datetime(2024, 3, 1), None, 0),
                    ("Test Health and Wellbeing Board", datetime(2024, 9, 12), None, 0)]
    board = reader_client.get(earlier.board.get_absolute_url()).content.decode()
    assert board.index(earlier.get_absolute_url()) < board.index(later.get_absolute_url()), "in date order"
    assert _rows(reader_client.get(reverse("governance:board_meetings_xlsx", args=[earlier.board.pk])))[1][0] == (
        datetime(2024, 3, 1))
