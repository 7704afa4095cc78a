"""Reading a generated .docx back with python-docx, as the tests check it."""

from io import BytesIO

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph


def open_docx(data: bytes):
    return Document(BytesIO(data))


def table_rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def tables_under_headings(document) -> dict[str, list[list[list[str]]]]:
    """Each Heading 1's text, with the tables that follow it (before the next Heading 1), as rows of cell text."""
    found: dict[str, list] = {}
    heading = ""
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            paragraph = Paragraph(element, document)
            if paragraph.style.name == "Heading 1":
                heading = paragraph.text
                found.setdefault(heading, [])
        elif element.tag.endswith("}tbl"):
            found.setdefault(heading, []).append(table_rows(Table(element, document)))
    return found
