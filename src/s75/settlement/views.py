"""Pages of the year-end settlement, under ``/funds/<id>/settlement/``: the runs by year and a form to compute a
new draft; a run with its figures, the partners' approvals and its statements as PDF and Excel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from s75.agreements.selectors import user_acts_for_party, user_may_change
from s75.core.exports import xlsx_response
from s75.ledger.pages import fund_or_404
from s75.ledger.selectors import fund_years

from .charts import partners_chart
from .forms import SettlementRunForm
from .models import SettlementRun, SettlementStatus
from .permissions import APPROVE_SETTLEMENT, SETTLE_FUND
from .selectors import settlement_results, settlement_runs
from .services import SettlementRefused, settlement_approve, settlement_run_create
from .statements import pool_check, settlement_pdf, settlement_workbook


def _run_or_404(fund, number: int) -> SettlementRun:
    try:
        return settlement_runs(agreement=fund.agreement).select_related("created_by").get(pk=number)
    except SettlementRun.DoesNotExist as exc:
        raise Http404("No settlement run found") from exc


@login_required
def settlement_list_view(request, pk: int):
    fund = fund_or_404(request, pk)
    may_settle = user_may_change(user=request.user, agreement=fund.agreement, permission=SETTLE_FUND)
    form = SettlementRunForm(request.POST if request.method == "POST" else None, agreement=fund.agreement,
                             years=fund_years(fund), today=timezone.localdate())
    if request.method == "POST":
        if not may_settle:
            raise PermissionDenied
        if form.is_valid():
            try:
                run = settlement_run_create(
                    actor=request.user, agreement=fund.agreement, year=form.cleaned_data["year"],
                    outturn=form.cleaned_data["outturn"], outside_agreement=form.cleaned_data["outside_agreement"],
                )
            except SettlementRefused as refused:
                form.add_problems(refused.problems)
            else:
                messages.success(request, f"Version {run.version} of the {run.year_label} settlement was computed")
                return redirect("settlement:run", pk=fund.pk, run=run.pk)
    return render(request, "settlement/list.html", {
        "fund": fund, "agreement": fund.agreement, "runs": settlement_runs(agreement=fund.agreement),
        "form": form, "may_settle": may_settle, "party_count": fund.agreement.parties.count(),
    })


@login_required
def settlement_run_view(request, pk: int, run: int):
    fund = fund_or_404(request, pk)
    found = _run_or_404(fund, run)
    approved = {approval.party_id: approval for approval in found.approvals.all()}
    latest = settlement_runs(agreement=fund.agreement).filter(financial_year=found.financial_year).first()
    parties = [
        (party, approved.get(party.pk),
         found.status == SettlementStatus.DRAFT and latest.pk == found.pk and party.pk not in approved
         and user_acts_for_party(user=request.user, party=party, permission=APPROVE_SETTLEMENT))
        for party in fund.agreement.parties.order_by("position")
    ]
    results = settlement_results(run=found)
    return render(request, "settlement/run.html", {
        "fund": fund, "agreement": fund.agreement, "run": found, "results": results, "parties": parties,
        "pool_check": pool_check(results), "superseded": latest.pk != found.pk,
        "partners_chart": partners_chart(results=results, year_label=found.year_label),
    })


@login_required
@require_POST
def settlement_approve_view(request, pk: int, run: int, party: int):
    fund = fund_or_404(request, pk)
    found = _run_or_404(fund, run)
    approving = fund.agreement.parties.filter(pk=party).first()
    if approving is None:
        raise Http404("No such partner")
    try:
        found = settlement_approve(actor=request.user, run=found, party=approving)
    except SettlementRefused as refused:
        for problem in refused.problems:
            messages.error(request, problem[0].upper() + problem[1:])
    else:
        messages.success(request, f"{approving.display_name} approved version {found.version}" + (
            ": every partner has approved, so the settlement is final and posted to the ledger"
            if found.status == SettlementStatus.FINAL else ""))
    return redirect("settlement:run", pk=fund.pk, run=found.pk)


@login_required
def settlement_pdf_view(request, pk: int, run: int):
    found = _run_or_404(fund_or_404(request, pk), run)
    response = HttpResponse(settlement_pdf(run=found), content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="settlement-{found.year_label}-v{found.version}.pdf"')
    return response


@login_required
def settlement_xlsx_view(request, pk: int, run: int):
    found = _run_or_404(fund_or_404(request, pk), run)
    return xlsx_response(settlement_workbook(run=found), f"settlement-{found.year_label}-v{found.version}.xlsx")
