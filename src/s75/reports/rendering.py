"""Drawing a paper from its snapshot alone: the PDF (WeasyPrint, a board paper) and the workbook (openpyxl).

Both are deterministic: the same snapshot gives the same bytes (the documents' dates are the paper's date, not the
time of drawing), so a version drawn again can be compared with the original by its SHA-256.
"""

import zipfile
from datetime import date, datetime, time
from io import BytesIO

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter
from weasyprint import HTML

from .sections import section_by_key
from .workbook import cover_sheet


def _entries(paper: dict) -> list[dict]:
    return [{"number": number, **entry} for number, entry in enumerate(paper["sections"], start=1)]


def paper_html(paper: dict) -> str:
    entries = _entries(paper)
    numbers = {entry["key"]: entry["number"] for entry in entries}
    sections = []
    for entry in entries:
        body = render_to_string(section_by_key(entry["key"]).template,
                                {"data": entry["data"], "paper": paper, "number": entry["number"], "numbers": numbers})
        sections.append({**entry, "body": body})
    return render_to_string("reports/paper.html", {"paper": paper, "sections": sections})


def paper_pdf(paper: dict) -> bytes:
    return HTML(string=paper_html(paper)).write_pdf()


def paper_xlsx(paper: dict) -> bytes:
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"
    contents = []
    for entry in _entries(paper):
        section = section_by_key(entry["key"])
        section.write_sheet(workbook.create_sheet(section.sheet), entry["data"], paper)
        contents.append((entry["title"], section.sheet))
    cover_sheet(cover, paper, contents)
    prepared = datetime.combine(date.fromisoformat(paper["prepared_on"]), time())
    workbook.properties.created = workbook.properties.modified = prepared
    workbook.properties.title = f"{paper['title']} {paper['quarter']['label']}: {paper['fund']['name']}"
    workbook.properties.creator = paper["prepared_by"]
    buffer = BytesIO()
    # Not workbook.save(), which stamps the time of saving on the workbook.
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _zip_dated(buffer.getvalue(), prepared)


def _zip_dated(archive: bytes, when: datetime) -> bytes:
    """The archive again with every member dated ``when``: a zip records when each member was written."""
    stamped = BytesIO()
    with zipfile.ZipFile(BytesIO(archive)) as source, zipfile.ZipFile(stamped, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return stamped.getvalue()
