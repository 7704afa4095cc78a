"""`s75 bcf-plans`: every plan, or those a user sees, with totals and failing checks; JSON that parses."""

import json

import pytest
from django.core.management import CommandError, call_command

from s75.bcf.checks import INCOME_PLANNED
from s75.bcf.models import ExpenditureLine
from tests.bcf.test_national import _second_plan


def _json(capsys, *args) -> list[dict]:
    call_command("bcf_plans", "--json", *args)
    return json.loads(capsys.readouterr().out)


def test_json_lists_every_plan(plan, capsys):
    other = _second_plan()
    ExpenditureLine.objects.filter(plan=other, scheme_id="3").update(planned_pence=299_999_000)
    rows = _json(capsys)
    assert {row["area"]: (row["year"], row["status"], row["income_pence"], row["planned_pence"],
                          row["checks_failing"]) for row in rows} == {
        plan.hwb.name: ("2025-26", "draft", 1_500_000_000, 1_500_000_000, []),
        other.hwb.name: ("2025-26", "draft", 1_500_000_000, 1_499_999_000, [INCOME_PLANNED]),
    }
    assert _json(capsys, "--year", "2024-25") == []


def test_user_sees_only_their_plans(plan, area, capsys):
    other = _second_plan()
    assert [row["area"] for row in _json(capsys, "--user", area.manager.username)] == [plan.hwb.name]
    assert other.hwb.name in [row["area"] for row in _json(capsys)]


def test_text_listing(plan, capsys):
    call_command("bcf_plans")
    out = capsys.readouterr().out
    assert f"{plan.hwb.name}\t2025-26\tDraft\tincome £15,000,000.00\tplanned £15,000,000.00\tevery check passes" in out
    assert out.strip().endswith("1 plan.")


def test_unknown_user_and_year_refused(db):
    with pytest.raises(CommandError, match="there is no user 'nobody'"):
        call_command("bcf_plans", "--user", "nobody")
    with pytest.raises(CommandError, match="2031-32 is not a Better Care Fund year"):
        call_command("bcf_plans", "--year", "2031-32")
