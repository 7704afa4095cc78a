"""Hampshire's lead commissioner records more hours for a care package from 1 April 2019 and sees the partner's
April 2019 recharge statement (the month after the last one posted) move by what the extra hours cost; the
package, statement and import pages pass axe."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from s75.commissioning.costing import Terms, cost_between, month_days, weekly_pence
from s75.commissioning.models import Package, RateUnit
from s75.commissioning.selectors import recharge_statement
from s75.core.fiscal import FinancialMonth, FinancialYear
from s75.core.money import format_gbp
from tests.browser.axe import axe_violations

ARTIFACTS = Path("test-artifacts")
APRIL_2019 = FinancialMonth(FinancialYear(2019), 1)


def _running_hourly_package() -> Package:
    """A package of the demo paid by the hour, funded by one partner, running through April 2019 unchanged."""
    for package in (Package.objects.filter(agreement__reference="hampshire-s75-care-at-home", unit=RateUnit.HOUR,
                                           end_date__isnull=True).order_by("reference")):
        if package.funding.count() == 1 and package.versions.count() == 1:
            return package
    raise AssertionError("the demo has no running hourly package")


@pytest.mark.browser
def test_the_lead_commissioner_records_more_hours_and_the_next_recharge_moves(live_server, page):
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo", verbosity=0)
    ARTIFACTS.mkdir(exist_ok=True)
    package = _running_hourly_package()
    version, party = package.versions.get(), package.funding.get().party
    before = recharge_statement(agreement=package.agreement, party=party, month=APRIL_2019).total_pence
    more = version.units_per_week + Decimal(7)
    first, last = month_days(APRIL_2019)
    # April's days at seven more hours a week from 1 April, less what they cost before: the statement's move.
    extra = (cost_between([Terms(first, weekly_pence(version.pence_per_unit, more))], None, first, last)
             - cost_between([Terms(version.effective_from, weekly_pence(version.pence_per_unit,
                                                                         version.units_per_week))], None, first, last))
    statement_url = reverse("commissioning:statement", args=[package.agreement_id, party.pk, APRIL_2019])

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("hants.manager")
    page.get_by_label("Password").fill("s75-demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Agreements").click()
    page.get_by_role("main").get_by_role("link", name="Hampshire").click()
    page.get_by_role("link", name="Care packages and recharge statements").click()
    page.get_by_label("Package reference contains").fill(package.reference)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=package.reference, exact=True).click()
    page.get_by_role("link", name=party.name_in_agreement, exact=True).click()
    page.get_by_label("Show the statement for another month").select_option(APRIL_2019.label)
    page.get_by_role("button", name="Show").click()
    total = page.locator("tfoot td.govuk-table__cell--numeric")
    assert total.inner_text() == format_gbp(before, show_pence=True)
    violations = [f"{violation} (statement)" for violation in axe_violations(page)]

    page.get_by_role("link", name=package.reference).first.click()
    violations += [f"{violation} (package)" for violation in axe_violations(page)]
    fields = page.get_by_role("group", name="The change takes effect from")
    fields.get_by_label("Day").fill("1")
    fields.get_by_label("Month").fill("4")
    fields.get_by_label("Year").fill("2019")
    page.get_by_label("Rate a unit").fill(f"{version.pence_per_unit / 100:.2f}")
    page.get_by_label("Units a week").fill(str(more))
    page.get_by_role("button", name="Record the change").click()
    page.get_by_text(f"The change to {package.reference} from 1 April 2019 was recorded").wait_for()
    page.screenshot(path=ARTIFACTS / "hampshire-package-change.png", full_page=True)

    page.goto(live_server.url + statement_url)
    assert extra > 0
    assert total.inner_text() == format_gbp(before + extra, show_pence=True)
    page.screenshot(path=ARTIFACTS / "hampshire-recharge-moved.png", full_page=True)

    page.goto(live_server.url + reverse("commissioning:import", args=[package.agreement_id]))
    violations += [f"{violation} (import)" for violation in axe_violations(page)]
    assert violations == []
