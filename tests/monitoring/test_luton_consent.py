"""DESIGN.md §6's Luton example entered as the M12 forecast: the prior-agreement gate, as issue 4 states it."""

from datetime import date

import pytest

from s75.accounts.models import User
from s75.agreements.models import Agreement
from s75.core.fiscal import FinancialYear
from s75.demo.services import demo_load
from s75.ledger.services import fund_open
from s75.monitoring.models import ConsentAlert
from s75.monitoring.selectors import ConsentState, monitoring_report
from s75.monitoring.services import consent_record, schedule_forecast_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
YEAR = FinancialYear(2013)
OUTTURN = {
    "Head of Adult Joint Commissioning": 89_000_00,
    "Joint Equipment Store": 1_130_000_00,
    "Integrated LD team": 700_000_00,
    "LD Pooled Purchasing Budget": 4_300_000_00,
    "LD NHS Purchasing Budget": 520_000_00,
}


@pytest.fixture
def luton():
    demo_load()
    agreement = Agreement.objects.get(reference="luton-s75-s76-2013")
    fund_open(actor=None, agreement=agreement)
    return agreement


def enter_outturn(luton):
    for schedule in luton.schedules.all():
        schedule_forecast_set(actor=None, schedule=schedule, financial_year=2013, month=12, method="",
                              amount_pence=OUTTURN[schedule.title], commentary="Year-end outturn")


def partners(luton):
    report = monitoring_report(agreement=luton, year=YEAR, month=12)
    return {line.party.is_host: line for line in report.partners}, report


def test_the_ccg_needs_to_consent_to_64981_55_and_the_council_shows_its_excess(luton, mailoutbox,
                                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enter_outturn(luton)
    by_host, report = partners(luton)
    council, ccg = by_host[True], by_host[False]
    assert (ccg.consent_state, ccg.projected_excess) == (ConsentState.REQUIRED, 64_981_55)
    assert ccg.projected_share_of_spend == 3_558_481_55
    assert (council.consent_state, council.projected_excess) == (None, 78_018_45)
    assert [line.rag for line in report.schedules] == ["green", "red", "green", "red", "green"]
    assert report.total("variance") == 143_000_00
    [mail] = mailoutbox
    assert mail.subject.startswith("Consent required: NHS Luton / Luton Clinical Commissioning Group")
    assert "£64,981.55 more than its contributions of £3,493,500.00" in mail.body


def test_consent_up_to_70000_is_consent_given(luton):
    enter_outturn(luton)
    ccg_party = luton.parties.get(is_host=False)
    # The demo's finance lead of the ICB that took on Luton CCG's functions.
    consent_record(actor=User.objects.get(username="blmk.finance"), party=ccg_party, financial_year=2013, month=12,
                   decision="agree", up_to_pence=70_000_00, decided_on=date(2014, 3, 20))
    ccg = partners(luton)[0][False]
    assert (ccg.consent_state, ccg.consent_up_to) == (ConsentState.GIVEN, 70_000_00)


def test_exactly_one_alert_per_partner_per_change_of_state(luton, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enter_outturn(luton)
        enter_outturn(luton)  # the same figures again: no new state, no new alert
    ccg_party = luton.parties.get(is_host=False)
    assert list(ConsentAlert.objects.filter(party=ccg_party).values_list("state", flat=True)) == [
        ConsentState.REQUIRED
    ]
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        big = luton.schedules.get(title="LD Pooled Purchasing Budget")
        schedule_forecast_set(actor=None, schedule=big, financial_year=2013, month=12, method="",
                              amount_pence=4_000_000_00)
    assert list(ConsentAlert.objects.filter(party=ccg_party).values_list("state", flat=True)) == [
        ConsentState.REQUIRED, ConsentState.WITHIN
    ]
    assert len(mailoutbox) == 1  # returning within the contribution is recorded, not alerted


def test_the_monitor_command_gives_the_report_in_pence_and_as_a_workbook(luton, tmp_path):
    import json
    from io import StringIO

    from django.core.management import call_command
    from openpyxl import load_workbook

    enter_outturn(luton)
    fund = luton.fund
    out = StringIO()
    call_command("monitor", f"--fund={fund.pk}", "--period=2013-14/M12", stdout=out)
    document = json.loads(out.getvalue())
    assert document["totals"]["variance"] == 143_000_00
    ccg = next(p for p in document["partners"] if p["consent_state"])
    assert (ccg["consent_state"], ccg["projected_excess"]) == ("consent required", 64_981_55)
    workbook = tmp_path / "m12.xlsx"
    call_command("monitor", f"--fund={fund.pk}", "--period=2013-14/M12", "--format=xlsx", f"--out={workbook}",
                 stdout=StringIO())
    sheet = load_workbook(workbook).active
    assert [cell.value for cell in sheet[3]][:2] == [2, "Joint Equipment Store"]
    assert sheet.cell(row=3, column=7).value == 1_130_000  # the forecast, in pounds, as a number
    outsider = UserFactory()
    with pytest.raises(Exception, match="No fund"):
        call_command("monitor", f"--fund={fund.pk}", "--period=2013-14/M12", f"--user={outsider.username}")
