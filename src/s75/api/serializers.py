"""What the API says of each thing, as JSON: money as whole pence with the amount written out (``core.money``),
dates and times in ISO 8601, choices as their code with their words beside them."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from s75.core.money import format_gbp


class MoneySerializer(serializers.Serializer):
    pence = serializers.IntegerField(help_text="The amount in whole pence; negative for a credit or a shortfall.")
    formatted = serializers.CharField(help_text="The amount written out, e.g. ‘£1,234.56’ or ‘(£12.00)’.")


@extend_schema_field(MoneySerializer)
class MoneyField(serializers.Field):
    """An amount in pence, given as ``{"pence": 123456, "formatted": "£1,234.56"}``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return {"pence": value, "formatted": format_gbp(value, show_pence=True)}


def money(pence: int) -> dict:
    return MoneyField().to_representation(pence)


class ProblemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="Where the problem is (a field, a path in a file, a row "
                                                           "and column), or null for the request as a whole.")
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """Every refusal: what went wrong in a sentence, and for a 400 each problem where it is."""

    detail = serializers.CharField()
    problems = ProblemSerializer(many=True, required=False)


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    ods_code = serializers.CharField(allow_null=True)
    ons_code = serializers.CharField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)


class PartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation_id = serializers.IntegerField()
    name_in_agreement = serializers.CharField()
    is_host = serializers.BooleanField()
    requires_prior_agreement = serializers.BooleanField()


class ScheduleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    funding_type = serializers.CharField()


class AgreementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    pooled_fund = serializers.BooleanField()
    is_better_care_fund = serializers.BooleanField()
    parties = PartySerializer(many=True, source="parties.all")


class AgreementDetailSerializer(AgreementSerializer):
    summary = serializers.CharField()
    schedules = ScheduleSerializer(many=True, source="schedules.all")
    fund_id = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.INT)
    def get_fund_id(self, agreement) -> int | None:
        fund = getattr(agreement, "fund", None)
        return fund.pk if fund is not None else None


class AgreementFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="An agreement file (docs/agreement-file.md): YAML, or JSON when its name "
                                           "ends .json.")


class FundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    agreement_id = serializers.IntegerField()
    agreement_title = serializers.CharField(source="agreement.title")


class BalanceSerializer(serializers.Serializer):
    account_id = serializers.IntegerField(source="account.pk")
    code = serializers.CharField(source="account.code")
    name = serializers.CharField(source="account.name")
    kind = serializers.CharField(source="account.kind")
    role = serializers.CharField(source="account.role")
    schedule_id = serializers.IntegerField(source="account.schedule_id", allow_null=True)
    party_id = serializers.IntegerField(source="account.party_id", allow_null=True)
    balance = MoneyField()


class BalancesSerializer(serializers.Serializer):
    fund_id = serializers.IntegerField()
    year = serializers.CharField(help_text="The financial year, e.g. 2024-25.")
    up_to_month = serializers.IntegerField(help_text="The balances are of months M01 to this one.")
    accounts = BalanceSerializer(many=True)


class LedgerLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entry_id = serializers.IntegerField()
    period = serializers.SerializerMethodField(help_text="The period, e.g. 2024-25/M06.")
    account_id = serializers.IntegerField()
    account_code = serializers.CharField(source="account.code")
    schedule_id = serializers.IntegerField(source="account.schedule_id", allow_null=True)
    party_id = serializers.IntegerField(source="account.party_id", allow_null=True)
    amount = MoneyField(source="amount_pence", help_text="Positive a debit, negative a credit.")
    posting_date = serializers.DateField(allow_null=True)
    cost_centre = serializers.CharField()
    subjective = serializers.CharField()
    description = serializers.SerializerMethodField()
    source_line_id = serializers.CharField(allow_null=True)

    def get_period(self, line) -> str:
        period = line.period
        return f"{period.financial_year}-{(period.financial_year + 1) % 100:02d}/M{period.number:02d}"

    def get_description(self, line) -> str:
        return line.description or line.entry.description


class ColumnMappingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    columns = serializers.DictField(child=serializers.CharField(),
                                    help_text="Each field (posting_date, cost_centre, …) → its column's heading.")


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A general-ledger export: CSV (UTF-8) or Excel (.xlsx).")
    mapping = serializers.IntegerField(help_text="The id of one of the fund's column mappings.")
    dry_run = serializers.BooleanField(default=False, help_text="Check the file only: post nothing.")


class ImportProgressSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed", "stopped"])
    finished = serializers.BooleanField()
    text = serializers.CharField()
    failure = serializers.CharField(allow_blank=True)
    stage = serializers.CharField(allow_null=True)
    done = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(allow_null=True)
    rate = serializers.FloatField(allow_null=True, help_text="Rows a second.")
    seconds_left = serializers.FloatField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)


class ImportRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fund_id = serializers.IntegerField()
    filename = serializers.CharField()
    mapping_id = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    progress = ImportProgressSerializer()
    result = serializers.ChoiceField(
        choices=["posted", "rejected", "checked", "held"], allow_null=True,
        help_text="How the import ended, once it has: posted; rejected (see its problems); checked (a dry run that "
                  "found the file good); held (good, but with lines in a year with no budget).")
    rows_total = serializers.IntegerField(allow_null=True)
    rows_posted = serializers.IntegerField(allow_null=True)
    total = MoneyField(allow_null=True)
    problems_count = serializers.IntegerField()
    ledger_import_id = serializers.IntegerField(allow_null=True)


class ImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_blank=True)
    value = serializers.CharField(allow_blank=True)
    problem = serializers.CharField()


class LedgerImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    sha256 = serializers.CharField()
    mapping_name = serializers.CharField()
    status = serializers.CharField()
    rows_total = serializers.IntegerField()
    rows_posted = serializers.IntegerField()
    rows_already_posted = serializers.IntegerField()
    total = MoneyField(source="total_pence")
    problems_count = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()

    def get_problems_count(self, record) -> int:
        return len(record.problems)
