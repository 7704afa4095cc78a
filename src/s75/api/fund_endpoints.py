"""More of a fund, read as its pages show it: the partners' consent decisions, the year-end settlement runs, and
the versions of the quarterly reports and annual returns with their files. Each finds the fund through ``fund_get``,
so another organisation's fund is a 404."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from s75.reports.models import ReportVersion
from s75.reports.selectors import report_download_name, report_file_path, report_version_get, report_versions
from s75.settlement.selectors import settlement_runs

from .endpoint import Endpoint
from .endpoints import fund_or_404
from .pagination import ListEndpoint
from .serializers import MoneyField


def _year_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


class ConsentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    party_id = serializers.IntegerField()
    financial_year = serializers.SerializerMethodField(help_text="e.g. 2024-25")
    decision = serializers.CharField()
    up_to = MoneyField(source="up_to_pence", allow_null=True, help_text="The overspend share agreed, if any.")
    decided_on = serializers.DateField()
    note = serializers.CharField(allow_blank=True)

    def get_financial_year(self, consent) -> str:
        return _year_label(consent.financial_year)


class ConsentList(ListEndpoint):
    @extend_schema(summary="The partners' consent decisions on the fund's projected overspends", tags=["monitoring"],
                   responses=ConsentSerializer(many=True))
    def get(self, request, pk: int):
        return self.page(fund_or_404(request, pk).agreement.consents.all(), ConsentSerializer)


class SettlementRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    financial_year = serializers.SerializerMethodField(help_text="e.g. 2024-25")
    version = serializers.IntegerField()
    outturn_basis = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    finalised_at = serializers.DateTimeField(allow_null=True)
    results = serializers.JSONField(help_text="Every figure of the settlement per partner and schedule, in pence.")

    def get_financial_year(self, run) -> str:
        return _year_label(run.financial_year)


class SettlementRunList(ListEndpoint):
    @extend_schema(summary="The fund's year-end settlement runs, drafts and final", tags=["settlement"],
                   responses=SettlementRunSerializer(many=True))
    def get(self, request, pk: int):
        return self.page(settlement_runs(agreement=fund_or_404(request, pk).agreement), SettlementRunSerializer)


class ReportVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    financial_year = serializers.SerializerMethodField(help_text="e.g. 2024-25")
    quarter = serializers.IntegerField(help_text="1 to 3: a quarterly report; 4: the annual return.")
    number = serializers.IntegerField()
    formats = serializers.ListField(child=serializers.CharField(), help_text="The files made: pdf, xlsx.")
    created_at = serializers.DateTimeField()

    def get_financial_year(self, version) -> str:
        return _year_label(version.financial_year)


class ReportVersionList(ListEndpoint):
    @extend_schema(summary="The versions of the fund's quarterly reports and annual returns", tags=["reports"],
                   responses=ReportVersionSerializer(many=True))
    def get(self, request, pk: int):
        return self.page(report_versions(fund=fund_or_404(request, pk)), ReportVersionSerializer)


class ReportVersionFile(Endpoint):
    @extend_schema(summary="A report version's file, as it was made", tags=["reports"],
                   responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
                              (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                                  OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int, version_pk: int, fmt: str):
        fund = fund_or_404(request, pk)
        try:
            version = report_version_get(fund=fund, pk=version_pk)
        except ReportVersion.DoesNotExist as exc:
            raise NotFound("No such report version") from exc
        if fmt not in version.formats:
            raise NotFound("The report was not made in that format")
        path = report_file_path(version=version, fmt=fmt)
        if not path.exists():
            raise NotFound("The report's file is missing: draw the version again from its snapshot")
        content_type = {"pdf": "application/pdf",
                        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[fmt]
        return FileResponse(path.open("rb"), as_attachment=True, content_type=content_type,
                            filename=report_download_name(version=version, fmt=fmt))
