"""The agreement as a Word draft (python-docx): title and parties, the clauses with numbered headings, a
signature block, one schedule per service with its financial table, and the financial summary of each year.

Word's own styles are used (Title, Heading 1 and 2, List Bullet, Table Grid) so the partners' lawyers can restyle
the draft; the header says it is a draft and the footer numbers the pages with Word fields.
"""

from datetime import date
from io import BytesIO

from django.utils import dateformat
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table

from s75.agreements.models import Schedule
from s75.budgets.selectors import FinancialSchedule
from s75.core.templatetags.money import gbp_or_pence, table_has_pence

from .selectors import AgreementDraft, RenderedClause, ScheduleContributions

A4_WIDTH, A4_HEIGHT, MARGIN = Cm(21), Cm(29.7), Cm(2.2)
NUMBER_INDENT = Cm(1.25)
DRAFT_GREY = RGBColor(0x6F, 0x72, 0x73)
TABLE_FONT = Pt(9)
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _field_part(kind: str, text: str = "") -> OxmlElement:
    if kind == "instruction":
        element = OxmlElement("w:instrText")
        element.set(qn("xml:space"), "preserve")
        element.text = f" {text} "
    elif kind == "shown":
        element = OxmlElement("w:t")
        element.text = text
    else:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
    return element


def _field(paragraph, instruction: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) that Word and LibreOffice fill in when they lay out the page."""
    for element in (_field_part("begin"), _field_part("instruction", instruction), _field_part("separate"),
                    _field_part("shown", "1"), _field_part("end")):
        paragraph.add_run()._r.append(element)


def _page_furniture(section, draft: AgreementDraft) -> None:
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    mark = header.add_run("DRAFT")
    mark.bold, mark.font.size, mark.font.color.rgb = True, Pt(14), DRAFT_GREY
    detail = header.add_run(f"  {draft.agreement.reference}, drafted {_day(draft.drafted_on)}, not for signature")
    detail.font.size, detail.font.color.rgb = Pt(8), DRAFT_GREY
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _set_page(section, *, landscape: bool = False) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (A4_HEIGHT, A4_WIDTH) if landscape else (A4_WIDTH, A4_HEIGHT)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN


def _day(day: date) -> str:
    return dateformat.format(day, "j F Y")


def _heading(document, text: str, level: int, *, new_page: bool = False) -> None:
    document.add_heading(text, level=level).paragraph_format.page_break_before = new_page


def _usable_width(section) -> int:
    return section.page_width - section.left_margin - section.right_margin


def _repeat_as_header(row) -> None:
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(repeat)


def _table(document, section, headers: list[str] | None, rows: list[list[str]], *, text_weights: list[int],
           total_row: bool = False) -> Table:
    """A Table Grid table. The first columns are words, shared out of the width by ``text_weights``; the rest
    are amounts, right-aligned. The header row (if any) repeats on each page; with ``total_row`` the last row
    is bold."""
    all_rows = [headers, *rows] if headers else rows
    columns = len(all_rows[0])
    table = document.add_table(rows=len(all_rows), cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    text_columns = len(text_weights)
    amount_width = min(Cm(3.2), _usable_width(section) // (columns + 1))
    text_width = _usable_width(section) - amount_width * (columns - text_columns)
    widths = [text_width * weight // sum(text_weights) for weight in text_weights]
    widths += [amount_width] * (columns - text_columns)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the table grid, which LibreOffice lays out by; Word reads the cells' widths
    if headers:
        _repeat_as_header(table.rows[0])
    for row_index, (row, values) in enumerate(zip(table.rows, all_rows, strict=True)):
        bold = (headers and row_index == 0) or (total_row and row_index == len(all_rows) - 1)
        for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = widths[column]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            if column >= text_columns:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(value)
            run.bold, run.font.size = bool(bold), TABLE_FONT
    return table


def _numbered(document, number: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = NUMBER_INDENT
    paragraph.paragraph_format.first_line_indent = -NUMBER_INDENT
    paragraph.paragraph_format.tab_stops.add_tab_stop(NUMBER_INDENT)
    paragraph.add_run(f"{number}\t{text}")


def _bullet(document, text: str, *, under_numbers: bool = True) -> None:
    """A bullet; under a clause's numbered paragraphs it is indented to their text."""
    paragraph = document.add_paragraph(text, style="List Bullet")
    if under_numbers:
        paragraph.paragraph_format.left_indent = NUMBER_INDENT + Cm(0.63)


def _clause(document, clause: RenderedClause) -> None:
    _heading(document, f"{clause.number}.\t{clause.heading}", 1, new_page=clause.number == 1)
    paragraphs = 0
    for block in clause.blocks:
        if block.bullet:
            _bullet(document, block.text)
        else:
            paragraphs += 1
            _numbered(document, f"{clause.number}.{paragraphs}", block.text)


def _title_page(document, section, draft: AgreementDraft) -> None:
    agreement = draft.agreement
    document.add_heading(agreement.title, level=0)
    sections = " and ".join(label[1:] for label in agreement.legal_bases)
    word = "sections" if len(agreement.legal_bases) > 1 else "section"
    document.add_paragraph(f"A partnership agreement under {word} {sections} of the National Health Service Act 2006")
    term = document.add_paragraph()
    term.add_run(f"From {_day(agreement.start_date)} to {_day(agreement.end_date)}").bold = True
    document.add_heading("The parties", level=2)
    _table(document, section, ["Party", "Organisation", "Code", "Role"], [
        [party.name, party.organisation, party.code, "Host partner" if party.is_host else "Partner"]
        for party in draft.parties
    ], text_weights=[4, 4, 2, 2])
    note = document.add_paragraph()
    note.paragraph_format.space_before = Pt(18)
    version = draft.version
    run = note.add_run(
        f"This is a draft drawn up on {_day(draft.drafted_on)} from the agreement {agreement.reference} in the "
        f"s75 register, with the clause templates \u201c{version.template_set}\u201d version {version.number}. "
        "It is not the signed agreement."
    )
    run.italic, run.font.color.rgb = True, DRAFT_GREY


def _signatures(document, section, draft: AgreementDraft) -> None:
    document.add_heading("Signed by the partners", level=1)
    for party in draft.parties:
        document.add_paragraph(f"Signed for and on behalf of {party.name}")
        _table(document, section, None, [["Signature", ""], ["Name", ""], ["Position", ""], ["Date", ""]],
               text_weights=[1, 3])
        document.add_paragraph()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _contributions_table(document, section, contributions: ScheduleContributions) -> None:
    """Partner × funding stream rows, a column per year, a total row; a total column too when there are
    several years."""
    show_pence = contributions.show_pence
    several_years = len(contributions.years) > 1
    rows = [
        [line.party, line.stream, *(gbp_or_pence(amount, show_pence) for amount in line.amounts),
         *([gbp_or_pence(line.total, show_pence)] if several_years else [])]
        for line in contributions.lines
    ]
    rows.append(["Total", "", *(gbp_or_pence(total, show_pence) for total in contributions.year_totals),
                 *([gbp_or_pence(contributions.total, show_pence)] if several_years else [])])
    headers = ["Partner", "Funding stream", *(year.label for year in contributions.years),
               *(["Total"] if several_years else [])]
    _table(document, section, headers, rows, text_weights=[1, 1], total_row=True)


SCHEDULE_SECTIONS = (
    ("Aims and outcomes", "aims_and_outcomes", False),
    ("NHS functions", "nhs_functions", True),
    ("Health-related functions", "health_related_functions", True),
    ("Who the service is for", "eligible_people", False),
    ("Services", "services", False),
    ("Staff, goods, services and accommodation", "resources", False),
)


def _schedule(document, section, schedule: Schedule, contributions: ScheduleContributions) -> None:
    _heading(document, f"Schedule {schedule.number}: {schedule.title}", 1, new_page=True)
    for heading, field, listed in SCHEDULE_SECTIONS:
        text = getattr(schedule, field)
        if not text.strip():
            continue
        document.add_heading(heading, level=2)
        if listed:
            for line in _lines(text):
                _bullet(document, line, under_numbers=False)
        else:
            for line in _lines(text):
                document.add_paragraph(line)
    document.add_heading("Contributions", level=2)
    funding = f"The money for this service is {schedule.get_funding_type_display().lower()}."
    if schedule.lead_commissioner_id:
        funding += f" {schedule.lead_commissioner.name_in_agreement} commissions it as lead commissioner."
    document.add_paragraph(funding)
    if contributions.lines:
        _contributions_table(document, section, contributions)
    else:
        document.add_paragraph("No contributions are recorded for this schedule.")


def _financial_summary(document, section, schedule: FinancialSchedule) -> None:
    document.add_heading(schedule.year.label, level=2)
    show_pence = table_has_pence(schedule.rows)
    rows = [
        [str(row.number), row.title, row.funding_type, *(gbp_or_pence(amount, show_pence) for amount in row.amounts),
         gbp_or_pence(row.total, show_pence)]
        for row in schedule.rows
    ]
    rows.append(["", "Total", "", *(gbp_or_pence(total, show_pence) for total in schedule.party_totals),
                 gbp_or_pence(schedule.total, show_pence)])
    _table(document, section, ["No.", "Schedule", "Funding", *(party.name_in_agreement for party in schedule.parties),
                               "Total"], rows, text_weights=[1, 6, 2], total_row=True)


def _base_styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    for name in ("Title", "Heading 1", "Heading 2"):
        document.styles[name].font.name = "Arial"


def agreement_docx(draft: AgreementDraft) -> bytes:
    """The draft as the bytes of a .docx file."""
    document = Document()
    _base_styles(document)
    section = document.sections[0]
    _set_page(section)
    _page_furniture(section, draft)
    document.core_properties.title = draft.agreement.title
    document.core_properties.subject = f"Draft partnership agreement {draft.agreement.reference}"
    _title_page(document, section, draft)
    for clause in draft.clauses:
        _clause(document, clause)
    _signatures(document, section, draft)
    for schedule in draft.schedules:
        _schedule(document, section, schedule.schedule, schedule.contributions)
    if draft.financial_schedules:
        summary = document.add_section(WD_SECTION.NEW_PAGE)
        _set_page(summary, landscape=True)
        document.add_heading("Financial summary", level=1)
        document.add_paragraph("Each partner's contributions to each schedule, by financial year.")
        for schedule in draft.financial_schedules:
            _financial_summary(document, summary, schedule)
    output = BytesIO()
    document.save(output)
    return output.getvalue()
