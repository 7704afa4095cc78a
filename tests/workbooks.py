"""Reading back the workbooks the exports build, as Excel would read them from the file."""

from io import BytesIO

from openpyxl import Workbook, load_workbook


def reopened(workbook: Workbook):
    """The workbook's sheet as Excel would read it back from the file."""
    buffer = BytesIO()
    workbook.save(buffer)
    return load_workbook(buffer).active


def values(sheet) -> list[tuple]:
    """The sheet's rows, each a tuple of its cells' values."""
    return list(sheet.iter_rows(values_only=True))
