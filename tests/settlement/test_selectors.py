"""The year gathered from the ledger, the contributions and the receipts, and DESIGN.md §6 applied to it."""

import pytest

from s75.core.fiscal import FinancialYear
from s75.monitoring.services import schedule_forecast_set
from s75.settlement.selectors import SettlementUnavailable, settlement_compute, settlement_inputs, settlement_results
from s75.settlement.services import settlement_run_create
from tests.settlement.conftest import terms_changed

YEAR = FinancialYear(2013)


def by_name(results):
    return {partner["name"].split()[0]: partner for partner in results["partners"]}


def test_luton_from_its_ledger_is_design_section_6_to_the_penny(luton):
    inputs = settlement_inputs(agreement=luton, year=YEAR)
    assert [schedule["outturn"] for schedule in inputs["schedules"]] == [
        89_000_00, 1_130_000_00, 700_000_00, 4_300_000_00, 520_000_00]
    results = settlement_compute(inputs=inputs)
    council, ccg = by_name(results)["Luton"], by_name(results)["NHS"]
    assert (council["received"], ccg["received"]) == (3_102_500_00, 3_493_500_00)
    assert council["overspend_share"] - council["underspend_share"] == 78_018_45
    assert ccg["overspend_share"] - ccg["underspend_share"] == 64_981_55
    assert ccg["final_share_of_spend"] == 3_558_481_55
    assert (council["net_payment"], ccg["net_payment"]) == (-78_018_45, -64_981_55)
    shares = {line["number"]: (line["overspend_share"], line["underspend_share"]) for line in council["schedules"]}
    assert shares == {1: (0, 0), 2: (30_000_00, 0), 3: (0, 9_881_12), 4: (57_899_57, 0)}
    assert results["payments"] == [{"payer": ccg["id"], "payer_name": ccg["name"], "payee": council["id"],
                                    "payee_name": council["name"], "amount": 64_981_55}]
    assert results["check"]["holds"]
    assert (results["reserve_used"], results["unfunded_overspend"]) == (0, 0)


def test_the_forecast_outturn_is_the_latest_months_forecast(luton):
    store = luton.schedules.get(number=2)
    schedule_forecast_set(actor=None, schedule=store, financial_year=2013, month=12, method="",
                          amount_pence=1_200_000_00)
    inputs = settlement_inputs(agreement=luton, year=YEAR, outturn="forecast")
    assert inputs["as_at_month"] == 12
    assert inputs["schedules"][1]["outturn"] == 1_200_000_00


def test_the_funds_own_terms_are_used_and_kept_with_the_inputs(luton):
    terms_changed(luton, overspend_rule="pool_share",
                         underspend_rule="contribution_share", offset_first=True)
    inputs = settlement_inputs(agreement=luton, year=YEAR)
    assert inputs["terms"]["rules"]["overspend"] == "pool_share" and inputs["terms"]["offset_first"]
    results = by_name(settlement_compute(inputs=inputs))
    assert (results["Luton"]["overspend_share"], results["NHS"]["overspend_share"]) == (67_261_60, 75_738_40)


def test_spend_outside_the_agreement_is_the_hosts(luton):
    inputs = settlement_inputs(agreement=luton, year=YEAR, outside_agreement={2: 12_000_00})
    results = by_name(settlement_compute(inputs=inputs))
    assert results["Luton"]["outside_agreement"] == 12_000_00
    assert results["Luton"]["final_share_of_spend"] - results["Luton"]["contributions"] == 78_018_45 + 6_000_00
    assert results["NHS"]["final_share_of_spend"] - results["NHS"]["contributions"] == 64_981_55 - 6_000_00


def test_a_year_that_cannot_be_settled_says_why(luton):
    with pytest.raises(SettlementUnavailable, match="no partner contributes to the fund in 2019-20"):
        settlement_inputs(agreement=luton, year=FinancialYear(2019))
    with pytest.raises(SettlementUnavailable, match="no monitoring for 2014-15"):
        settlement_inputs(agreement=luton, year=FinancialYear(2014), outturn="forecast")
    with pytest.raises(SettlementUnavailable, match="schedule 9, which the agreement does not have"):
        settlement_inputs(agreement=luton, year=YEAR, outside_agreement={9: 1})


def _as_format_1(results: dict) -> dict:
    """Results as runs kept them before the format had a number: the underspend returned apart from the part
    carried forward, and aligned variance and spend outside the agreement apart from the shares."""
    partners = []
    for partner in results["partners"]:
        lines = [{"number": line["number"], "title": line["title"], "contribution": line["contribution"],
                  "overspend_share": line["overspend_share"] - max(line["own_variance"], 0) - line["outside_agreement"],
                  "underspend_share": line["underspend_share"] - max(-line["own_variance"], 0)
                  - line["carried_forward"],
                  "carried_forward": line["carried_forward"], "own_variance": line["own_variance"],
                  "outside_agreement": line["outside_agreement"], "share_of_spend": line["share_of_spend"]}
                 for line in partner["schedules"]]
        partners.append({
            "id": partner["id"], "name": partner["name"], "is_host": partner["is_host"],
            "contributions": partner["contributions"], "received": partner["received"],
            "overspend_share": partner["overspend_share"] - partner["own_overspend"] - partner["outside_agreement"],
            "cap_adjustment": partner["cap_adjustment"], "underspend_share": partner["underspend_returned"],
            "carried_forward": partner["carried_forward"],
            "own_variance": partner["own_overspend"] - partner["own_underspend"],
            "outside_agreement": partner["outside_agreement"], "final_share_of_spend": partner["final_share_of_spend"],
            "net_payment": partner["net_payment"], "schedules": lines,
        })
    return {key: value for key, value in results.items() if key != "format"} | {"partners": partners}


def test_a_run_kept_in_the_first_format_reads_with_the_same_figures(luton_capped):
    run = settlement_run_create(actor=None, agreement=luton_capped, year=FinancialYear(2013),
                                outside_agreement={2: 1_000_00})
    current = settlement_results(run=run)
    assert current["partners"][0]["outside_agreement"] == 1_000_00 and current["partners"][1]["own_underspend"]
    run.results = _as_format_1(run.results)
    assert run.results["partners"][1]["underspend_share"] == 0  # the CCG's share was all carried or aligned
    assert settlement_results(run=run) == current
