"""The risk-share terms page of an agreement: read the terms in plain English, and change them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from s75.agreements.pages import editable_agreement_or_403
from s75.agreements.services import ChangeRefused
from s75.core.fiscal import FinancialYear

from .forms import RiskShareTermsForm, scope_from
from .models import RiskShareTerms
from .services import risk_share_summary, risk_share_terms_set


@login_required
def terms_edit_view(request, pk: int):
    agreement = editable_agreement_or_403(request, pk)
    try:
        year, schedule = scope_from(request.GET, agreement)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    terms = (RiskShareTerms.objects.filter(agreement=agreement, financial_year=year, schedule=schedule)
             .prefetch_related("party_terms").first())
    fund_terms = None
    if schedule is not None and terms is None:
        fund_terms = RiskShareTerms.objects.filter(agreement=agreement, financial_year=year, schedule=None).first()
    form = RiskShareTermsForm(request.POST if request.method == "POST" else None, agreement=agreement, terms=terms,
                              for_schedule=schedule is not None, fund_terms=fund_terms)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = risk_share_terms_set(
                actor=request.user, agreement=agreement, financial_year=year, schedule=schedule,
                overspend_rule=data["overspend_rule"], underspend_rule=data["underspend_rule"],
                **form.scope_terms(),
                maladministration_borne_by_host=data["maladministration_borne_by_host"],
                recharges_pooled=data["recharges_pooled"],
                party_terms=form.party_terms(), variation=form.variation(),
            )
        except ChangeRefused as refused:
            form.add_problems(refused.problems)
        else:
            messages.success(request, risk_share_summary(saved))
            return redirect("agreements:detail", pk=agreement.pk)
    year_label = FinancialYear(year).label if year else ""
    scope = (f"schedule {schedule.number} ({schedule.title})" if schedule else "the fund") + (
        f" in {year_label}" if year else " in every year")
    return render(request, "riskshare/terms_form.html", {
        "form": form, "agreement": agreement, "terms": terms, "summary": risk_share_summary(terms) if terms else "",
        "heading": f"Risk-share terms for {scope}", "submit": "Save the terms",
        "schedules": agreement.schedules.order_by("number"),
        "year_label": year_label, "schedule": schedule,
    })
