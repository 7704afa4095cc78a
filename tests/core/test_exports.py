"""Text put in a workbook by `text_cell` cannot run as a formula, and stays exactly as given."""

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from s75.core.exports import table_workbook, text_cell


@pytest.mark.parametrize("text", ["=1+1", "+44 20 7946 0000", "-5", "@SUM(A1)", "\tHOME", "\rCARE"])
def test_formula_like_text_is_written_as_quoted_text(text):
    workbook = Workbook()
    text_cell(workbook.active["A1"], text)
    buffer = BytesIO()
    workbook.save(buffer)
    cell = load_workbook(BytesIO(buffer.getvalue())).active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_plain_text_is_left_plain():
    cell = Workbook().active["A1"]
    text_cell(cell, "Home care")
    assert (cell.value, cell.quotePrefix) == ("Home care", False)


def test_a_table_workbook_writes_formula_like_text_as_text():
    workbook = table_workbook(title="Plans", headers=["Name"], rows=[["=HYPERLINK(\"x\")"], ["plain"]])
    formula_like, plain = workbook.active["A2"], workbook.active["A3"]
    assert (formula_like.value, formula_like.data_type, formula_like.quotePrefix) == ('=HYPERLINK("x")', "s", True)
    assert (plain.value, plain.data_type) == ("plain", "s")
