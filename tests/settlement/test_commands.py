"""`s75 settle`: the figures of DESIGN.md §6 step 6 in pence, and the statements as files."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from s75.settlement.models import SettlementRun
from tests.factories import UserFactory


def settle(*args) -> str:
    out = StringIO()
    call_command("settle", *args, stdout=out)
    return out.getvalue()


def test_settle_on_the_luton_demo_gives_design_section_6(luton):
    document = json.loads(settle(f"--fund={luton.fund.pk}", "--year=2013-14"))
    partners = {partner["name"].split()[0]: partner for partner in document["partners"]}
    assert (partners["Luton"]["net_payment"], partners["NHS"]["net_payment"]) == (-78_018_45, -64_981_55)
    assert partners["NHS"]["final_share_of_spend"] == 3_558_481_55
    lines = {line["number"]: line for line in partners["NHS"]["schedules"]}
    assert (lines[3]["underspend_share"], lines[4]["overspend_share"], lines[5]["underspend_share"]) == (
        5_118_88, 60_100_43, 20_000_00)
    assert (document["unfunded_overspend"], document["reserve_used"]) == (0, 0)
    assert document["check"]["holds"]
    assert SettlementRun.objects.count() == 0  # a preview unless --save


def test_settle_saves_a_version_and_writes_the_statements(luton, tmp_path):
    pdf, xlsx = tmp_path / "s.pdf", tmp_path / "s.xlsx"
    assert "saved as version 1" in settle(f"--fund={luton.fund.pk}", "--year=2013-14", "--format=pdf",
                                          f"--out={pdf}", "--save")
    assert pdf.read_bytes().startswith(b"%PDF")
    settle(f"--fund={luton.fund.pk}", "--year=2013-14", "--format=xlsx", f"--out={xlsx}")
    assert load_workbook(xlsx)["Payments"]["C2"].value == 64981.55
    assert SettlementRun.objects.get().version == 1


def test_settle_says_what_is_wrong(luton):
    with pytest.raises(CommandError, match="needs --out FILE.pdf"):
        settle(f"--fund={luton.fund.pk}", "--year=2013-14", "--format=pdf")
    with pytest.raises(CommandError, match="not a financial year"):
        settle(f"--fund={luton.fund.pk}", "--year=2013")
    with pytest.raises(CommandError, match="no partner contributes to the fund in 2020-21"):
        settle(f"--fund={luton.fund.pk}", "--year=2020-21")
    with pytest.raises(CommandError, match="No fund"):
        settle(f"--fund={luton.fund.pk}", "--year=2013-14", f"--user={UserFactory().username}")
