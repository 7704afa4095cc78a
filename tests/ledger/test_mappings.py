"""Column mappings and the cost-centre mapping: saved with an audit record, and every problem said in words."""

import pytest

from s75.ledger.mappings import (
    column_mapping_for,
    column_mapping_save,
    cost_centre_mappings_save,
    cost_centre_rows_read,
)
from s75.ledger.services import LedgerError

from .importfiles import COLUMNS, import_fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund():
    return import_fund()


def test_columns_mapping_names_what_is_missing(fund):
    with pytest.raises(LedgerError) as refused:
        column_mapping_save(actor=None, fund=fund, name="partial", columns={"posting_date": "Date", "debit": "Dr"})
    assert refused.value.problems == [
        "say which column holds the cost centre",
        "say which column holds the amount, or which columns hold the debit and the credit",
    ]
    with pytest.raises(LedgerError, match="a mapping called 'finance' already exists"):
        column_mapping_save(actor=None, fund=fund, name="finance", columns=COLUMNS)


def test_the_mapping_is_found_by_name_or_as_the_funds_only_one(fund):
    assert column_mapping_for(fund=fund, name=None).name == "finance"
    column_mapping_save(actor=None, fund=fund, name="oracle", columns=COLUMNS)
    with pytest.raises(LedgerError, match="say which column mapping to use: 'finance', 'oracle'"):
        column_mapping_for(fund=fund, name=None)
    with pytest.raises(LedgerError, match="no column mapping called 'sap' \\(its mappings: 'finance', 'oracle'\\)"):
        column_mapping_for(fund=fund, name="sap")


def test_cost_centre_lines_name_a_schedule_by_number_or_title_and_each_problem_by_line(fund):
    mapping, problems = cost_centre_rows_read(fund=fund, rows=[
        (1, ["CC1", "1"]), (2, ["CC2", "Reablement"]), (3, ["CC3", "Schedule 9"]), (4, ["CC1", "2"]),
        (5, ["", ""]), (6, ["CC4"]),
    ])
    assert {code: schedule.number for code, schedule in mapping.items()} == {"CC1": 1, "CC2": 2}
    assert problems[0].startswith("line 3: the agreement has no schedule 'Schedule 9' (its schedules: 1 ")
    assert problems[1:] == ["line 4: cost centre CC1 is mapped to another schedule on line 1",
                            "line 6: give a cost centre and a schedule, separated by a comma"]


def test_replacing_the_cost_centre_mapping_adds_changes_and_removes(fund):
    schedules = {schedule.number: schedule for schedule in fund.agreement.schedules.all()}
    change = cost_centre_mappings_save(actor=None, fund=fund, mappings={"CC100": schedules[2], "CC900": schedules[1]},
                                       replace=True)
    assert (change.added, change.changed, change.removed) == (1, 1, 2)
    assert dict(fund.cost_centres.values_list("cost_centre", "schedule__number")) == {"CC100": 2, "CC900": 1}
