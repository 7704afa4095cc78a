"""The Better Care Fund plans and the consultations, read as their pages show them: a plan through
``bcf.selectors.plans_visible_to`` (NHS England sees every plan), a consultation's staff view through
``consultations.selectors.consultations_visible_to`` (the consulting partners' staff)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from s75.bcf.models import Plan
from s75.bcf.selectors import plan_get, plan_totals, plans_visible_to
from s75.consultations.models import Consultation
from s75.consultations.selectors import consultation_counts, consultation_get, consultations_visible_to
from s75.consultations.status import consultation_status

from .endpoint import Endpoint
from .pagination import ListEndpoint
from .serializers import MoneyField


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    hwb_id = serializers.IntegerField(help_text="The health and wellbeing board's area (an organisation).")
    hwb_name = serializers.CharField(source="hwb.name")
    financial_year = serializers.SerializerMethodField(help_text="e.g. 2024-25")
    agreement_id = serializers.IntegerField()
    status = serializers.CharField()

    def get_financial_year(self, plan) -> str:
        start = plan.year.financial_year
        return f"{start}-{(start + 1) % 100:02d}"


class PlanTotalsSerializer(serializers.Serializer):
    income = MoneyField()
    planned = MoneyField(help_text="The planned expenditure.")
    social_care = MoneyField(help_text="The planned expenditure on social care.")


class PlanDetailSerializer(PlanSerializer):
    narrative = serializers.CharField(allow_blank=True)
    totals = PlanTotalsSerializer()


class PlanList(ListEndpoint):
    @extend_schema(summary="The Better Care Fund plans you see", tags=["bcf"], responses=PlanSerializer(many=True))
    def get(self, request):
        return self.page(plans_visible_to(user=request.user), PlanSerializer)


class PlanDetail(Endpoint):
    @extend_schema(summary="One Better Care Fund plan, with its totals", tags=["bcf"], responses=PlanDetailSerializer)
    def get(self, request, pk: int):
        try:
            plan = plan_get(user=request.user, pk=pk)
        except Plan.DoesNotExist as exc:
            raise NotFound("No plan found") from exc
        return Response({**PlanSerializer(plan).data, "narrative": plan.narrative,
                         "totals": PlanTotalsSerializer(plan_totals(plan=plan)).data})


class ConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agreement_id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    status = serializers.SerializerMethodField(help_text="forthcoming, open, closed or outcome_published.")
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    outcome_published_at = serializers.DateTimeField(allow_null=True)

    def get_status(self, consultation) -> str:
        return str(consultation_status(consultation, now=timezone.now()).value)


class ConsultationDetailSerializer(ConsultationSerializer):
    summary = serializers.CharField()
    responses = serializers.DictField(child=serializers.IntegerField(), help_text="Responses counted by channel.")


class ConsultationList(ListEndpoint):
    @extend_schema(summary="The consultations of your organisation's agreements (staff's view)",
                   tags=["consultations"], responses=ConsultationSerializer(many=True))
    def get(self, request):
        return self.page(consultations_visible_to(user=request.user), ConsultationSerializer)


class ConsultationDetail(Endpoint):
    @extend_schema(summary="One consultation, with its responses counted (staff's view)", tags=["consultations"],
                   responses=ConsultationDetailSerializer)
    def get(self, request, pk: int):
        try:
            consultation = consultation_get(user=request.user, pk=pk)
        except Consultation.DoesNotExist as exc:
            raise NotFound("No consultation found") from exc
        return Response({**ConsultationSerializer(consultation).data, "summary": consultation.summary,
                         "responses": consultation_counts(consultation=consultation)})
