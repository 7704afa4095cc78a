"""Budget pages of an agreement: the financial schedule for a year, and the partners' instalments with what has
been received against them (and the overdue instalments of every agreement the user may see), each as a page and
as an Excel download. Changes to instalments post to the ledger, so they need ``ledger.post_ledger``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from s75.agreements.pages import editable_agreement_or_403, visible_agreement_or_404
from s75.agreements.selectors import user_may_change
from s75.core.errors import ServiceError
from s75.core.exports import POUNDS_FORMAT, pounds, table_workbook, xlsx_response
from s75.core.fiscal import FinancialYear
from s75.core.money import format_gbp
from s75.core.pages import year_pagination

from .charts import instalments_chart
from .exports import financial_schedule_workbook
from .forms import ContributionForm, InstalmentGenerateForm, ReceiptForm
from .models import Instalment
from .permissions import POST_INSTALMENTS
from .selectors import (
    InstalmentRow,
    agreement_instalments,
    agreement_years,
    financial_schedule,
    instalment_get,
    instalment_row,
    instalments_by_year,
    instalments_overdue,
)
from .services import contribution_set, instalment_set, receipt_record


@login_required
def contribution_set_view(request, pk: int):
    agreement = editable_agreement_or_403(request, pk)
    form = ContributionForm(request.POST if request.method == "POST" else None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contribution_set(
                actor=request.user, schedule=data["schedule"], party=data["party"],
                financial_year=data["financial_year"], funding_stream=data["funding_stream"],
                amount_pence=data["amount"], variation=form.variation(),
            )
        except ServiceError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{data['party']}'s contribution to {data['schedule']} was saved")
            return redirect("agreements:schedule_detail", pk=agreement.pk, number=data["schedule"].number)
    return render(request, "agreements/change_form.html", {
        "form": form, "agreement": agreement, "heading": "Set a contribution", "submit": "Save contribution",
    })


@login_required
def financial_schedule_view(request, pk: int, year: FinancialYear):
    agreement = visible_agreement_or_404(request, pk)
    years = agreement_years(agreement=agreement)
    return render(request, "budgets/financial_schedule.html", {
        "agreement": agreement,
        "schedule": financial_schedule(agreement=agreement, year=year),
        "years": years,
        "year_pagination": year_pagination(
            years, year, lambda each: reverse("budgets:financial_schedule", args=[agreement.pk, each])
        ),
    })


@login_required
def financial_schedule_xlsx(request, pk: int, year: FinancialYear):
    agreement = visible_agreement_or_404(request, pk)
    workbook = financial_schedule_workbook(
        schedule=financial_schedule(agreement=agreement, year=year), agreement_title=agreement.title
    )
    return xlsx_response(workbook, f"{slugify(agreement.reference)}-financial-schedule-{year.label}.xlsx")


# Instalments and receipts ---------------------------------------------------------------------------------------

def _may_post(request, agreement) -> bool:
    return user_may_change(user=request.user, agreement=agreement, permission=POST_INSTALMENTS)


def _changeable_agreement(request, pk: int):
    agreement = visible_agreement_or_404(request, pk)
    if not _may_post(request, agreement):
        raise PermissionDenied
    return agreement


@login_required
def instalments_view(request, pk: int):
    agreement = visible_agreement_or_404(request, pk)
    years = instalments_by_year(agreement_instalments(agreement=agreement, today=timezone.localdate()))
    return render(request, "budgets/instalments.html", {
        "agreement": agreement,
        "years": [(year, instalments_chart(year)) for year in years],
        "may_change": _may_post(request, agreement),
    })


@login_required
def instalments_xlsx(request, pk: int):
    agreement = visible_agreement_or_404(request, pk)
    schedules = agreement_instalments(agreement=agreement, today=timezone.localdate())
    workbook = table_workbook(
        title="Instalments",
        headers=INSTALMENT_HEADERS,
        rows=[_instalment_cells(row) for schedule in schedules for row in schedule.rows],
    )
    _money_columns(workbook, first=6, last=8)
    return xlsx_response(workbook, f"{slugify(agreement.reference)}-instalments.xlsx")


INSTALMENT_HEADERS = ["Partner", "Financial year", "No.", "Funding stream", "Due on", "Amount", "Received",
                      "Outstanding", "Status"]


def _instalment_cells(row: InstalmentRow) -> list:
    instalment = row.instalment
    return [
        instalment.party.name_in_agreement, instalment.year.label, instalment.number,
        str(instalment.funding_stream or "All streams"), instalment.due_on, pounds(instalment.amount_pence),
        pounds(row.received_pence), pounds(row.outstanding_pence), row.status.label,
    ]


def _money_columns(workbook, *, first: int, last: int) -> None:
    for cells in workbook.active.iter_rows(min_row=2, min_col=first, max_col=last):
        for cell in cells:
            cell.number_format = POUNDS_FORMAT


@login_required
def instalments_generate_view(request, pk: int):
    agreement = _changeable_agreement(request, pk)
    form = InstalmentGenerateForm(request.POST if request.method == "POST" else None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            instalments = instalment_set(
                actor=request.user, agreement=agreement, party=data["party"], financial_year=data["financial_year"],
                pattern=data["pattern"], replace=data["replace"],
            )
        except ServiceError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{len(instalments)} instalment{pluralize(len(instalments))} set for "
                                      f"{data['party']} in {data['financial_year'].label}")
            return redirect("budgets:instalments", pk=agreement.pk)
    return render(request, "budgets/instalment_form.html", {
        "agreement": agreement, "form": form, "heading": "Set a partner's instalments", "submit": "Set instalments",
    })


@login_required
def receipt_record_view(request, pk: int, instalment_id: int):
    agreement = _changeable_agreement(request, pk)
    try:
        instalment = instalment_get(user=request.user, agreement=agreement, pk=instalment_id)
    except Instalment.DoesNotExist as exc:
        raise Http404("No such instalment") from exc
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receipt_record(actor=request.user, instalment=instalment, received_on=data["received_on"],
                           amount_pence=data["amount"], reference=data["reference"])
        except ServiceError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{format_gbp(data['amount'], show_pence=True)} received from "
                                      f"{instalment.party} was recorded")
            return redirect("budgets:instalments", pk=agreement.pk)
    return render(request, "budgets/instalment_form.html", {
        "agreement": agreement, "form": form, "heading": "Record a receipt", "submit": "Record receipt",
        "row": instalment_row(instalment=instalment, today=timezone.localdate()),
    })


@login_required
def instalments_overdue_view(request):
    return render(request, "budgets/overdue.html", {
        "rows": instalments_overdue(user=request.user, today=timezone.localdate()),
    })


@login_required
def instalments_overdue_xlsx(request):
    rows = instalments_overdue(user=request.user, today=timezone.localdate())
    workbook = table_workbook(
        title="Overdue instalments",
        headers=["Agreement", *INSTALMENT_HEADERS, "Days overdue"],
        rows=[[row.instalment.party.agreement.title, *_instalment_cells(row), row.days_overdue] for row in rows],
    )
    _money_columns(workbook, first=7, last=9)
    return xlsx_response(workbook, "overdue-instalments.xlsx")
