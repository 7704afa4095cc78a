"""The home page as each person sees it today: their items, each linking to a page that opens for them; a plain word
when there is nothing; the ways to the main areas; Home and, for staff, the Django admin in the header. The data sit
at dates around today (``timezone.localdate()``), as a user's data would."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from s75.accounts.models import User
from s75.agreements.models import AgreementStatus
from s75.agreements.services import agreement_transition
from s75.budgets.services import instalments_generate
from s75.core.fiscal import FinancialYear
from s75.demo.services import demo_load
from s75.governance.models import BoardKind
from s75.governance.services import board_create, meeting_create, paper_add
from s75.home.selectors import home_sections
from s75.ledger.services import fund_open
from s75.settlement.services import settlement_run_create
from tests.factories import UserFactory, complete_agreement

from .conftest import Partnership, partnership, spend

pytestmark = pytest.mark.django_db


@pytest.fixture
def current(var_dir) -> Partnership:
    """A fund in force since the start of last financial year, for three years; last year's contributions (£535,000
    from each partner) overspent by the NHS partner's half of £230,000; its instalments all unpaid; a draft
    settlement of last year; a board meeting next week with a paper."""
    today = timezone.localdate()
    last_year = FinancialYear(FinancialYear.containing(today).start_year - 1)
    agreement = complete_agreement(approve=True, start_date=last_year.starts_on,
                                   end_date=FinancialYear(last_year.start_year + 3).starts_on - timedelta(days=1))
    for status in (AgreementStatus.APPROVED, AgreementStatus.IN_FORCE):
        agreement_transition(actor=None, agreement=agreement, to_status=status, reason="Agreed", on=last_year.starts_on)
    ours = partnership(fund_open(actor=None, agreement=agreement))
    spend(ours.fund, 1_300_000, year=last_year.start_year, month=1)
    instalments_generate(actor=None, agreement=agreement, party=ours.nhs, financial_year=last_year)
    settlement_run_create(actor=ours.manager, agreement=agreement, year=last_year)
    board = board_create(actor=None, name="Health and Wellbeing Board", kind=BoardKind.HEALTH_AND_WELLBEING,
                         organisation=ours.host.organisation, agreements=[agreement])
    meeting = meeting_create(actor=None, board=board, held_on=today + timedelta(days=7))
    paper_add(actor=None, meeting=meeting, title="Pooled budget outturn")
    return ours


def sections_of(person) -> dict[str, list]:
    return {section.key: section.items for section in home_sections(user=person, today=timezone.localdate())}


def test_each_role_sees_its_own_items_each_opening_for_them(client, current):
    expected = {
        current.manager: {"periods", "commentary", "recovery", "reports", "instalments"},
        current.nhs_finance: {"consent", "settlements", "instalments"},
        current.host_finance: {"settlements"},
        current.board_member: {"meetings"},
    }
    for person, kinds in expected.items():
        sections = sections_of(person)
        assert kinds <= set(sections), f"{person.groups.get()}: {set(sections)}"
        client.force_login(person)
        page = client.get(reverse("home:index")).content.decode()
        for items in sections.values():
            for item in items:
                assert f'href="{item.url}"' in page.replace("&amp;", "&")
                assert client.get(item.url).status_code == 200, item
    assert "Pooled budget outturn" in client.get(reverse("home:index")).content.decode()


def test_nothing_to_do_is_said_plainly_with_the_ways_to_the_main_areas(client, current):
    client.force_login(UserFactory(role="Auditor", organisation=current.nhs.organisation))
    response = client.get(reverse("home:index"))
    page = response.content.decode()
    assert response.status_code == 200 and "Nothing needs you now." in page
    for url in (reverse("agreements:list"), reverse("governance:board_list"),
                reverse("ledger:fund", args=[current.fund.pk])):
        assert f'href="{url}"' in page
    client.force_login(UserFactory(role="Auditor"))
    assert "None of your agreements has a pooled fund opened." in client.get(reverse("home:index")).content.decode()


def test_another_organisation_sees_none_of_it(client, current):
    stranger = UserFactory(role="Pooled fund manager")
    assert sections_of(stranger) == {}
    client.force_login(stranger)
    page = client.get(reverse("home:index")).content.decode()
    assert "Nothing needs you now." in page and f"/funds/{current.fund.pk}/" not in page


def test_the_header_has_home_and_for_staff_the_django_admin(client, current):
    client.force_login(current.manager)
    page = client.get(reverse("home:index")).content.decode()
    assert 'aria-current="page">Home</a>' in page
    assert "Django admin" not in page
    client.force_login(UserFactory(is_staff=True, is_superuser=True, organisation=None))
    page = client.get(reverse("agreements:list")).content.decode()
    assert f'href="{reverse("admin:index")}">Django admin</a>' in page
    assert client.get(reverse("admin:index")).status_code == 200


def test_signed_out_the_home_page_asks_to_sign_in(client):
    response = client.get(reverse("home:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_demo_users_home_pages_show_the_demos_work(client, var_dir):
    """Luton's 2013-16 fund has its months ended and open, its last month without commentary, the CCG's 2013-14
    overspend without consent or plan, its annual return not made; Bexley is in its notice period (whatever else its
    board's meeting dates make due); the Leicestershire Integration Executive's next meeting is arranged when the
    demo is loaded."""
    demo_load()
    expected = {
        "luton.manager": {"periods", "commentary", "recovery", "reports"},
        "blmk.finance": {"consent"},
        "leics.board": {"meetings"},
        "luton.finance": set(),
    }
    for username, kinds in expected.items():
        person = User.objects.get(username=username)
        sections = sections_of(person)
        assert set(sections) == kinds, username
        client.force_login(person)
        for items in sections.values():
            for item in items:
                assert client.get(item.url).status_code == 200, item
    assert "renewals" in sections_of(User.objects.get(username="bexley.commissioner"))
