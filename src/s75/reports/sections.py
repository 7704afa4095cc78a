"""The sections of the quarterly report and the annual return, and the one place their order is set.

A section is three things: ``collect`` reads the database when a paper is generated and returns the section's data
as plain JSON (money in pence, dates as ISO text), which is frozen in the version's snapshot; ``template`` draws
that data in the PDF; ``write_sheet`` writes it to the section's own sheet of the workbook. The PDF and the workbook
are drawn from the snapshot alone, never from the database, so a past version can be drawn again unchanged.

To add a section to the annual return, append a :class:`Section` to :data:`ANNUAL_RETURN_SECTIONS` (from this
list, or from an app's ``ready()``); its key must be new, as the snapshot stores data under it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from openpyxl.worksheet.worksheet import Worksheet

from s75.agreements.models import FundingType
from s75.budgets.models import Contribution, Instalment, Receipt
from s75.budgets.selectors import financial_schedule
from s75.core.fiscal import Quarter
from s75.ledger.models import Fund
from s75.monitoring import forecasting
from s75.monitoring.models import Commentary, ForecastMethod
from s75.monitoring.selectors import ConsentState, MonitoringReport, monitoring_trend, recovery_positions
from s75.riskshare.allocation import AllocationError
from s75.riskshare.models import OverspendRule, UnderspendRule
from s75.riskshare.selectors import allocation_terms
from s75.settlement.selectors import (
    SettlementUnavailable,
    settlement_compute,
    settlement_inputs,
    settlement_latest,
    settlement_results,
)

from . import workbook


@dataclass(frozen=True)
class ReportContext:
    """What every section's ``collect`` is given: the fund, the quarter, and the monitoring report as at the
    quarter's last month (actuals from the ledger's running balances, forecasts, partners' consent states)."""

    fund: Fund
    quarter: Quarter
    report: MonitoringReport


@dataclass(frozen=True)
class Section:
    key: str  # the data's key in the snapshot, the PDF's anchor
    title: str  # the heading and the contents line
    sheet: str  # the workbook sheet's name, at most 31 characters
    collect: Callable[[ReportContext], dict]
    template: str  # drawn with ``data``, ``paper`` (the whole snapshot), ``number`` and ``numbers`` (of every key)
    write_sheet: Callable[[Worksheet, dict, dict], None]  # (sheet, data, paper)


def _percent(part: int, whole: int) -> str | None:
    """``part`` as a percentage of ``whole`` to one place, as text for the snapshot; None when ``whole`` is 0."""
    if not whole:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")))


# Collecting each section's figures -------------------------------------------------------------------------------

def collect_summary(context: ReportContext) -> dict:
    report = context.report
    budget, variance = report.total("annual_budget"), report.total("variance")
    return {
        "budget": budget,
        "budget_to_date": report.total("budget_to_date"),
        "actual_to_date": report.total("actual_to_date"),
        "variance_to_date": report.total("actual_to_date") - report.total("budget_to_date"),
        "forecast": report.total("forecast"),
        "variance": variance,
        "variance_percent": _percent(variance, budget),
        "rag": forecasting.rag(variance, budget, report.amber_threshold_percent),
        "amber_threshold_percent": str(report.amber_threshold_percent),
        "rag_counts": {rag: sum(line.rag == rag for line in report.schedules) for rag in ("red", "amber", "green")},
        "partners_needing_consent": [line.party.name_in_agreement for line in report.partners
                                     if line.consent_state in {ConsentState.REQUIRED, ConsentState.DECLINED}],
    }


def collect_schedules(context: ReportContext) -> dict:
    report = context.report
    money = ("annual_budget", "budget_to_date", "actual_to_date", "forecast", "variance")
    return {
        "lines": [
            {"number": line.number, "title": line.title, "funding_type": FundingType(line.funding_type).label,
             **{name: getattr(line, name) for name in money},
             "method": ForecastMethod(line.method).label, "rag": line.rag}
            for line in report.schedules
        ],
        "totals": {name: report.total(name) for name in money},
    }


def collect_contributions(context: ReportContext) -> dict:
    agreement, year, ends_on = context.fund.agreement, context.quarter.year, context.quarter.ends_on
    planned = financial_schedule(agreement=agreement, year=year)
    due = dict(
        Instalment.objects.filter(party__agreement=agreement, financial_year=year.start_year, due_on__lte=ends_on)
        .values("party_id").annotate(total=Sum("amount_pence")).values_list("party_id", "total")
    )
    received = dict(
        Receipt.objects.filter(instalment__party__agreement=agreement, instalment__financial_year=year.start_year,
                               received_on__lte=ends_on)
        .values("instalment__party_id").annotate(total=Sum("amount_pence"))
        .values_list("instalment__party_id", "total")
    )
    return {
        "partners": [party.name_in_agreement for party in planned.parties],
        "schedules": [{"number": row.number, "title": row.title, "funding_type": row.funding_type,
                       "amounts": row.amounts, "total": row.total} for row in planned.rows],
        "party_totals": planned.party_totals,
        "total": planned.total,
        "payments": [
            {"partner": party.name_in_agreement, "planned": planned_total, "due": due.get(party.pk, 0),
             "received": received.get(party.pk, 0), "outstanding": due.get(party.pk, 0) - received.get(party.pk, 0)}
            for party, planned_total in zip(planned.parties, planned.party_totals, strict=True)
        ],
    }


def collect_risk_share(context: ReportContext) -> dict:
    terms = allocation_terms(agreement=context.fund.agreement, financial_year=context.quarter.year.start_year)
    partners = [
        {"partner": line.party.name_in_agreement, "is_host": line.party.is_host, "contributions": line.contributions,
         "share_of_variance": line.projected_excess, "share_of_spend": line.projected_share_of_spend}
        for line in context.report.partners
    ]
    return {
        "partners": partners,
        "totals": {name: sum(partner[name] for partner in partners)
                   for name in ("contributions", "share_of_variance", "share_of_spend")},
        "overspend_rule": OverspendRule(terms.rules.overspend).label,
        "underspend_rule": UnderspendRule(terms.rules.underspend).label,
        "offset_first": terms.offset_first,
        "contingency_reserve": terms.contingency_reserve,
        "schedule_overrides": sorted(terms.schedule_rules),
    }


def collect_consent(context: ReportContext) -> dict:
    partners = [
        {
            "partner": position.line.party.name_in_agreement, "bound": position.bound,
            "state": position.line.consent_state, "excess": position.line.projected_excess,
            "consent_up_to": position.line.consent_up_to,
            "actions": [{"description": action.description, "saving": action.saving_pence, "owner": action.owner,
                         "due_on": action.due_date.isoformat(), "status": action.get_status_display()}
                        for action in position.actions],
            "planned_savings": position.planned_savings,
            "still_to_find": position.still_to_find if position.bound else None,
        }
        for position in recovery_positions(report=context.report)
    ]
    return {"clause": context.report.agreement.prior_agreement_clause, "partners": partners,
            "has_actions": any(partner["actions"] for partner in partners)}


def collect_commentary(context: ReportContext) -> dict:
    """The manager's commentary on the quarter's last month, else on the latest month of the quarter that has one,
    and the reasons given with each schedule's forecast."""
    quarter = context.quarter
    commentary = (Commentary.objects.filter(agreement=context.fund.agreement,
                                            financial_year=quarter.year.start_year,
                                            month__in=range(quarter.month - 2, quarter.month + 1))
                  .order_by("-month").first())
    return {
        "period": f"{quarter.year.label}/M{commentary.month:02d}" if commentary else None,
        "text": commentary.text if commentary else "",
        "schedules": [{"number": line.number, "title": line.title, "text": line.commentary}
                      for line in context.report.schedules if line.commentary],
    }


def collect_charts(context: ReportContext) -> dict:
    return {
        "months": [{"month": point.month, "budget": point.budget, "actual": point.actual, "forecast": point.forecast}
                   for point in monitoring_trend(report=context.report)],
        "bars": [{"label": f"{line.number}. {line.title}", "variance": line.variance, "rag": line.rag}
                 for line in context.report.schedules],
    }


def collect_memorandum(context: ReportContext) -> dict:
    """The memorandum income and expenditure account of the pool for the year: income is the partners' contributions
    to the pooled schedules, expenditure each pooled schedule's spend from the ledger; aligned and non-pooled
    schedules are listed apart, outside the pool."""
    agreement, year = context.fund.agreement, context.quarter.year
    income = dict(
        Contribution.objects.filter(schedule__agreement=agreement, financial_year=year.start_year,
                                    schedule__funding_type=FundingType.POOLED)
        .values("party_id").annotate(total=Sum("amount_pence")).values_list("party_id", "total")
    )
    parties = list(agreement.parties.order_by("position", "id"))
    income_lines = [{"partner": party.name_in_agreement, "amount": income.get(party.pk, 0)} for party in parties]
    lines = context.report.schedules
    expenditure = [{"number": line.number, "title": line.title, "amount": line.actual_to_date}
                   for line in lines if line.funding_type == FundingType.POOLED]
    income_total = sum(line["amount"] for line in income_lines)
    expenditure_total = sum(line["amount"] for line in expenditure)
    received = Receipt.objects.filter(
        instalment__party__agreement=agreement, instalment__financial_year=year.start_year,
        received_on__lte=context.quarter.ends_on,
    ).aggregate(total=Sum("amount_pence"))["total"] or 0
    return {
        "income": income_lines,
        "income_total": income_total,
        "expenditure": expenditure,
        "expenditure_total": expenditure_total,
        "surplus": income_total - expenditure_total,
        "received": received,
        "outside_pool": [{"number": line.number, "title": line.title,
                          "funding_type": FundingType(line.funding_type).label, "amount": line.actual_to_date}
                         for line in lines if line.funding_type != FundingType.POOLED],
    }


def collect_settlement(context: ReportContext) -> dict:
    """The year-end settlement statement: the year's final settlement run, else its latest draft, else the
    settlement as the ledger stands (a preview, not yet computed as a run)."""
    agreement, year = context.fund.agreement, context.quarter.year
    run = settlement_latest(agreement=agreement, year=year)
    if run is not None:
        return {"source": run.status, "version": run.version, "outturn_basis": run.outturn_basis,
                "results": settlement_results(run=run)}
    try:
        results = settlement_compute(inputs=settlement_inputs(agreement=agreement, year=year))
    except (SettlementUnavailable, AllocationError) as exc:
        return {"source": "unavailable", "reason": str(exc)}
    return {"source": "preview", "outturn_basis": "actual", "results": results}


# The sections, in the order the papers print them ----------------------------------------------------------------

SUMMARY = Section("summary", "Summary", "Summary", collect_summary, "reports/sections/summary.html",
                  workbook.summary_sheet)
SCHEDULES = Section("schedules", "Budget, actual and forecast by schedule", "Schedules", collect_schedules,
                    "reports/sections/schedules.html", workbook.schedules_sheet)
CHARTS = Section("charts", "Spend against budget in charts", "Charts", collect_charts, "reports/sections/charts.html",
                 workbook.charts_sheet)
CONTRIBUTIONS = Section("contributions", "Partner contributions planned and received", "Contributions",
                        collect_contributions, "reports/sections/contributions.html", workbook.contributions_sheet)
RISK_SHARE = Section("risk_share", "Risk-share projection", "Risk share", collect_risk_share,
                     "reports/sections/risk_share.html", workbook.risk_share_sheet)
CONSENT = Section("consent", "Prior agreement and recovery plans", "Consent and recovery", collect_consent,
                  "reports/sections/consent.html", workbook.consent_sheet)
COMMENTARY = Section("commentary", "Commentary", "Commentary", collect_commentary, "reports/sections/commentary.html",
                     workbook.commentary_sheet)
MEMORANDUM = Section("memorandum", "Memorandum income and expenditure account", "Memorandum account",
                     collect_memorandum, "reports/sections/memorandum.html", workbook.memorandum_sheet)

SETTLEMENT = Section("settlement", "Year-end settlement statement", "Settlement", collect_settlement,
                     "reports/sections/settlement.html", workbook.settlement_sheet)

QUARTERLY_SECTIONS: list[Section] = [SUMMARY, SCHEDULES, CHARTS, CONTRIBUTIONS, RISK_SHARE, CONSENT, COMMENTARY]
# The annual return: the quarterly report's sections with the memorandum account after the summary and the year-end
# settlement statement after the memorandum account.
ANNUAL_RETURN_SECTIONS: list[Section] = [SUMMARY, MEMORANDUM, SETTLEMENT, *QUARTERLY_SECTIONS[1:]]


def sections_for(quarter: Quarter) -> list[Section]:
    return ANNUAL_RETURN_SECTIONS if quarter.is_annual else QUARTERLY_SECTIONS


def section_by_key(key: str) -> Section:
    """The section that draws a snapshot's data stored under ``key``."""
    for section in (*ANNUAL_RETURN_SECTIONS, *QUARTERLY_SECTIONS):
        if section.key == key:
            return section
    raise KeyError(f"no section of the reports is called {key!r}")
