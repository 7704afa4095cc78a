"""General-ledger imports: files as finance systems export them, posted whole or not at all, and only once."""

from datetime import date

import pytest

from s75.audit.models import AuditEvent
from s75.ledger.importing import CHECKED, HELD, POSTED, REJECTED
from s75.ledger.mappings import column_mapping_save
from s75.ledger.models import AccountRole, Balance, JournalEntry, JournalLine, LedgerImport
from s75.ledger.services import LedgerError, period_close
from tests.factories import UserFactory

from .importfiles import (
    HEADINGS,
    assert_ledger_consistent,
    expenditure,
    generated_rows,
    import_fund,
    ledger_csv,
    ledger_xlsx,
    row,
    rows_total,
    run,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund():
    return import_fund()


def test_a_csv_posts_one_balanced_entry_per_period_with_its_balances(fund, mapping, tmp_path):
    path = ledger_csv(tmp_path / "april-may.csv", [
        row("2024-04-03", "CC100", "1,234.56", "L1"),
        row("2024-04-30", "CC200", "100.00", "L2"),
        row("2024-05-01", "CC101", "(20.00)", "L3"),
    ])
    outcome = run(fund, mapping, path)
    assert (outcome.status, outcome.rows_total, outcome.rows_posted, outcome.total_pence) == (POSTED, 3, 3, 131456)
    assert [(t.schedule_number, t.period, t.rows, t.pence) for t in outcome.totals] == [
        (1, "2024-25/M01", 1, 123456), (1, "2024-25/M02", 1, -2000), (2, "2024-25/M01", 1, 10000),
    ]
    entries = JournalEntry.objects.filter(fund=fund).order_by("period__number")
    assert [(e.kind, e.period.label, e.ledger_import_id) for e in entries] == [
        ("import", "2024-25/M01", outcome.ledger_import.pk), ("import", "2024-25/M02", outcome.ledger_import.pk),
    ]
    creditors = fund.accounts.get(role=AccountRole.CREDITORS)
    lines = {(line.account_id, line.period.number): line.amount_pence for line in JournalLine.objects.filter(fund=fund)}
    assert lines == {
        (expenditure(fund, 1).pk, 1): 123456, (expenditure(fund, 2).pk, 1): 10000, (creditors.pk, 1): -133456,
        (expenditure(fund, 1).pk, 2): -2000, (creditors.pk, 2): 2000,
    }
    line = JournalLine.objects.get(source_line_id="L1")
    assert (line.posting_date, line.cost_centre, line.subjective, line.description) == (
        date(2024, 4, 3), "CC100", "5010", "Care package")
    assert_ledger_consistent(fund)
    record = outcome.ledger_import
    assert (record.status, record.rows_total, record.rows_posted, record.total_pence) == ("posted", 3, 3, 131456)
    assert AuditEvent.objects.filter(action="ledger_import", object_id=str(record.pk)).exists()


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("line_end", ["\r\n", "\n"])
def test_utf8_with_or_without_a_byte_order_mark_and_either_line_end(fund, mapping, tmp_path, bom, line_end):
    path = ledger_csv(tmp_path / "gl.csv", [row(line_id="L1", description="Café £ supplies"), row(line_id="L2")],
                      bom=bom, line_end=line_end)
    outcome = run(fund, mapping, path)
    assert outcome.status == POSTED, outcome.problems
    assert JournalLine.objects.get(source_line_id="L1").description == "Café £ supplies"


def test_the_date_forms_finance_systems_write(fund, mapping, tmp_path):
    path = ledger_csv(tmp_path / "dates.csv", [
        row("2024-04-30", line_id="A"), row("30/04/2024", line_id="B"), row("30-Apr-2024", line_id="C"),
        row("30-APR-24", line_id="D"), row("01/05/2024 00:00:00", line_id="E"),
    ])
    assert run(fund, mapping, path).status == POSTED
    dates = dict(JournalLine.objects.filter(fund=fund).exclude(source_line_id=None)
                 .values_list("source_line_id", "posting_date"))
    assert dates == {"A": date(2024, 4, 30), "B": date(2024, 4, 30), "C": date(2024, 4, 30), "D": date(2024, 4, 30),
                     "E": date(2024, 5, 1)}


def test_the_amount_forms_finance_systems_write(fund, mapping, tmp_path):
    amounts = {"A": "£1,234.56", "B": "(1,234.56)", "C": "-1234.5", "D": "1234", "E": " 12.30 "}
    path = ledger_csv(tmp_path / "amounts.csv", [row(amount=text, line_id=key) for key, text in amounts.items()])
    assert run(fund, mapping, path).status == POSTED
    posted = dict(JournalLine.objects.exclude(source_line_id=None).values_list("source_line_id", "amount_pence"))
    assert posted == {"A": 123456, "B": -123456, "C": -123450, "D": 123400, "E": 1230}


def test_separate_debit_and_credit_columns(fund, tmp_path):
    mapping = column_mapping_save(actor=None, fund=fund, name="oracle", columns={
        "posting_date": "GL Date", "cost_centre": "Cost Centre", "debit": "Debit", "credit": "Credit",
        "source_line_id": "Journal Line",
    })
    path = ledger_csv(tmp_path / "oracle.csv", [
        ["2024-04-01", "CC100", "500.00", "", "J1"],
        ["2024-04-02", "CC100", "", "75.25", "J2"],
        ["2024-04-03", "CC200", "10.00", "0.00", "J3"],
    ], headings=["GL Date", "Cost Centre", "Debit", "Credit", "Journal Line"])
    outcome = run(fund, mapping, path)
    assert outcome.status == POSTED
    assert dict(JournalLine.objects.exclude(source_line_id=None).values_list("source_line_id", "amount_pence")) == {
        "J1": 50000, "J2": -7525, "J3": 1000}


def test_an_xlsx_workbook_with_dates_numbers_and_text(fund, mapping, tmp_path):
    path = ledger_xlsx(tmp_path / "gl.xlsx", [
        [date(2024, 4, 30), "CC100", 5010, "Equipment", 1234.56, "X1"],
        ["30/05/2024", "CC200", "5010", "Agency staff", "(99.99)", "X2"],
        [],
        [date(2024, 6, 1), "CC101", 5010, "Rounding noise", 0.1 + 0.2, 3],
    ])
    outcome = run(fund, mapping, path)
    assert outcome.status == POSTED, outcome.problems
    posted = dict(JournalLine.objects.exclude(source_line_id=None).values_list("source_line_id", "amount_pence"))
    assert posted == {"X1": 123456, "X2": -9999, "3": 30}
    assert JournalLine.objects.get(source_line_id="X1").subjective == "5010"


def test_a_problem_in_a_workbook_names_the_row_excel_shows(fund, mapping, tmp_path):
    path = ledger_xlsx(tmp_path / "gl.xlsx", [
        [date(2024, 4, 30), "CC100", "5010", "ok", 10, "X1"], [], [date(2024, 4, 30), "CC100", "5010", "bad", "ten",
                                                                   "X2"],
    ])
    outcome = run(fund, mapping, path)
    assert [(p.row, p.column, p.value) for p in outcome.problems] == [(4, "Amount", "ten")]


def test_ten_thousand_rows_with_three_bad_ones_post_nothing_and_name_exactly_those_three(fund, mapping, tmp_path):
    rows = generated_rows(10_000)
    rows[1_233][0] = "31/02/2024"  # file row 1,235
    rows[5_677][4] = "12.345"  # file row 5,679
    rows[9_998][1] = ""  # file row 10,000
    outcome = run(fund, mapping, ledger_csv(tmp_path / "year.csv", rows))
    assert outcome.status == REJECTED
    assert [(p.row, p.column, p.value, p.reason) for p in outcome.problems] == [
        (1235, "Posting Date", "31/02/2024", "31/02/2024 is not a date: February 2024 has 29 days"),
        (5679, "Amount", "12.345", "12.345 has fractions of a penny: give at most two decimal places"),
        (10_000, "Cost Centre", "", "the cost centre is blank"),
    ]
    assert not JournalLine.objects.exists() and not Balance.objects.exists() and not JournalEntry.objects.exists()
    record = outcome.ledger_import
    assert (record.status, record.rows_total, record.rows_posted) == ("rejected", 10_000, 0)
    assert [problem["row"] for problem in record.problems] == [1235, 5679, 10_000]


def test_unmapped_cost_centres_are_listed_once_each_with_their_row_counts(fund, mapping, tmp_path):
    path = ledger_csv(tmp_path / "gl.csv", [
        row(centre="CC100", line_id="1"), row(centre="ZZ9", line_id="2"), row(centre="AB1", line_id="3"),
        row(centre="ZZ9", line_id="4"), row(centre="ZZ9", line_id="5"), row(amount="x", line_id="6"),
    ])
    outcome = run(fund, mapping, path)
    assert [str(problem) for problem in outcome.problems] == [
        "row 4, column Cost Centre: cost centre AB1 is not mapped to a schedule: 1 row, the first on row 4; map it on "
        "the fund's cost-centre mapping",
        "row 3, column Cost Centre: cost centre ZZ9 is not mapped to a schedule: 3 rows, the first on row 3; map it on "
        "the fund's cost-centre mapping",
        "row 7, column Amount: x is not an amount: write it like £1,234.56, 1234.56 or (1,234.56)",
    ]
    assert not JournalLine.objects.exists()


def test_rows_in_a_closed_period_or_outside_the_funds_periods_are_refused(fund, mapping, tmp_path):
    period_close(actor=None, period=fund.periods.get(financial_year=2024, number=1))
    path = ledger_csv(tmp_path / "gl.csv", [
        row("2024-04-15", line_id="1"), row("2024-05-15", line_id="2"), row("2023-03-31", line_id="3"),
    ])
    outcome = run(fund, mapping, path)
    assert [(p.row, p.reason) for p in outcome.problems] == [
        (2, "period 2024-25/M01 is closed: post the line to an open period"),
        (4, "31 March 2023 is outside the fund's periods (2024-25/M01 to 2026-27/M12)"),
    ]
    assert not JournalLine.objects.exists()


def test_a_dry_run_gives_the_totals_per_schedule_and_period_and_posts_nothing(fund, mapping, tmp_path):
    rows = generated_rows(200, months=3)
    run(fund, mapping, ledger_csv(tmp_path / "first.csv", rows[:50]))
    lines = JournalLine.objects.count()
    outcome = run(fund, mapping, ledger_csv(tmp_path / "gl.csv", rows), dry_run=True)
    assert (outcome.status, outcome.rows_total, outcome.rows_posted, outcome.rows_already_posted) == (
        CHECKED, 200, 150, 50)
    assert outcome.total_pence == rows_total(rows[50:])
    assert {t.period for t in outcome.totals} == {"2024-25/M01", "2024-25/M02", "2024-25/M03"}
    assert {t.schedule_number for t in outcome.totals} == {1, 2}
    assert sum(t.rows for t in outcome.totals) == 150
    assert JournalLine.objects.count() == lines
    assert LedgerImport.objects.count() == 1  # the first file's; a dry run leaves no record


@pytest.mark.parametrize(("file_ids", "already"), [
    (["A", "D", "E", "G"], 1),  # D, within the file's range, among ids that are not held
    (["D", "E"], 1),  # D, the least id of the file
    (["A", "B"], 1),  # B, the greatest
    (["C", "E"], 0),  # a range that spans held ids but holds none of them
    (["X", "Y"], 0),  # beyond every id held
    (["B", "D", "F", "H"], 3),
])
def test_ids_posted_before_are_found_by_the_files_range_of_ids(fund, mapping, tmp_path, file_ids, already):
    run(fund, mapping, ledger_csv(tmp_path / "first.csv", [row(line_id=line_id) for line_id in "BDF"]))
    outcome = run(fund, mapping, ledger_csv(tmp_path / "gl.csv", [row(line_id=line_id) for line_id in file_ids]),
                  dry_run=True)
    assert (outcome.rows_posted, outcome.rows_already_posted) == (len(file_ids) - already, already)


def test_a_dry_run_with_problems_lists_them_and_keeps_no_record(fund, mapping, tmp_path):
    outcome = run(fund, mapping, ledger_csv(tmp_path / "gl.csv", [row(amount="")]), dry_run=True)
    assert outcome.status == REJECTED and outcome.ledger_import is None
    assert [p.reason for p in outcome.problems] == ["the amount is blank: enter a figure such as 1,234.56 or 0"]
    assert not LedgerImport.objects.exists()


def test_a_source_line_id_twice_in_one_file_is_a_problem(fund, mapping, tmp_path):
    path = ledger_csv(tmp_path / "gl.csv", [row(line_id="A"), row(line_id="B"), row(line_id="A")])
    outcome = run(fund, mapping, path)
    assert [str(p) for p in outcome.problems] == [
        "row 4, column Line Id: source line id A is on row 2 too: each line needs its own"]


def test_a_repeated_source_line_id_is_a_problem_when_it_was_posted_before_as_well(fund, mapping, tmp_path):
    run(fund, mapping, ledger_csv(tmp_path / "first.csv", [row(line_id="A")]))
    outcome = run(fund, mapping, ledger_csv(tmp_path / "gl.csv", [row(line_id="A"), row(line_id="B"),
                                                                  row(line_id="A")]))
    assert [str(p) for p in outcome.problems] == [
        "row 4, column Line Id: source line id A is on row 2 too: each line needs its own"]
    assert JournalLine.objects.filter(source_line_id="B").count() == 0


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (row(amount="0.00"), "row 2, column Amount: the amount is zero: a line of zero posts nothing, so leave the "
                             "row out"),
        (row(line_id=""), "row 2, column Line Id: the source line id is blank: every row needs one, so that it "
                          "posts only once"),
        (row(day=""), "row 2, column Posting Date: the posting date is blank"),
        (row(description="x" * 501), "row 2, column Description: the description is longer than 500 characters: "
                                     "shorten it"),
    ],
)
def test_each_kind_of_row_problem_says_what_to_do(fund, mapping, tmp_path, cells, problem):
    outcome = run(fund, mapping, ledger_csv(tmp_path / "gl.csv", [cells]))
    assert [str(p) for p in outcome.problems] == [problem]


def test_blank_rows_are_skipped_and_a_title_above_the_headings_is_allowed(fund, mapping, tmp_path):
    path = ledger_csv(tmp_path / "gl.csv", [row(line_id="1"), [], ["", "", "", "", "", ""], row(line_id="2")],
                      above=[["General ledger transactions"], ["Run on 1 May 2024"], []])
    outcome = run(fund, mapping, path)
    assert (outcome.status, outcome.rows_total) == (POSTED, 2)
    bad = ledger_csv(tmp_path / "bad.csv", [row(line_id="3"), row(amount="?", line_id="4")], above=[["Title"]])
    assert [p.row for p in run(fund, mapping, bad).problems] == [4]


def test_semicolons_and_headings_in_any_case_are_read(fund, mapping, tmp_path):
    path = tmp_path / "gl.csv"
    path.write_text("posting date;COST CENTRE;Subjective;Description;Amount;Line  Id\n"
                    "2024-04-01;CC100;5010;Rent;1234.00;S1\n", encoding="utf-8")
    assert run(fund, mapping, path).status == POSTED


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("Date,Centre\n2024-04-01,CC100\n", "no row near the top of the file has the headings the mapping "
                                            "'finance' expects ('Posting Date', 'Cost Centre', "),
        ("Posting Date,Cost Centre,Subjective,Description,Amount\n", "row 1, column Line Id: the file has no column "
         "headed 'Line Id', which the mapping 'finance' reads the source line id from: check the mapping or the file"),
        (",".join(HEADINGS) + "\n", "the file has its headings but no rows below them, so there is nothing to post: "
                                     "export the ledger's lines again"),
        (b"Posting Date,Cost Centre,Subjective,Description,Amount,Line Id\n2024-04-01,CC100,5010,Caf\xe9,1.00,A\n",
         "the file is not UTF-8 text (at line 2): save it from the finance system or Excel as 'CSV UTF-8'"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(fund, mapping, tmp_path, content, problem):
    path = tmp_path / "gl.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    outcome = run(fund, mapping, path)
    assert outcome.status == REJECTED
    assert problem in str(outcome.problems[0])
    assert not JournalLine.objects.exists()


def test_a_file_found_unreadable_far_down_posts_nothing_and_says_where(fund, mapping, tmp_path):
    path = ledger_csv(tmp_path / "gl.csv", generated_rows(3_000))
    with path.open("ab") as stream:
        stream.write(b"2024-04-01,CC100,5010,Caf\xe9,1.00,LATE\r\n")
    outcome = run(fund, mapping, path)
    assert [str(problem) for problem in outcome.problems] == [
        "the file is not UTF-8 text (at line 3002): save it from the finance system or Excel as 'CSV UTF-8'"]
    assert not JournalLine.objects.exists()
    assert LedgerImport.objects.get().status == "rejected"


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(fund, mapping, tmp_path):
    path = tmp_path / "gl.xlsx"
    path.write_text("not a workbook")
    outcome = run(fund, mapping, path)
    assert "is named as an Excel workbook but is not one" in str(outcome.problems[0])


def test_a_mapping_of_another_fund_is_refused(fund, tmp_path):
    other = import_fund()
    with pytest.raises(LedgerError, match="belongs to another fund"):
        run(fund, other.column_mappings.get(), ledger_csv(tmp_path / "gl.csv", [row()]))


def test_a_file_with_more_problems_than_are_listed_counts_the_rest(fund, mapping, tmp_path, monkeypatch):
    monkeypatch.setattr("s75.ledger.import_checks.PROBLEMS_LISTED", 5)
    outcome = run(fund, mapping, ledger_csv(tmp_path / "gl.csv", [row(amount="x", line_id=str(n)) for n in range(8)]))
    assert (len(outcome.problems), outcome.problems_not_listed) == (5, 3)
    assert outcome.ledger_import.problems[-1]["reason"] == "and 3 more problems not listed"


def test_progress_is_reported_as_rows_are_read_and_posted(fund, mapping, tmp_path, monkeypatch):
    monkeypatch.setattr("s75.ledger.import_checks.PROGRESS_EVERY", 100)
    seen = []
    outcome = run(fund, mapping, ledger_csv(tmp_path / "gl.csv", generated_rows(450)),
                  progress=lambda done, total, stage: seen.append((done, total, stage)))
    assert outcome.status == POSTED
    assert [done for done, _, stage in seen if stage == "reading"][:4] == [100, 200, 300, 400]
    assert all(total >= done for done, total, _ in seen)
    assert seen[-1] == (450, 450, "posting")


def test_a_csv_with_ragged_rows_or_a_backslash_dot_is_read_row_by_row_and_posts_the_same(fund, mapping, tmp_path):
    """PostgreSQL reads a plain CSV itself; a file it would read otherwise than Python's csv module is read by
    Python instead, with the same result."""
    path = ledger_csv(tmp_path / "gl.csv", [row(line_id="L1"), [*row(line_id="L2"), ""],
                                            row(line_id="L3", description="\\.")])
    outcome = run(fund, mapping, path)
    assert (outcome.status, outcome.rows_posted) == (POSTED, 3), outcome.problems
    assert JournalLine.objects.get(source_line_id="L3").description == "\\."


def test_text_is_trimmed_as_python_trims_it(fund, mapping, tmp_path):
    path = ledger_csv(tmp_path / "gl.csv", [row(line_id=" S1\u00a0", description="\tRent\u3000", subjective=" 5010")])
    outcome = run(fund, mapping, path)
    assert outcome.status == POSTED, outcome.problems
    line = JournalLine.objects.get(source_line_id="S1")
    assert (line.description, line.subjective) == ("Rent", "5010")


# A year with no budget ------------------------------------------------------------------------------------------

def test_a_file_with_lines_in_a_year_with_no_budget_is_held_with_its_totals_and_posts_nothing(fund, mapping, tmp_path):
    """The import fund's partners contribute to 2024-25 only: lines in 2025-26 have no budget."""
    path = ledger_csv(tmp_path / "gl.csv", [row("2024-04-30", line_id="A"), row("2025-04-30", amount="50.00",
                                                                                line_id="B"),
                                            row("2025-05-31", amount="25.50", line_id="C")])
    for dry_run in (True, False):
        outcome = run(fund, mapping, path, dry_run=dry_run)
        assert (outcome.status, outcome.rows_posted, outcome.total_pence) == (HELD, 3, 17_550)
        assert [(p.value, p.cause, p.reason) for p in outcome.problems] == [(
            "2025-26", "no_budget",
            "2 rows (£75.50) fall in 2025-26, but the agreement records no contributions for that year, so the fund "
            "has no budget for it: record the year's contributions first, or post the file anyway and say why")]
    assert not JournalLine.objects.exists() and not LedgerImport.objects.exists(), "held is not a rejection"


def test_a_held_file_posts_when_someone_says_why_and_the_audit_trail_keeps_who_and_why(fund, mapping, tmp_path):
    manager = UserFactory(role="Pooled fund manager")
    path = ledger_csv(tmp_path / "gl.csv", [row("2025-04-30", line_id="A")])
    outcome = run(fund, mapping, path, actor=manager, post_anyway="  The 2025-26 budget is agreed, not yet entered  ")
    assert (outcome.status, outcome.rows_posted) == (POSTED, 1)
    event = AuditEvent.objects.get(action="ledger_import")
    assert (event.actor, event.reason) == (manager, "The 2025-26 budget is agreed, not yet entered")
    assert event.after["posted_anyway_years_without_budget"] == "2025-26"


def test_a_file_within_budgeted_years_needs_no_reason_and_its_audit_record_says_nothing_of_one(fund, mapping, tmp_path):
    outcome = run(fund, mapping, ledger_csv(tmp_path / "gl.csv", [row(line_id="A")]), post_anyway="not needed")
    assert outcome.status == POSTED
    event = AuditEvent.objects.get(action="ledger_import")
    assert event.reason == "" and "posted_anyway_years_without_budget" not in event.after


# Files that are not ledgers --------------------------------------------------------------------------------------

def _chart_only_workbook(path):
    """A workbook whose one sheet is a chart (of figures on a worksheet then taken away): no worksheet at all."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    workbook = Workbook()
    figures = workbook.active
    figures.append([1])
    chart = BarChart()
    chart.add_data(Reference(figures, min_col=1, min_row=1))
    workbook.create_chartsheet("Chart").add_chart(chart)
    workbook.remove(figures)
    workbook.save(path)
    return path


def _chart_sheet_without_a_chart(path):
    """A chart sheet with nothing on it, which openpyxl cannot open (it raises an AttributeError of its own)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.create_chartsheet("Chart")
    workbook.remove(workbook.active)
    workbook.save(path)
    return path


def _workbook_with_entities(path):
    """A ledger workbook whose sheet declares a DTD with entities (a "billion laughs" in miniature) and uses one."""
    import io
    import zipfile

    ledger_xlsx(path, [[date(2024, 4, 30), "CC100", "5010", "ok", 10, "X1"]])
    original = io.BytesIO(path.read_bytes())
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(path, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
                                                         b"<worksheet", 1).replace(b"CC100", b"&b;")
            target.writestr(member, content)
    return path


def _zip_not_a_workbook(path):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    return path


@pytest.mark.parametrize(
    ("name", "write", "problem"),
    [
        ("gl.csv", lambda path: path.write_bytes(b""),
         "the file is empty (0 bytes): export it again from the finance system"),
        ("gl.xls", lambda path: path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
         "the file is an old-style Excel workbook (.xls), which cannot be read: open it in Excel and save it as an "
         "Excel workbook (.xlsx) or as CSV UTF-8"),
        ("gl.xlsx", _zip_not_a_workbook,
         "the file is a compressed (zip) file but not an Excel workbook that can be read: save the ledger from Excel "
         "as an Excel workbook (.xlsx) or as CSV UTF-8"),
        ("gl.xlsx", _workbook_with_entities,
         "the file is a compressed (zip) file but not an Excel workbook that can be read: save the ledger from Excel "
         "as an Excel workbook (.xlsx) or as CSV UTF-8"),
        ("gl.xlsx", _chart_only_workbook,
         "the workbook has no worksheet, only charts: put the ledger's rows on its first worksheet"),
        ("gl.xlsx", _chart_sheet_without_a_chart,
         "the file is a compressed (zip) file but not an Excel workbook that can be read: save the ledger from Excel "
         "as an Excel workbook (.xlsx) or as CSV UTF-8"),
        ("gl.csv", lambda path: path.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe"),
         "line 3 holds a zero byte (NUL), which is not text: export the file again from the finance system as CSV "
         "UTF-8"),
        ("gl.csv", lambda path: path.write_bytes(b"Posting Date,Amount\n\xff\xfe01/04/2024,1.00\n"),
         "the file is not UTF-8 text (at line 2): save it from the finance system or Excel as 'CSV UTF-8'"),
        ("gl.xlsx", lambda path: path.write_text("Posting Date,Cost Centre\n"),
         "the file is named as an Excel workbook but is not one: save it again as .xlsx"),
        ("gl.csv", lambda path: ledger_csv(path, [row(), row(line_id="L\x002")]),
         "line 3 holds a zero byte (NUL), which is not text: export the file again from the finance system as CSV "
         "UTF-8"),
        ("gl.csv", lambda path: ledger_csv(path, [row()], headings=HEADINGS + [f"x{n}" for n in range(200_000)]),
         "row 1 has 200,006 columns, more than any ledger export (500 at most): check that this is the general "
         "ledger"),
    ],
    ids=["empty", "xls", "zip", "entities", "charts only", "chart sheet", "png", "latin-1", "named xlsx", "NUL",
         "200,006 columns"],
)
def test_a_file_that_is_not_a_ledger_says_what_it_is_and_posts_nothing(fund, mapping, tmp_path, name, write, problem):
    path = tmp_path / name
    write(path)
    outcome = run(fund, mapping, path)
    assert outcome.status == REJECTED
    assert [str(p) for p in outcome.problems] == [problem]
    assert not JournalLine.objects.exists()


def test_amounts_beyond_a_trillion_pounds_or_in_other_digits_are_refused_and_nothing_posted(fund, mapping, tmp_path):
    """Issue 17: two lines of 92,233,720,368,547,758.07 (the most 64-bit pence hold) overflowed the balances' sum on
    SQLite; Arabic-Indic digits were read as an amount."""
    path = ledger_csv(tmp_path / "gl.csv", [row(amount="92233720368547758.07"), row(amount="92233720368547758.07",
                                            line_id="L2"), row(amount="\u0661.\u0660\u0660", line_id="L3")])
    outcome = run(fund, mapping, path)
    assert outcome.status == REJECTED
    assert [str(p) for p in outcome.problems] == [
        "row 2, column Amount: 92233720368547758.07 is more than £1,000,000,000,000, the most s75 holds in one amount: "
        "check it",
        "row 3, column Amount: 92233720368547758.07 is more than £1,000,000,000,000, the most s75 holds in one amount: "
        "check it",
        "row 4, column Amount: \u0661.\u0660\u0660 is not an amount: write it like £1,234.56, 1234.56 or (1,234.56)",
    ]
    assert not JournalLine.objects.exists()


def test_a_workbook_is_read_whatever_its_name_ends_in(fund, mapping, tmp_path):
    """An upload waits under a name of its own; a workbook named .csv by mistake is still a workbook."""
    path = ledger_xlsx(tmp_path / "gl.xlsx", [[date(2024, 4, 30), "CC100", "5010", "ok", 10, "X1"]])
    outcome = run(fund, mapping, path.rename(tmp_path / "gl.csv"))
    assert (outcome.status, outcome.rows_posted) == (POSTED, 1)


def test_no_problem_starts_with_a_stray_value(fund, mapping, tmp_path):
    """Every problem reads as a sentence: located by row and column, never prefixed with its cell's value."""
    posted = ledger_csv(tmp_path / "posted.csv", [row(line_id="P")])
    run(fund, mapping, posted)
    period_close(actor=None, period=fund.periods.get(financial_year=2024, number=1))
    files = [
        posted,
        ledger_csv(tmp_path / "bad.csv", [row("31/02/2026", line_id="A"), row(amount="£1.234", line_id="B"),
                                          row(centre="ZZ9", line_id="C"), row("2024-04-02", line_id="D"),
                                          row(amount="0", line_id="E"), row(line_id="")]),
        ledger_csv(tmp_path / "headings.csv", [row()], headings=["Posting Date", "Cost Centre", "Amount"]),
    ]
    reasons = [str(problem) for path in files for problem in run(fund, mapping, path).problems]
    assert len(reasons) == 14
    assert not [reason for reason in reasons if reason.lower().startswith("value")]
    assert not [reason for reason in reasons if ", value " in reason]
