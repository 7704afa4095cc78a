"""The demo: four partnerships from the seeds with their real figures, users per role, and safe to run again."""

import copy
from datetime import date
from importlib import resources

import pytest
from django.core.management import call_command

from s75.agreements.document import agreement_document
from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import agreement_file_read
from s75.agreements.models import Agreement
from s75.agreements.selectors import agreement_list
from s75.budgets.selectors import financial_schedule
from s75.core.fiscal import FinancialYear
from s75.demo.bcf import AGREEMENT_FILES
from s75.demo.services import DEMO_FILES, DEMO_PASSWORD, demo_load
from s75.organisations.selectors import organisation_successors_as_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return demo_load()


def test_four_partnerships_in_their_states(demo):
    states = dict(Agreement.objects.values_list("reference", "status"))
    assert states == {
        "luton-s75-s76-2013": "ended",
        "leicestershire-bcf-2015": "ended",
        "leicestershire-bcf-2025": "draft",  # governs the Better Care Fund plan of 2025-26
        "bexley-s75-2021": "in_force",
        "hampshire-s75-care-at-home": "consultation",
    }


def test_luton_financial_schedule_is_the_seeds_to_the_pound(demo):
    luton = Agreement.objects.get(reference="luton-s75-s76-2013")
    schedule = financial_schedule(agreement=luton, year=FinancialYear(2013))
    assert [(row.title, row.amounts) for row in schedule.rows] == [
        ("Head of Adult Joint Commissioning", [4450000, 4450000]),
        ("Joint Equipment Store", [53500000, 53500000]),
        ("Integrated LD team", [47100000, 24400000]),
        ("LD Pooled Purchasing Budget", [205200000, 213000000]),
        ("LD NHS Purchasing Budget", [None, 54000000]),
    ]
    assert schedule.party_totals == [310250000, 349350000]
    assert schedule.total == 659600000
    assert luton.parties.get(is_host=False).requires_prior_agreement
    assert "prior agreement" in luton.prior_agreement_clause


def test_leicestershire_is_38_3_million_by_stream(demo):
    leics = Agreement.objects.get(reference="leicestershire-bcf-2015")
    assert leics.parties.count() == 3 and leics.host.organisation.ons_code == "E10000018"
    by_stream = {}
    for schedule in leics.schedules.all():
        for contribution in schedule.contributions.all():
            code = contribution.funding_stream.code
            by_stream[code] = by_stream.get(code, 0) + contribution.amount_pence
    assert by_stream == {"ccg-revenue": 3530000000, "dfg": 170000000, "social-care-capital": 130000000}
    assert financial_schedule(agreement=leics, year=FinancialYear(2015)).total == 3830000000


def test_bexley_ten_services_eighty_million_and_the_partner_is_now_the_icb(demo):
    bexley = Agreement.objects.get(reference="bexley-s75-2021")
    assert bexley.schedules.count() == 10
    assert financial_schedule(agreement=bexley, year=FinancialYear(2021)).total == 8000000000
    ccg = bexley.parties.get(is_host=False).organisation
    assert [o.ods_code for o in organisation_successors_as_at(organisation=ccg, as_at=date(2026, 11, 1))] == ["QKK"]
    assert bexley.consultation_closed_on == date(2021, 3, 4)


def test_hampshire_council_leads_for_five_ccgs(demo):
    hampshire = Agreement.objects.get(reference="hampshire-s75-care-at-home")
    assert hampshire.parties.filter(organisation__kind="ccg").count() == 5
    assert hampshire.schedules.get().lead_commissioner == hampshire.host
    assert hampshire.lead_commissioning and not hampshire.pooled_fund


def test_demo_users_see_their_own_partnerships(demo, django_user_model):
    def visible(username):
        user = django_user_model.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        return {a.reference for a in agreement_list(user=user)}

    assert visible("luton.manager") == {"luton-s75-s76-2013"}
    assert visible("blmk.finance") == {"luton-s75-s76-2013"}  # via NHS Luton CCG → BLMK ICB
    assert visible("bexley.commissioner") == {"bexley-s75-2021"}
    assert visible("leics.board") == {"leicestershire-bcf-2015", "leicestershire-bcf-2025"}
    assert visible("hants.manager") == {"hampshire-s75-care-at-home"}  # the lead commissioner's
    assert len(visible("admin")) == 5


def test_running_the_demo_again_is_safe(demo, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "Already loaded: luton-s75-s76-2013" in out and "luton.manager" in out
    assert Agreement.objects.count() == 5


@pytest.mark.parametrize("filename", (*DEMO_FILES, *AGREEMENT_FILES))
def test_each_demo_file_survives_export_and_load_unchanged(filename):
    document = agreement_file_read(resources.files("s75.demo").joinpath("data", filename))
    demo_load()  # the predecessor PCT and the other partnerships, as on a demo site
    exported = agreement_document(agreement=Agreement.objects.get(reference=document["agreement"]["reference"]))
    # Move the loaded one aside (the test's transaction is rolled back) so the file can load under its reference.
    Agreement.objects.filter(reference=exported["agreement"]["reference"]).update(reference="moved-aside")
    reloaded = agreement_load(actor=None, document=copy.deepcopy(exported))
    assert agreement_document(agreement=reloaded) == exported


def test_lutons_fund_holds_its_2013_14_ledger_through_the_real_import(demo):
    from django.db.models import Sum

    from s75.demo.services import LUTON_OUTTURN_2013_14
    from s75.ledger.models import Balance

    luton = Agreement.objects.get(reference="luton-s75-s76-2013")
    [posted] = luton.fund.imports.filter(status="posted")
    assert (posted.rows_total, posted.rows_posted) == (120, 120)
    spend = dict(
        Balance.objects.filter(fund=luton.fund, account__role="expenditure", period__financial_year=2013)
        .values_list("account__schedule__number").annotate(total=Sum("amount_pence"))
    )
    assert spend == LUTON_OUTTURN_2013_14
    demo_load()
    assert luton.fund.imports.count() == 1
