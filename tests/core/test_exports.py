"""Every export writes text through `put`, `append_row` or `csv_writer`: text that would run as a formula stays text,
exactly as given (with an apostrophe in a CSV file); only a `Formula` that s75 writes itself runs."""

import io
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from s75.core.exports import Formula, append_row, csv_writer, put, table_workbook

FORMULA_LIKE = ["=1+1", "+44 20 7946 0000", "-5", "@SUM(A1)", "\tHOME", "\rCARE"]


def reopened(workbook: Workbook) -> Workbook:
    buffer = BytesIO()
    workbook.save(buffer)
    return load_workbook(BytesIO(buffer.getvalue()))


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_is_written_as_quoted_text(text):
    workbook = Workbook()
    put(workbook.active["A1"], text)
    cell = reopened(workbook).active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_plain_text_and_numbers_are_left_plain():
    cell = Workbook().active["A1"]
    put(cell, "Home care")
    assert (cell.value, cell.quotePrefix) == ("Home care", False)
    put(cell, -5)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (-5, "n", False)


@pytest.mark.parametrize("write_only", [False, True])
def test_appended_rows_write_formula_like_text_as_text_and_run_only_our_formulas(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Lines")
    append_row(sheet, ["=HYPERLINK(\"http://example.com\")", 2, Formula("=SUM(B1:B1)")])
    row = [cell for cell in reopened(workbook)["Lines"][1]]
    assert [(cell.value, cell.data_type) for cell in row] == [
        ('=HYPERLINK("http://example.com")', "s"), (2, "n"), ("=SUM(B1:B1)", "f")]
    assert row[0].quotePrefix


def test_a_table_workbook_writes_formula_like_text_as_text_and_its_totals_as_formulas():
    workbook = table_workbook(title="Plans", headers=["Name", "Amount"], rows=[["=HYPERLINK(\"x\")", 1], ["plain", 2]],
                              totals=["Total", Formula("=SUM(B2:B3)")])
    sheet = reopened(workbook).active
    formula_like, plain, total = sheet["A2"], sheet["A3"], sheet["B4"]
    assert (formula_like.value, formula_like.data_type, formula_like.quotePrefix) == ('=HYPERLINK("x")', "s", True)
    assert (plain.value, plain.data_type) == ("plain", "s")
    assert (total.value, total.data_type) == ("=SUM(B2:B3)", "f")


def test_a_csv_row_puts_an_apostrophe_before_formula_like_text_and_leaves_numbers():
    buffer = io.StringIO()
    csv_writer(buffer).writerows([[*FORMULA_LIKE, "-12.50", "plain", 3]])
    assert buffer.getvalue() == "'=1+1,'+44 20 7946 0000,-5,'@SUM(A1),'\tHOME,\"'\rCARE\",-12.50,plain,3\r\n"


@pytest.mark.parametrize("write_only", [False, True])
def test_characters_a_workbook_cannot_hold_are_shown_as_a_replacement_mark(write_only):
    """The review of issue 15: a vertical tab in a public answer made openpyxl refuse the whole export."""
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Answers")
    append_row(sheet, ["hi\x0bthere", "=x\x01"])
    cells = list(reopened(workbook)["Answers"][1])
    assert [(cell.value, cell.data_type) for cell in cells] == [("hi\ufffdthere", "s"), ("=x\ufffd", "s")]
