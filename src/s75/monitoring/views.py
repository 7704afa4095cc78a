"""Pages of budget monitoring, under ``/funds/<id>/monitoring/``: the fund's dashboard for a month (headline, RAG by
schedule, charts, the schedule table with drill-down to the ledger, the consent panel per partner, the month's
commentary) and the forms behind it: each schedule's forecast and monthly profile, the commentary, a
partner's consent decision and its recovery plan. Every table downloads as Excel (built by ``exports``). Thin:
parse input, call a service or selector, render.

Every page finds its fund through ``fund_get`` (the dashboard through the same rule, applied to the partners it
keeps), so a fund whose agreement the user's organisation is not party to is a 404. A change needs the pooled fund
manager's permission (``ledger.post_ledger``), or for a consent decision a finance lead of that partner
(``selectors.consent_may_record``), else 403. Figures come from the monitoring report, which reads the ledger's
running balances; the dashboard's fund and body are kept per version of their data (``cache``).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from s75.agreements.models import Party, Schedule
from s75.agreements.selectors import agreement_visible_given_parties, user_may_change
from s75.core.exports import xlsx_response
from s75.core.fiscal import MONTH_NAMES, FinancialMonth, FinancialYear, month_label
from s75.core.money import describe_variance, format_gbp
from s75.ledger.models import Fund
from s75.ledger.pages import fund_or_404
from s75.ledger.permissions import POST_LEDGER

from . import forecasting
from .cache import KeptFund, dashboard_parts, kept_fund
from .charts import VarianceBar, cumulative_chart, variance_chart
from .exports import RAG_LABELS, WORKBOOKS, method_label
from .forms import (
    ActionStatusForm,
    CommentaryForm,
    ConsentForm,
    ForecastForm,
    PeriodForm,
    ProfileForm,
    RecoveryActionForm,
)
from .models import (
    ActionStatus,
    Commentary,
    Consent,
    ManualForecast,
    RecoveryAction,
    ScheduleYear,
)
from .selectors import (
    ConsentState,
    MonitoringReport,
    MonthCommentary,
    MonthPoint,
    RecoveryPosition,
    ScheduleLine,
    consent_may_record,
    consent_recorders,
    monitoring_report,
    monitoring_trend,
    monitoring_years,
    recovery_positions,
)
from .services import (
    MonitoringError,
    commentary_set,
    consent_record,
    recovery_action_add,
    recovery_action_status_set,
    schedule_forecast_set,
    schedule_profile_set,
)

RAG_CLASSES = {"green": "govuk-tag--green", "amber": "govuk-tag--yellow", "red": "govuk-tag--red"}
CONSENT_TAGS = {
    ConsentState.WITHIN: "govuk-tag--green",
    ConsentState.REQUIRED: "govuk-tag--red",
    ConsentState.GIVEN: "govuk-tag--blue",
    ConsentState.DECLINED: "govuk-tag--orange",
}


# Finding the fund and the month --------------------------------------------------------------------------------


def _may_change(request, fund: Fund) -> bool:
    return user_may_change(user=request.user, agreement=fund.agreement, permission=POST_LEDGER)


def _changeable_fund(request, pk: int) -> Fund:
    fund = fund_or_404(request, pk)
    if not _may_change(request, fund):
        raise PermissionDenied
    return fund


def _checked_period(fund: Fund, period: FinancialMonth, years: list[FinancialYear] | None = None) -> FinancialMonth:
    if not 1 <= period.month <= 12 or period.year not in (years or monitoring_years(fund=fund)):
        raise Http404("The fund has no such month")
    return period


def _default_period(kept: KeptFund) -> FinancialMonth:
    """The latest month with postings, forecasts or commentary; else M01 of the current year of the term."""
    years = kept.years
    if kept.latest and kept.latest[0] in years:
        return FinancialMonth(*kept.latest)
    today = FinancialYear.containing(timezone.localdate())
    year = today if today in years else (years[0] if today < years[0] else years[-1])
    return FinancialMonth(year, 1)


def _requested_period(request, kept: KeptFund) -> FinancialMonth:
    text = request.GET.get("period", "")
    if not text:
        return _default_period(kept)
    try:
        period = FinancialMonth.parse(text)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    return _checked_period(kept.fund, period, kept.years)


def _schedule_or_404(fund: Fund, number: int) -> Schedule:
    try:
        return fund.agreement.schedules.get(number=number)
    except Schedule.DoesNotExist as exc:
        raise Http404("No such schedule") from exc


def _party_or_404(fund: Fund, party_id: int) -> Party:
    try:
        return fund.agreement.parties.select_related("organisation").get(pk=party_id)
    except Party.DoesNotExist as exc:
        raise Http404("No such partner") from exc


def dashboard_url(fund: Fund, period: FinancialMonth, anchor: str = "") -> str:
    url = f"{reverse('monitoring:dashboard', args=[fund.pk])}?period={period.label}"  # 2024-25/M06 is URL-safe
    return f"{url}#{anchor}" if anchor else url


# The dashboard ---------------------------------------------------------------------------------------------------

@dataclass
class ScheduleRow:
    line: ScheduleLine
    schedule: Schedule
    lines_url: str
    method_label: str
    rag_label: str
    rag_class: str

    @property
    def amounts(self) -> list[int]:
        line = self.line
        return [line.annual_budget, line.budget_to_date, line.actual_to_date, line.forecast, line.variance]


@dataclass
class PartnerPanel(RecoveryPosition):
    """A partner's recovery position (the one the quarterly report shows too) as the dashboard shows it."""

    state_class: str = ""
    may_record_consent: bool = False

    @property
    def amounts(self) -> list[int]:
        line = self.line
        return [line.contributions, line.projected_share_of_spend, line.projected_excess]


def _schedule_rows(fund: Fund, report: MonitoringReport) -> list[ScheduleRow]:
    schedules = {schedule.number: schedule for schedule in fund.agreement.schedules.all()}
    lines_url = reverse("ledger:lines", args=[fund.pk])
    rows = []
    for line in report.schedules:
        schedule = schedules[line.number]
        rows.append(ScheduleRow(
            line, schedule, f"{lines_url}?{urlencode({'year': report.year.label, 'schedule': schedule.pk})}",
            method_label(line.method), RAG_LABELS[line.rag], RAG_CLASSES[line.rag],
        ))
    return rows


def _partner_panels(report: MonitoringReport, recorders: frozenset[int]) -> list[PartnerPanel]:
    return [
        PartnerPanel(position.line, position.actions, CONSENT_TAGS.get(position.line.consent_state, ""),
                     position.bound and position.line.party.pk in recorders)
        for position in recovery_positions(report=report)
    ]


def _money_description(points: list[MonthPoint], report: MonitoringReport) -> str:
    final = points[-1]
    at_month = points[report.month - 1]
    return (
        f"At the end of {report.period_label} the budget to date is {format_gbp(at_month.budget)} and the actual "
        f"to date {format_gbp(at_month.actual or 0)}; the annual budget is {format_gbp(final.budget)} and the "
        f"forecast outturn {format_gbp(final.forecast or 0)}. The table after the chart gives every month's figures."
    )


def _dashboard_body_context(fund: Fund, period: FinancialMonth, years: list[FinancialYear], may_change: bool,
                            recorders: frozenset[int], commentary: MonthCommentary | None) -> dict:
    """Everything the dashboard's body shows: drawn from the data and the reader's rights only, never the request."""
    report = monitoring_report(agreement=fund.agreement, year=period.year, month=period.month)
    periods = [FinancialMonth(year, month) for year in years for month in range(1, 13)]
    position = periods.index(period)
    rows = _schedule_rows(fund, report)
    points = monitoring_trend(report=report)
    budget, forecast, variance = report.total("annual_budget"), report.total("forecast"), report.total("variance")
    rag = forecasting.rag(variance, budget, report.amber_threshold_percent)
    title = f"Cumulative budget, actual and forecast by month, {period.year.label}"
    return {
        "fund": fund,
        "agreement": fund.agreement,
        "period": period,
        "period_form": PeriodForm(initial={"period": period.label}, years=years),
        "previous_period": periods[position - 1] if position else None,
        "next_period": periods[position + 1] if position + 1 < len(periods) else None,
        "report": report,
        "headline": {
            "budget": budget, "budget_to_date": report.total("budget_to_date"),
            "actual_to_date": report.total("actual_to_date"), "forecast": forecast, "variance": variance,
            "variance_size": abs(variance), "rag_label": RAG_LABELS[rag], "rag_class": RAG_CLASSES[rag],
        },
        "rows": rows,
        "totals": {name: report.total(name) for name in
                   ("annual_budget", "budget_to_date", "actual_to_date", "forecast", "variance")},
        "points": points,
        "month_names": MONTH_NAMES,
        "cumulative_chart": cumulative_chart(
            chart_id="cumulative-chart", points=points, title=title,
            description=_money_description(points, report),
        ),
        "variance_chart": variance_chart(
            chart_id="variance-chart",
            bars=[VarianceBar(f"{row.line.number}. {row.line.title}", row.line.variance, row.line.rag) for row in rows],
            title=f"Forecast variance by schedule, {period.label}",
            description=(
                f"A bar for each of the {len(rows)} schedules, to the right for a forecast overspend and to the "
                f"left for an underspend, coloured by RAG status; in all, {describe_variance(variance)}. The schedule "
                "table gives each figure."
            ),
        ),
        "partners": _partner_panels(report, recorders),
        "purchases_total": {name: sum(getattr(line, name) for line in report.purchases)
                            for name in ("bought_to_date", "committed", "year_total")},
        "schedule_commentary": [row for row in rows if row.line.commentary],
        "may_change": may_change,
        "consent_states": ConsentState,
        "commentary": commentary,
    }


@login_required
def dashboard_view(request, pk: int):
    """The dashboard, as every reader of a large fund asks for it again and again: the fund, its years, its
    commentary and the page's breadcrumbs and body are kept under the version of their data (``cache``), so a
    request reads that version and the reader's rights, and draws only the page around them. Whether the reader
    sees the fund is the rule of ``fund_get``, decided from the partners kept with it."""
    kept = kept_fund(fund_id=pk)
    if kept is None or not agreement_visible_given_parties(
        user=request.user, agreement=kept.fund.agreement, party_organisation_ids=kept.party_organisation_ids
    ):
        raise Http404("No fund found")
    fund, years = kept.fund, kept.years
    period = _requested_period(request, kept)
    may_change = _may_change(request, fund)
    recorders = consent_recorders(user=request.user, agreement=fund.agreement)
    commentary = kept.commentary.get((period.year.start_year, period.month))
    breadcrumbs, body = dashboard_parts(
        kept_fund=kept, variant=(period.label, may_change, sorted(recorders)),
        render=lambda: (
            render_to_string("monitoring/_breadcrumbs.html",
                             {"fund": fund, "agreement": fund.agreement, "period": period, "on_dashboard": True}),
            render_to_string("monitoring/_dashboard_body.html",
                             _dashboard_body_context(fund, period, years, may_change, recorders, commentary)),
        ),
    )
    return render(request, "monitoring/dashboard.html", {
        "agreement": fund.agreement, "period": period, "breadcrumbs": breadcrumbs, "body": body,
    })


# Excel downloads of the dashboard's tables ---------------------------------------------------------------------

@login_required
def table_xlsx(request, pk: int, period: FinancialMonth, table: str):
    fund = fund_or_404(request, pk)
    period = _checked_period(fund, period)
    if table not in WORKBOOKS:
        raise Http404("No such table")
    report = monitoring_report(agreement=fund.agreement, year=period.year, month=period.month)
    workbook = WORKBOOKS[table](report=report)
    return xlsx_response(workbook, f"{fund.agreement.reference}-monitoring-{period.year.label}-"
                                   f"{month_label(period.month)}-{table}.xlsx")


# A schedule's forecast and profile ------------------------------------------------------------------------------

def _schedule_line(fund: Fund, period: FinancialMonth, schedule: Schedule) -> ScheduleLine:
    report = monitoring_report(agreement=fund.agreement, year=period.year, month=period.month)
    return next(line for line in report.schedules if line.number == schedule.number)


def _form_page(request, template: str, fund: Fund, period: FinancialMonth, **context):
    return render(request, template, {"fund": fund, "agreement": fund.agreement, "period": period,
                                      "back_url": dashboard_url(fund, period), **context})


@login_required
def forecast_view(request, pk: int, period: FinancialMonth, number: int):
    fund = _changeable_fund(request, pk)
    period = _checked_period(fund, period)
    schedule = _schedule_or_404(fund, number)
    choice = ScheduleYear.objects.filter(schedule=schedule, financial_year=period.year.start_year).first()
    manual = ManualForecast.objects.filter(schedule=schedule, financial_year=period.year.start_year,
                                           month=period.month).first()
    initial = {"method": choice.method if choice else "",
               "amount": format_gbp(manual.amount_pence, show_pence=True) if manual else "",
               "commentary": manual.commentary if manual else ""}
    form = ForecastForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            schedule_forecast_set(actor=request.user, schedule=schedule, financial_year=period.year.start_year,
                                  month=period.month, method=data["method"], amount_pence=data["amount"],
                                  commentary=data["commentary"])
        except MonitoringError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"The forecast for {schedule.number}. {schedule.title} in {period.label} "
                                      "was saved")
            return redirect(dashboard_url(fund, period, "schedules"))
    line = _schedule_line(fund, period, schedule)
    return _form_page(request, "monitoring/forecast_form.html", fund, period, schedule=schedule, form=form,
                      line=line, method_label=method_label(line.method),
                      caption=f"{schedule.number}. {schedule.title}", heading=f"Forecast for {period.label}",
                      submit="Save the forecast")


@login_required
def profile_view(request, pk: int, period: FinancialMonth, number: int):
    fund = _changeable_fund(request, pk)
    period = _checked_period(fund, period)
    schedule = _schedule_or_404(fund, number)
    choice = ScheduleYear.objects.filter(schedule=schedule, financial_year=period.year.start_year).first()
    form = ProfileForm(request.POST if request.method == "POST" else None,
                       initial=ProfileForm.initial_for(choice.profile if choice else None))
    if request.method == "POST" and form.is_valid():
        try:
            schedule_profile_set(actor=request.user, schedule=schedule, financial_year=period.year.start_year,
                                 month=period.month, profile=form.cleaned_data["profile"])
        except MonitoringError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"The monthly profile of {schedule.number}. {schedule.title} for "
                                      f"{period.year.label} was saved")
            return redirect(dashboard_url(fund, period, "schedules"))
    line = _schedule_line(fund, period, schedule)
    monthly = forecasting.monthly_budget(line.annual_budget, choice.profile if choice and choice.profile else None)
    return _form_page(request, "monitoring/profile_form.html", fund, period, schedule=schedule, form=form,
                      line=line, monthly=list(zip(MONTH_NAMES, monthly, strict=True)),
                      caption=f"{schedule.number}. {schedule.title}",
                      heading=f"Monthly budget profile for {period.year.label}", submit="Save the profile")


# The month's commentary ------------------------------------------------------------------------------------------

@login_required
def commentary_view(request, pk: int, period: FinancialMonth):
    fund = _changeable_fund(request, pk)
    period = _checked_period(fund, period)
    current = Commentary.objects.filter(agreement=fund.agreement, financial_year=period.year.start_year,
                                        month=period.month).first()
    form = CommentaryForm(request.POST if request.method == "POST" else None,
                          initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            commentary_set(actor=request.user, agreement=fund.agreement, financial_year=period.year.start_year,
                           month=period.month, text=form.cleaned_data["text"])
        except MonitoringError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"The commentary for {period.label} was saved")
            return redirect(dashboard_url(fund, period, "commentary"))
    return _form_page(request, "monitoring/commentary_form.html", fund, period, form=form,
                      caption=fund.agreement.title, heading=f"Commentary for {period.label}",
                      submit="Save the commentary")


# A partner's consent decision and recovery plan ------------------------------------------------------------------

def _partner_panel(fund: Fund, period: FinancialMonth, party: Party) -> PartnerPanel | None:
    """The partner's figures as at the month (None when the year has no contributions) and its recovery plan."""
    report = monitoring_report(agreement=fund.agreement, year=period.year, month=period.month)
    return next((panel for panel in _partner_panels(report, frozenset()) if panel.line.party.pk == party.pk), None)


@login_required
def consent_view(request, pk: int, period: FinancialMonth, party_id: int):
    fund = fund_or_404(request, pk)
    period = _checked_period(fund, period)
    party = _party_or_404(fund, party_id)
    if not consent_may_record(user=request.user, party=party):
        raise PermissionDenied
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_record(actor=request.user, party=party, financial_year=period.year.start_year,
                           month=period.month, decision=data["decision"], decided_on=data["decided_on"],
                           up_to_pence=data["up_to"], note=data["note"])
        except MonitoringError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{party.display_name}'s decision for {period.year.label} was recorded")
            return redirect(dashboard_url(fund, period, "partners"))
    return _form_page(request, "monitoring/consent_form.html", fund, period, party=party, form=form,
                      panel=_partner_panel(fund, period, party),
                      decisions=Consent.objects.filter(party=party, financial_year=period.year.start_year)
                      .select_related("created_by").order_by("-decided_on", "-id"),
                      caption=party.display_name, heading=f"Prior agreement for {period.year.label}",
                      submit="Record the decision")


@login_required
def recovery_view(request, pk: int, period: FinancialMonth, party_id: int):
    fund = fund_or_404(request, pk)
    period = _checked_period(fund, period)
    party = _party_or_404(fund, party_id)
    may_change = _may_change(request, fund)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    form = RecoveryActionForm(request.POST if request.method == "POST" else None) if may_change else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recovery_action_add(actor=request.user, party=party, financial_year=period.year.start_year,
                                description=data["description"], saving_pence=data["saving"], owner=data["owner"],
                                due_date=data["due_date"])
        except MonitoringError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"The action was added to {party.display_name}'s recovery plan")
            return redirect("monitoring:recovery", pk=fund.pk, period=period, party_id=party.pk)
    return _form_page(request, "monitoring/recovery.html", fund, period, party=party, form=form,
                      panel=_partner_panel(fund, period, party), may_change=may_change,
                      statuses=ActionStatus.choices, caption=party.display_name,
                      heading=f"Recovery plan for {period.year.label}", submit="Add the action")


@login_required
@require_POST
def action_status_view(request, pk: int, period: FinancialMonth, party_id: int, action_id: int):
    fund = _changeable_fund(request, pk)
    period = _checked_period(fund, period)
    party = _party_or_404(fund, party_id)
    try:
        action = RecoveryAction.objects.select_related("plan").get(pk=action_id, plan__party=party)
    except RecoveryAction.DoesNotExist as exc:
        raise Http404("No such action") from exc
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        recovery_action_status_set(actor=request.user, action=action, status=form.cleaned_data["status"])
        status = ActionStatus(form.cleaned_data["status"]).label.lower()
        messages.success(request, f"“{action.description}” is now {status}")
    return redirect("monitoring:recovery", pk=fund.pk, period=period, party_id=party.pk)
