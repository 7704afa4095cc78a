"""`s75 monitor`: the monitoring report of a fund's month, as JSON in pence or as a workbook, within the user's
scope."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tests.factories import UserFactory
from tests.monitoring.luton import enter_outturn

pytestmark = pytest.mark.django_db


def test_the_monitor_command_gives_the_report_in_pence_and_as_a_workbook(luton, tmp_path):
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
