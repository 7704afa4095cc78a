"""``bcf_simulate``: seeded plans for the reference data's HWB areas, reproducible and re-runnable."""

import pytest
from django.core.management import call_command

from s75.bcf.models import BcfYear, ExpenditureLine, Income, Plan
from s75.bcf.national import plan_rows
from s75.bcf.services import BcfError
from s75.bcf.simulate import bcf_simulate, reference_areas
from s75.organisations.models import Organisation, OrganisationKind

# Hartlepool (unitary), Essex (a county of 12 districts, served by three ICBs), North Yorkshire, Kent.
CODES = ["E06000001", "E10000012", "E10000023", "E10000016"]


def _figures() -> list[tuple]:
    plans = Plan.objects.order_by("hwb__ons_code")
    return [(plan.hwb.ons_code, plan.status,
             sorted(Income.objects.filter(plan=plan).values_list("source__code", "organisation__ods_code",
                                                                   "amount_pence")),
             list(ExpenditureLine.objects.filter(plan=plan).order_by("line_number").values_list(
                 "scheme_type__code", "area_of_spend__code", "commissioner", "provider_type__code", "source__code",
                 "planned_pence", "passed_to__ons_code"))) for plan in plans]


@pytest.fixture
def year(db) -> BcfYear:
    return BcfYear.objects.get(financial_year=2025)


def test_reference_has_every_upper_tier_area():
    areas, icbs = reference_areas()
    assert len(areas) == 152 and len(icbs) == 42
    essex = areas["E10000012"]
    assert len(essex.districts) == 12 and len(essex.icb_population) == 3


def test_plans_are_plausible(year):
    result = bcf_simulate(year=year, seed=7, codes=CODES)
    assert len(result.created) == 4 and result.kept == []
    for plan in Plan.objects.all():
        assert 10 <= plan.lines.count() <= 30
        assert plan.agreement.is_better_care_fund and plan.agreement.pooled_fund
    essex = Plan.objects.get(hwb__ons_code="E10000012")
    assert essex.agreement.parties.filter(organisation__kind=OrganisationKind.ICB).count() == 3
    assert Organisation.objects.filter(parent=essex.hwb, kind=OrganisationKind.DISTRICT_COUNCIL).count() == 12
    rows = plan_rows(plans=Plan.objects.all())
    # An NHS minimum of £75 to £95 a head of the registered population; Hartlepool has 97,271 people registered.
    hartlepool = next(row for row in rows if row.plan.hwb.ons_code == "E06000001")
    assert 97_271 * 7_500 <= hartlepool.nhs_minimum_pence <= 97_271 * 9_500


def test_same_seed_same_plans_and_a_second_run_keeps_them(year):
    bcf_simulate(year=year, seed=3, codes=CODES)
    first = _figures()
    again = bcf_simulate(year=year, seed=3, codes=CODES)
    assert again.created == [] and len(again.kept) == 4
    assert _figures() == first
    Plan.objects.all().delete()
    bcf_simulate(year=year, seed=3, codes=list(reversed(CODES)))
    assert _figures() == first
    Plan.objects.all().delete()
    bcf_simulate(year=year, seed=4, codes=CODES)
    assert _figures() != first


def test_some_plans_fail_a_check(year):
    bcf_simulate(year=year, seed=1, codes=sorted(reference_areas()[0])[:40])
    rows = plan_rows(plans=Plan.objects.all())
    assert 0 < sum(1 for row in rows if row.failing) < len(rows)


def test_unknown_area_refused(year):
    with pytest.raises(BcfError, match="E99999999 is not an upper-tier area"):
        bcf_simulate(year=year, seed=1, codes=["E99999999"])


def test_command_reports_progress_and_second_run(year, capsys):
    call_command("bcf_simulate", "--areas", "E06000001", "--year", "2025-26", "--seed", "2")
    call_command("bcf_simulate", "--areas", "E06000001", "--year", "2025-26", "--seed", "2")
    out = capsys.readouterr().out
    assert "1/1 Hartlepool" in out
    assert "1 simulated, 0 already there" in out and "0 simulated, 1 already there and kept" in out
