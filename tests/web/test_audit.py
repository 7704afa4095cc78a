"""The audit trail of an agreement: newest first, for those whose role lets them read it."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_lists_the_agreements_changes_newest_first(manager_client, luton_in_force):
    response = manager_client.get(reverse("agreements:audit", args=[luton_in_force.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Signed by both partners") < page.index("Approved by both partners")
    assert "<strong>status</strong>: approved → in_force" in page
    assert "Maud O&#x27;Leary" in page
    rows = page[page.index("<tbody"):page.index("</tbody>")].count('<tr class="govuk-table__row">')
    assert page.count('<th scope="row" class="govuk-table__header govuk-!-font-weight-regular">') == rows > 0


def test_the_audit_trail_downloads_as_a_workbook(manager_client, luton_in_force):
    response = manager_client.get(reverse("agreements:audit_xlsx", args=[luton_in_force.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("When", "Who", "Action", "Object type", "Object", "Before", "After", "Reason")
    assert rows[1][1:3] == ("Maud O'Leary", "agreement_transition")
    assert rows[1][5:] == ("status: approved", "status: in_force; end_reason: ", "Signed by both partners")
    assert rows[-1][2] == "agreement_create"


def test_needs_the_audit_permission(board_client, luton):
    assert board_client.get(reverse("agreements:audit", args=[luton.pk])).status_code == 403
    assert board_client.get(reverse("agreements:audit_xlsx", args=[luton.pk])).status_code == 403


def test_another_organisation_cannot_find_it(outsider_client, luton):
    assert outsider_client.get(reverse("agreements:audit", args=[luton.pk])).status_code == 404
    assert outsider_client.get(reverse("agreements:audit_xlsx", args=[luton.pk])).status_code == 404
