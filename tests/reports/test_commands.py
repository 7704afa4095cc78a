"""`s75 report`: a version of the quarterly report in either format, made again from a version's snapshot, within
the user's scope."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from s75.reports.models import ReportVersion

pytestmark = pytest.mark.django_db


def test_the_command_writes_both_formats(luton_fund, tmp_path):
    for fmt in ("pdf", "xlsx"):
        out = tmp_path / f"luton-q2.{fmt}"
        stdout = StringIO()
        call_command("report", fund=luton_fund.pk, quarter="2013-14/Q2", format=fmt, out=str(out), stdout=stdout,
                     stderr=StringIO())
        assert out.read_bytes()[:4] == {"pdf": b"%PDF", "xlsx": b"PK\x03\x04"}[fmt]
        assert stdout.getvalue().startswith("Quarterly report 2013-14/Q2 version")
    assert list(ReportVersion.objects.order_by("number").values_list("number", "pdf_file", "xlsx_file")) == [
        (1, ReportVersion.objects.get(number=1).pdf_file, ""), (2, "", ReportVersion.objects.get(number=2).xlsx_file)]
    call_command("report", fund=luton_fund.pk, quarter="2013-14/Q2", format="pdf", reproduce=1, stdout=StringIO(),
                 stderr=StringIO())
    assert ReportVersion.objects.get(number=3).reproduces.number == 1
    with pytest.raises(CommandError, match="not a quarter"):
        call_command("report", fund=luton_fund.pk, quarter="2013-14/M06", format="pdf", stderr=StringIO())
    with pytest.raises(CommandError, match="No fund"):
        call_command("report", fund=luton_fund.pk, quarter="2013-14/Q2", format="pdf", user="bexley.commissioner",
                     stderr=StringIO())
