"""PLACEHOLDER for the branch bcf-pages only: the real module is written on another branch and replaces this one at
merge. It has the agreed interface so that the plan page's downloads can be built and tested."""

from io import BytesIO

from openpyxl import Workbook

from .models import Plan

TEMPLATES = ("planning", "quarterly", "year-end")


def workbook_for(plan: Plan, template: str, quarter: int | None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Cover"
    sheet.append(["Health and Wellbeing Board area", str(plan.hwb)])
    sheet.append(["Year", plan.year.year.label])
    sheet.append(["Return", template if quarter is None else f"{template} Q{quarter}"])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_filename(plan: Plan, template: str, quarter: int | None) -> str:
    return f"bcf-{plan.hwb.pk}-{plan.year.year.label}-{template}{f'-q{quarter}' if quarter else ''}.xlsx"
