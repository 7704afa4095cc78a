"""The register of agreements a user's organisation is party to."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_lists_the_agreement_with_its_status_partners_term_and_next_key_date(manager_client, luton):
    page = manager_client.get(reverse("agreements:list")).content.decode()
    assert "Luton Section 75 and 76 Agreement" in page
    assert "luton-s75-s76-2013" in page
    assert '<strong class="govuk-tag govuk-tag--grey">Draft</strong>' in page
    assert "Luton Borough Council" in page and "NHS Luton Clinical Commissioning Group" in page
    assert "1 Apr 2013 to 31 Mar 2016" in page
    assert "Starts: 1 Apr 2013" in page
    assert "Create an agreement" in page


def test_an_agreement_in_force_past_its_renewal_alert_shows_renewal_due(manager_client, luton_in_force):
    page = manager_client.get(reverse("agreements:list")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">In force</strong>' in page
    assert "Renewal due" in page
    assert "Ends: 31 Mar 2016" in page


def test_filters_by_status(manager_client, luton):
    assert "Luton Section 75" in manager_client.get(reverse("agreements:list"), {"status": "draft"}).content.decode()
    page = manager_client.get(reverse("agreements:list"), {"status": "in_force"}).content.decode()
    assert "Luton Section 75" not in page
    assert "No agreements have this status." in page


def test_another_organisation_does_not_see_the_agreement(outsider_client, luton):
    page = outsider_client.get(reverse("agreements:list")).content.decode()
    assert "Luton" not in page
    assert "not a party to any agreement" in page


def test_a_board_member_sees_the_agreement_but_may_not_create_one(board_client, luton):
    page = board_client.get(reverse("agreements:list")).content.decode()
    assert "Luton Section 75 and 76 Agreement" in page
    assert "Create an agreement" not in page


def test_the_list_downloads_as_a_workbook(manager_client, luton):
    response = manager_client.get(reverse("agreements:list_xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="agreements.xlsx"'
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Title", "Reference", "Status", "Partners")
    assert rows[1][:4] == ("Luton Section 75 and 76 Agreement", "luton-s75-s76-2013", "Draft",
                           "Luton Borough Council; NHS Luton Clinical Commissioning Group")
    assert rows[1][4].date().isoformat() == "2013-04-01"
    assert sheet.freeze_panes == "A2"
