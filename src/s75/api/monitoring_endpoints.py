"""The monitoring report of a fund for a month: budget, actual, forecast, variance and RAG per schedule, and each
partner's projected share and consent state, from ``monitoring.selectors.monitoring_report`` as the dashboard."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from s75.core.fiscal import FinancialYear
from s75.monitoring.selectors import monitoring_report, monitoring_years

from .endpoint import Endpoint
from .endpoints import fund_or_404
from .serializers import MoneyField


class ScheduleLineSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    funding_type = serializers.CharField()
    annual_budget = MoneyField()
    budget_to_date = MoneyField()
    actual_to_date = MoneyField()
    forecast = MoneyField(help_text="The forecast outturn for the year.")
    method = serializers.CharField(help_text="How the forecast was made.")
    variance = MoneyField(help_text="Forecast less annual budget: positive is an overspend.")
    rag = serializers.CharField()
    commentary = serializers.CharField(allow_blank=True)


class PartnerLineSerializer(serializers.Serializer):
    party_id = serializers.IntegerField(source="party.pk")
    name = serializers.CharField(source="party.name_in_agreement")
    contributions = MoneyField()
    projected_share_of_spend = MoneyField()
    projected_excess = MoneyField(help_text="The projected share above its contributions; negative within them.")
    consent_state = serializers.CharField(allow_null=True, help_text="Null for a partner not bound by a prior-"
                                                                     "agreement clause.")
    consent_up_to = MoneyField(allow_null=True)


class TotalsSerializer(serializers.Serializer):
    annual_budget = MoneyField()
    budget_to_date = MoneyField()
    actual_to_date = MoneyField()
    forecast = MoneyField()
    variance = MoneyField()


class MonitoringReportSerializer(serializers.Serializer):
    fund_id = serializers.IntegerField()
    agreement_id = serializers.IntegerField()
    period = serializers.CharField(help_text="e.g. 2024-25/M06")
    schedules = ScheduleLineSerializer(many=True)
    totals = TotalsSerializer()
    partners = PartnerLineSerializer(many=True)


class MonitoringReport(Endpoint):
    @extend_schema(summary="The monitoring report of a month", tags=["monitoring"],
                   description="`year` is a financial year the fund's monitoring covers (e.g. 2024-25); `month` is "
                               "1 (April) to 12 (March).",
                   responses=MonitoringReportSerializer)
    def get(self, request, pk: int, year: str, month: int):
        fund = fund_or_404(request, pk)
        try:
            financial_year = FinancialYear.parse(year)
        except ValueError as exc:
            raise NotFound(str(exc)) from exc
        if not 1 <= month <= 12 or financial_year not in monitoring_years(fund=fund):
            raise NotFound("The fund has no such month")
        report = monitoring_report(agreement=fund.agreement, year=financial_year, month=month)
        totals = {name: report.total(name)
                  for name in ("annual_budget", "budget_to_date", "actual_to_date", "forecast", "variance")}
        return Response(MonitoringReportSerializer({
            "fund_id": fund.pk, "agreement_id": fund.agreement_id, "period": report.period_label,
            "schedules": report.schedules, "totals": totals, "partners": report.partners,
        }).data)
