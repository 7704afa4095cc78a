"""The financial schedule of an agreement for a year, as a page and as an Excel download."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.text import slugify

from s75.agreements.pages import visible_agreement_or_404
from s75.core.exports import xlsx_response
from s75.core.fiscal import FinancialYear

from .exports import financial_schedule_workbook
from .selectors import agreement_years, financial_schedule


@login_required
def financial_schedule_view(request, pk: int, year: FinancialYear):
    agreement = visible_agreement_or_404(request, pk)
    years = agreement_years(agreement=agreement)
    position = years.index(year) if year in years else None
    return render(request, "budgets/financial_schedule.html", {
        "agreement": agreement,
        "schedule": financial_schedule(agreement=agreement, year=year),
        "years": years,
        "previous_year": years[position - 1] if position else None,
        "next_year": years[position + 1] if position is not None and position + 1 < len(years) else None,
    })


@login_required
def financial_schedule_xlsx(request, pk: int, year: FinancialYear):
    agreement = visible_agreement_or_404(request, pk)
    workbook = financial_schedule_workbook(
        schedule=financial_schedule(agreement=agreement, year=year), agreement_title=agreement.title
    )
    return xlsx_response(workbook, f"{slugify(agreement.reference)}-financial-schedule-{year.label}.xlsx")
