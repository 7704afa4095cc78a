"""The demo's Better Care Fund: the year lists, NHS England, Leicestershire's 2025-26 agreement, and Leicestershire's
plans (``data/bcf-*.yaml``): 2015-16 through its whole lifecycle to closed, 2025-26 a draft with a failing check.
Everything goes through the services; what is already there is left as it is."""

from datetime import date
from decimal import Decimal
from importlib import resources

import yaml

from s75.accounts.models import User
from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import agreement_file_read
from s75.agreements.models import Agreement
from s75.bcf.models import BcfYear, ListName, Plan, PlanStatus
from s75.bcf.services import (
    ConditionRow,
    IncomeRow,
    LineRow,
    MetricRow,
    PlanContents,
    allocation_set,
    bcf_lists_load,
    metric_actual_record,
    plan_contents_replace,
    plan_create,
    plan_move,
    plan_sign_off,
)
from s75.core.fiscal import FinancialYear
from s75.core.money import parse_pence
from s75.organisations.models import OrganisationKind
from s75.organisations.selectors import organisation_get_by_code
from s75.organisations.services import organisation_upsert

NHS_ENGLAND_CODE = "X24"
AGREEMENT_FILES = ("leicestershire-bcf-2025.yaml",)
PLAN_FILES = ("bcf-leicestershire-2015-16.yaml", "bcf-leicestershire-2025-26.yaml")


def _data(filename: str) -> dict:
    return yaml.safe_load(resources.files("s75.demo").joinpath("data", filename).read_text("utf-8"))


def bcf_lists_demo_load() -> None:
    """The packaged year lists, when a year of them is missing (``s75 bcf-lists`` brings them up to date)."""
    document = yaml.safe_load(resources.files("s75.bcf").joinpath("data", "lists.yaml").read_text("utf-8"))
    wanted = {FinancialYear.parse(entry["year"]).start_year for entry in document["years"]}
    if wanted - set(BcfYear.objects.values_list("financial_year", flat=True)):
        bcf_lists_load(actor=None, document=document)


def nhs_england_demo_load() -> None:
    """NHS England, whose Better Care Fund team assures the plans."""
    organisation_upsert(actor=None, kind=OrganisationKind.NHS_ENGLAND, name="NHS England", ods_code=NHS_ENGLAND_CODE)


def _contents(spec: dict, plan: Plan) -> PlanContents:
    items = {(item.list, item.code): item for item in plan.year.items.all()}
    schedules = {schedule.number: schedule for schedule in plan.agreement.schedules.all()}

    def item(list_name: str, code: str | None):
        return items[(list_name, code)] if code else None

    def decimal(text) -> Decimal | None:
        return Decimal(str(text)) if text is not None else None

    lines = [
        LineRow(
            scheme_id=row["scheme_id"], scheme_name=row["scheme_name"], description=row.get("description", ""),
            scheme_type=item(ListName.SCHEME_TYPE, row["scheme_type"]),
            sub_type=item(ListName.SUB_TYPE, row.get("sub_type")),
            area_of_spend=item(ListName.AREA_OF_SPEND, row["area_of_spend"]), commissioner=row["commissioner"],
            nhs_percent=decimal(row.get("nhs_percent")), la_percent=decimal(row.get("la_percent")),
            provider_type=item(ListName.PROVIDER_TYPE, row["provider_type"]),
            source=item(ListName.SOURCE, row["source"]), planned_pence=parse_pence(row["amount"]),
            new_or_existing=row["new_or_existing"], schedule=schedules[row["schedule"]],
            outputs=decimal(row.get("outputs")), output_unit=row.get("output_unit", ""),
            passed_to=organisation_get_by_code(code=row["passed_to"]) if row.get("passed_to") else None,
        )
        for row in spec["lines"]
    ]
    return PlanContents(
        income=[IncomeRow(source=item(ListName.SOURCE, row["source"]),
                          organisation=organisation_get_by_code(code=row["organisation"]),
                          amount_pence=parse_pence(row["amount"])) for row in spec["income"]],
        lines=lines,
        conditions=[ConditionRow(condition=item(ListName.NATIONAL_CONDITION, row["condition"]),
                                 confirmed=row["confirmed"], comment=row["comment"]) for row in spec["conditions"]],
        metrics=[MetricRow(metric=item(ListName.METRIC, row["metric"]), quarter=quarter, planned=Decimal(planned))
                 for row in spec["metrics"] for quarter, planned in enumerate(row["planned"], start=1)],
        narrative=spec["plan"]["narrative"],
    )


def _plan_load(spec: dict) -> None:
    hwb = organisation_get_by_code(code=spec["plan"]["hwb"])
    year = BcfYear.objects.get(financial_year=FinancialYear.parse(spec["plan"]["year"]).start_year)
    if Plan.objects.filter(hwb=hwb, year=year).exists():
        return
    agreement = Agreement.objects.get(reference=spec["plan"]["agreement"])
    manager = User.objects.get(username="leics.manager")
    allocation_set(actor=manager, hwb=hwb, year=year, nhs_minimum_pence=parse_pence(spec["allocation"]["nhs_minimum"]),
                   asc_minimum_pence=parse_pence(spec["allocation"]["asc_minimum"]))
    plan = plan_create(actor=manager, hwb=hwb, year=year, agreement=agreement)
    plan = plan_contents_replace(actor=manager, plan=plan, contents=_contents(spec, plan))
    lifecycle = spec["lifecycle"]
    if lifecycle["sign_off"]:
        plan = plan_sign_off(actor=manager, plan=plan,
                             decision=agreement.decisions.get(minute_reference=lifecycle["sign_off"]))
    for move in lifecycle["moves"]:
        plan = plan_move(actor=User.objects.get(username=move["by"]), plan=plan, to_status=move["to"],
                         reason=move["reason"], on=date.fromisoformat(move["date"]))
        if plan.status == PlanStatus.IN_DELIVERY:
            _actuals_report(spec, plan, manager)


def _actuals_report(spec: dict, plan: Plan, actor) -> None:
    metrics = {item.code: item for item in plan.year.items.filter(list=ListName.METRIC)}
    for row in spec["metrics"]:
        for quarter, actual in enumerate(row.get("actual", []), start=1):
            metric_actual_record(actor=actor, plan=plan, metric=metrics[row["metric"]], quarter=quarter,
                                 actual=Decimal(actual))


def bcf_demo_load() -> None:
    """Leicestershire's 2025-26 agreement and its two plans (the users and the governance must be loaded first)."""
    for filename in AGREEMENT_FILES:
        document = agreement_file_read(resources.files("s75.demo").joinpath("data", filename))
        if not Agreement.objects.filter(reference=document["agreement"]["reference"]).exists():
            agreement_load(actor=None, document=document)
    for filename in PLAN_FILES:
        _plan_load(_data(filename))
