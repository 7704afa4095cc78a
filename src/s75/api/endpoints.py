"""The read and write endpoints of organisations, agreements and their files, funds, balances and ledger lines.

Each finds what it shows through the selector the pages use (``agreements_visible_to``, ``fund_get``, …), so what a
user cannot see on a page is a 404 here too, and each write goes through the service the page or command calls.
"""

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from s75.agreements.document import agreement_document, agreement_file_text
from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import AgreementFileError, agreement_file_read
from s75.agreements.models import Agreement, AgreementStatus
from s75.agreements.selectors import agreement_get, agreement_list, agreement_partners
from s75.core.fiscal import FinancialMonth, FinancialYear
from s75.core.money import MAX_PENCE
from s75.ledger.models import Fund
from s75.ledger.selectors import fund_get, fund_period, fund_years, funds_visible_to, ledger_lines, trial_balance

from .endpoint import Endpoint
from .errors import Refused
from .pagination import ListEndpoint
from .serializers import (
    AgreementDetailSerializer,
    AgreementFileSerializer,
    AgreementSerializer,
    BalancesSerializer,
    FundSerializer,
    LedgerLineSerializer,
    OrganisationSerializer,
)
from .tokens import token_acting


@extend_schema(exclude=True)
class NoSuchEndpoint(APIView):
    def initial(self, request, *args, **kwargs):
        raise NotFound("No such endpoint: the API's description is at /api/v1/schema/")


# The largest agreement file in use is a few hundred kilobytes; anything far beyond is not one.
AGREEMENT_FILE_MAX_BYTES = 5 * 1024 * 1024


def agreement_or_404(request, pk: int) -> Agreement:
    try:
        return agreement_get(user=request.user, pk=pk)
    except Agreement.DoesNotExist as exc:
        raise NotFound("No agreement found") from exc


def fund_or_404(request, pk: int) -> Fund:
    try:
        return fund_get(user=request.user, pk=pk)
    except Fund.DoesNotExist as exc:
        raise NotFound("No fund found") from exc


class OrganisationList(ListEndpoint):
    @extend_schema(summary="The organisations party to the agreements you see", tags=["organisations"],
                   responses=OrganisationSerializer(many=True))
    def get(self, request):
        return self.page(agreement_partners(user=request.user), OrganisationSerializer)


class AgreementQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=AgreementStatus.choices, required=False)
    search = serializers.CharField(required=False, max_length=200, allow_blank=True,
                                   help_text="Words in the title or reference, or a partner's name or code.")


class AgreementList(ListEndpoint):
    query_class = AgreementQuery

    @extend_schema(summary="The agreements you see", tags=["agreements"], parameters=[AgreementQuery],
                   responses=AgreementSerializer(many=True))
    def get(self, request):
        wanted = self.query()
        agreements = agreement_list(user=request.user, status=wanted.get("status"), search=wanted.get("search", ""))
        return self.page(agreements, AgreementSerializer)


class AgreementDetail(Endpoint):
    @extend_schema(summary="One agreement", tags=["agreements"], responses=AgreementDetailSerializer)
    def get(self, request, pk: int):
        return Response(AgreementDetailSerializer(agreement_or_404(request, pk)).data)


class AgreementFileOut(Endpoint):
    @extend_schema(summary="The agreement as an agreement file (YAML)", tags=["agreements"],
                   responses={(200, "application/yaml"): OpenApiResponse(
                       OpenApiTypes.OBJECT, description="An agreement file (docs/agreement-file.md), as "
                                                        "`s75 export-agreement` writes it.")})
    def get(self, request, pk: int):
        agreement = agreement_or_404(request, pk)
        text = agreement_file_text(agreement_document(agreement=agreement), file_format="yaml")
        response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{agreement.reference}.yaml"'
        return response


class AgreementFileIn(Endpoint):
    parser_classes = [MultiPartParser]

    @extend_schema(summary="Create an agreement from an agreement file", tags=["agreements"],
                   description="The file is checked whole first, as by `s75 load-agreement`: a file with any problem "
                               "loads nothing and the answer lists every problem at its path. You need the right to "
                               "manage agreements, and your organisation must be one of the file's parties.",
                   request={"multipart/form-data": AgreementFileSerializer},
                   responses={201: AgreementDetailSerializer})
    def post(self, request):
        upload = query_body(AgreementFileSerializer, request)["file"]
        if upload.size > AGREEMENT_FILE_MAX_BYTES:
            raise serializers.ValidationError({"file": "An agreement file is at most 5 MB: is this the right file?"})
        suffix = ".json" if upload.name.lower().endswith(".json") else ".yaml"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"agreement{suffix}"
            with path.open("wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            try:
                with token_acting(request.auth):
                    agreement = agreement_load(actor=request.user, document=agreement_file_read(path))
            except PermissionDenied as refused:
                raise Refused(str(refused), status_code=status.HTTP_403_FORBIDDEN) from refused
            except AgreementFileError as failed:
                raise Refused("The agreement file has problems: nothing was loaded",
                              [(problem.path or None, problem.message) for problem in failed.errors]) from failed
        return Response(AgreementDetailSerializer(agreement).data, status=status.HTTP_201_CREATED)


def query_body(serializer_class: type[serializers.Serializer], request) -> dict:
    """The request's body read by ``serializer_class``; a 400 naming each field that is wrong."""
    reading = serializer_class(data=request.data)
    reading.is_valid(raise_exception=True)
    return reading.validated_data


class FundList(ListEndpoint):
    @extend_schema(summary="The pooled funds of the agreements you see", tags=["funds"],
                   responses=FundSerializer(many=True))
    def get(self, request):
        return self.page(funds_visible_to(user=request.user), FundSerializer)


class FundDetail(Endpoint):
    @extend_schema(summary="One fund", tags=["funds"], responses=FundSerializer)
    def get(self, request, pk: int):
        return Response(FundSerializer(fund_or_404(request, pk)).data)


def _year(text: str) -> FinancialYear:
    try:
        return FinancialYear.parse(text)
    except ValueError as exc:
        raise serializers.ValidationError(str(exc)) from exc


class BalancesQuery(serializers.Serializer):
    year = serializers.CharField(required=False, max_length=20,
                                 help_text="The financial year, e.g. 2024-25; the fund's latest by default.")
    up_to_month = serializers.IntegerField(required=False, min_value=1, max_value=12, default=12)

    def validate_year(self, value: str) -> FinancialYear:
        return _year(value)


class FundBalances(Endpoint):
    query_class = BalancesQuery

    @extend_schema(summary="Each account's balance for a year to date (the trial balance)", tags=["funds"],
                   parameters=[BalancesQuery], responses=BalancesSerializer)
    def get(self, request, pk: int):
        fund = fund_or_404(request, pk)
        wanted = self.query()
        years = fund_years(fund)
        year = wanted.get("year") or (years[-1] if years else FinancialYear.containing(fund.agreement.start_date))
        if year not in years:
            raise NotFound(f"The fund's ledger has no periods in {year.label}")
        rows = trial_balance(fund=fund, year=year, up_to_month=wanted["up_to_month"])
        return Response(BalancesSerializer({
            "fund_id": fund.pk, "year": year.label, "up_to_month": wanted["up_to_month"],
            "accounts": [{"account": account, "balance": pence} for account, pence in rows],
        }).data)


class LinesQuery(serializers.Serializer):
    period = serializers.CharField(required=False, max_length=20, help_text="A period, e.g. 2024-25/M06.")
    year = serializers.CharField(required=False, max_length=20, help_text="A financial year, e.g. 2024-25.")
    schedule = serializers.IntegerField(required=False, min_value=1, help_text="A schedule's id.")
    party = serializers.IntegerField(required=False, min_value=1, help_text="A partner's (party's) id.")
    cost_centre = serializers.CharField(required=False, max_length=50, allow_blank=True)
    search = serializers.CharField(required=False, max_length=200, allow_blank=True,
                                   help_text="Words in the description or the finance system's line id.")
    amount_pence = serializers.IntegerField(required=False, min_value=-MAX_PENCE, max_value=MAX_PENCE,
                                            help_text="Lines of this amount: a debit or credit when positive, a "
                                                      "credit when negative.")

    def validate_period(self, value: str) -> FinancialMonth:
        try:
            return FinancialMonth.parse(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate_year(self, value: str) -> FinancialYear:
        return _year(value)


class LedgerLines(ListEndpoint):
    query_class = LinesQuery

    @extend_schema(summary="The fund's ledger lines, filtered, in pages", tags=["funds"],
                   description="Lines in the order they were posted; follow `next` for the next page.",
                   parameters=[LinesQuery], responses=LedgerLineSerializer(many=True))
    def get(self, request, pk: int):
        fund = fund_or_404(request, pk)
        wanted = self.query()
        period = None
        if "period" in wanted:
            try:
                period = fund_period(fund=fund, label=wanted["period"].label)
            except fund.periods.model.DoesNotExist as exc:
                raise NotFound(f"The fund has no period {wanted['period'].label}") from exc
        lines = ledger_lines(
            fund=fund, period=period, year=wanted.get("year"), schedule_id=wanted.get("schedule"),
            party_id=wanted.get("party"), cost_centre=wanted.get("cost_centre", ""), search=wanted.get("search", ""),
            amount_pence=wanted.get("amount_pence"),
        )
        return self.page(lines, LedgerLineSerializer)

