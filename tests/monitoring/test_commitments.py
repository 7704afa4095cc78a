"""The commitments forecast and the partners' purchases come from the lead commissioner's care packages: by
schedule for the forecast, by partner for the dashboard, each worked by hand, and each partner's figure equal to
the sum of its recharge statements."""

from datetime import date
from decimal import Decimal

import pytest

from s75.commissioning.models import RateUnit
from s75.commissioning.recharges import dispute_mark
from s75.commissioning.selectors import recharge_statement, year_purchases
from s75.commissioning.services import ShareSpec, package_create, package_end
from s75.core.fiscal import FinancialMonth, FinancialYear
from s75.monitoring.models import ForecastMethod
from s75.monitoring.selectors import monitoring_report
from s75.monitoring.services import schedule_forecast_set
from tests.commissioning.conftest import place

pytestmark = pytest.mark.django_db
YEAR = FinancialYear(2024)


@pytest.fixture
def packages(contract, host, nhs):
    """PKG-A: £200 a week (10 hours at £20) from Monday 1 April 2024, funded by the NHS partner. PKG-B: £700 a
    week from Tuesday 1 October to 31 December 2024, shared half and half by the council and the NHS partner."""
    first = place(contract, "PKG-A", [(nhs, 10_000)])
    second = package_create(actor=None, contract=contract, reference="PKG-B", unit=RateUnit.WEEK,
                            effective_from=date(2024, 10, 1), pence_per_unit=700_00, units_per_week=Decimal(1),
                            funding=[ShareSpec(host, 5_000), ShareSpec(nhs, 5_000)])
    package_end(actor=None, package=second, end_date=date(2024, 12, 31), end_reason="no_longer_needed")
    return first, second


def test_the_commitments_forecast_adds_the_packages_after_the_month_by_schedule(fund, schedule, spent, packages):
    schedule_forecast_set(actor=None, schedule=schedule, financial_year=2024, month=6,
                          method=ForecastMethod.COMMITMENTS)
    line = monitoring_report(agreement=fund.agreement, year=YEAR, month=6).schedules[0]
    # After 30 September 2024 to 31 March 2025: PKG-A's 182 days are 26 whole weeks of £200, £5,200; PKG-B's 92
    # days to 31 December are 13 weeks of £700 and a day, a seventh of a week, £100: £9,200.
    assert line.method == ForecastMethod.COMMITMENTS
    assert line.forecast == 90_000_00 + 5_200_00 + 9_200_00


def test_each_partner_has_what_was_bought_for_it_to_date_and_what_is_committed(fund, packages, host, nhs):
    partners = {line.party: line for line in monitoring_report(agreement=fund.agreement, year=YEAR,
                                                               month=6).partners}
    # To 30 September: PKG-A's 183 days are 26 weeks and a day; £200 split over seven days by the largest
    # remainder is 2,858p for its first day and 2,857p for each of the others, and day 183 is a first day.
    assert partners[nhs].bought_to_date == 26 * 200_00 + 2_858
    assert partners[host].bought_to_date == 0
    # After it: PKG-A's £5,200, and PKG-B's £9,200 half each (£3,100, £3,000 and £3,100 a month, split evenly).
    assert partners[nhs].committed == 5_200_00 + 4_600_00
    assert partners[host].committed == 4_600_00
    purchases = year_purchases(agreement=fund.agreement, year=YEAR, month=6)
    assert sum(purchases.committed.values()) == sum(purchases.schedule_committed.values()) == 14_400_00


def test_a_year_without_packages_shows_none(fund, spent):
    report = monitoring_report(agreement=fund.agreement, year=YEAR, month=6)
    assert not report.has_packages
    assert {(line.bought_to_date, line.committed) for line in report.partners} == {(0, 0)}


def _months(year, last):
    return [FinancialMonth(year, number) for number in range(1, last + 1)]


def test_what_was_bought_for_each_partner_is_the_sum_of_its_statements(fund, packages, host, nhs):
    first, _ = packages
    dispute_mark(actor=None, package=first, party=nhs, month=FinancialMonth(YEAR, 3), reason="Hours not delivered")
    partners = {line.party: line for line in monitoring_report(agreement=fund.agreement, year=YEAR,
                                                               month=12).partners}
    for party in (host, nhs):
        statements = [recharge_statement(agreement=fund.agreement, party=party, month=month)
                      for month in _months(YEAR, 12)]
        own_months = sum(line.amount_pence for statement in statements for line in statement.lines
                         if line.cost_month == statement.month)
        assert partners[party].bought_to_date == own_months
        assert partners[party].committed == 0  # at M12 nothing is left of the year
        # A disputed line is bought all the same: it is held back from the statements' totals until resolved.
        disputed = sum(statement.disputed_pence for statement in statements if statement.month.month == 3)
        assert partners[party].bought_to_date == sum(statement.total_pence for statement in statements) + disputed
    # The council's half of PKG-B: £9,200 / 2. The NHS partner's: PKG-A's whole year (52 weeks and a day) and half.
    assert partners[host].bought_to_date == 4_600_00
    assert partners[nhs].bought_to_date == 52 * 200_00 + 2_858 + 4_600_00
