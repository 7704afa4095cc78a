"""The settlement pages: compute a draft, each finance lead approves, the run becomes final; statements download;
a 404 for another organisation and a 403 for one without the permission."""

from django.urls import reverse

from s75.accounts.models import User
from s75.settlement.models import SettlementRun, SettlementStatus
from tests.factories import UserFactory


def test_a_manager_computes_and_the_finance_leads_approve(client, luton, finance_leads):
    fund = luton.fund
    client.force_login(User.objects.get(username="luton.manager"))
    listing = reverse("settlement:list", args=[fund.pk])
    assert "No settlement has been computed yet" in client.get(listing).content.decode()
    response = client.post(listing, {"year": "2013-14", "outturn": "actual"}, follow=True)
    page = response.content.decode()
    assert "Version 1 of the 2013-14 settlement was computed" in page
    # Each partner's net payment in words; the host, which holds the pool, makes no payment to itself.
    assert "Pays the host £64,981.55" in page and "Host: no payment" in page
    assert ("Luton Borough Council is the host and holds the pool, so it makes no payment to itself: its final share "
            "of spend and the part carried forward come to £78,018.45 more than it has paid in") in page
    assert "NHS Luton / Luton Clinical Commissioning Group pays Luton Borough Council £64,981.55" in page
    run = SettlementRun.objects.get()
    for party in luton.parties.order_by("position"):
        client.force_login(finance_leads[party.pk])
        page = client.get(reverse("settlement:run", args=[fund.pk, run.pk])).content.decode()
        assert f"Approve for {party.display_name}" in page
        response = client.post(reverse("settlement:approve", args=[fund.pk, run.pk, party.pk]), follow=True)
    assert "every partner has approved, so the settlement is final" in response.content.decode()
    run.refresh_from_db()
    assert run.status == SettlementStatus.FINAL and run.settlement_entry_id is not None
    pdf = client.get(reverse("settlement:pdf", args=[fund.pk, run.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("settlement:xlsx", args=[fund.pk, run.pk])).status_code == 200


def test_the_form_says_what_is_wrong(client, luton):
    client.force_login(User.objects.get(username="luton.manager"))
    response = client.post(reverse("settlement:list", args=[luton.fund.pk]),
                           {"year": "2019-20", "outturn": "actual", "outside_2": "£1,2x"})
    page = response.content.decode()
    assert response.status_code == 200 and not SettlementRun.objects.exists()
    assert "There is a problem" in page


def test_a_finance_lead_approves_only_for_their_own_partner(client, luton, finance_leads):
    council, ccg = luton.parties.order_by("position")
    client.force_login(User.objects.get(username="luton.manager"))
    client.post(reverse("settlement:list", args=[luton.fund.pk]), {"year": "2013-14", "outturn": "actual"})
    run = SettlementRun.objects.get()
    client.force_login(finance_leads[council.pk])
    page = client.get(reverse("settlement:run", args=[luton.fund.pk, run.pk])).content.decode()
    assert f"Approve for {ccg}" not in page
    response = client.post(reverse("settlement:approve", args=[luton.fund.pk, run.pk, ccg.pk]), follow=True)
    assert "Only a finance lead of NHS Luton" in response.content.decode()
    assert not run.approvals.exists()


def test_others_see_nothing_and_non_managers_compute_nothing(client, luton):
    listing = reverse("settlement:list", args=[luton.fund.pk])
    client.force_login(UserFactory(role="Pooled fund manager"))
    assert client.get(listing).status_code == 404
    client.force_login(User.objects.get(username="luton.auditor"))
    assert client.get(listing).status_code == 200
    assert client.post(listing, {"year": "2013-14", "outturn": "actual"}).status_code == 403


def test_the_year_is_chosen_from_the_funds_years(client, luton):
    client.force_login(User.objects.get(username="luton.manager"))
    listing = reverse("settlement:list", args=[luton.fund.pk])
    page = client.get(listing).content.decode()
    select = page[page.index('<select class="govuk-select" id="id_year" name="year"'):page.index("</select>")]
    assert [option.split('"')[1] for option in select.split('<option value=')[1:]] == [
        "2013-14", "2014-15", "2015-16"]
    assert '<option value="2015-16" selected>' in select, "the latest year begun"
    response = client.post(listing, {"year": "2019-20", "outturn": "actual"})
    assert "Select one of the fund&#x27;s financial years" in response.content.decode()
    assert not SettlementRun.objects.exists()
