"""The pages: the Word download for whoever may see the agreement (a 404 for anyone else), and the clause
templates, read by anyone signed in and changed only with the permission to edit them (a 403 without), each
organisation changing only its own copy."""

import pytest
from django.test import Client
from django.urls import reverse

from s75.documents.models import TemplateSetVersion
from s75.documents.word import DOCX_CONTENT_TYPE
from s75.organisations.selectors import organisation_get_by_code
from tests.factories import UserFactory

from .reading import open_docx

pytestmark = pytest.mark.django_db

LUTON_COUNCIL = "E06000032"


@pytest.fixture
def board_client(client):
    client.force_login(UserFactory(role="Board member", organisation=organisation_get_by_code(code=LUTON_COUNCIL)))
    return client


@pytest.fixture
def manager_client(client):
    client.force_login(UserFactory(role="Pooled fund manager",
                                   organisation=organisation_get_by_code(code=LUTON_COUNCIL)))
    return client


def test_a_partner_downloads_the_word_draft_from_the_agreement_page(board_client, luton, templates):
    url = reverse("documents:agreement_docx", args=[luton.pk])
    assert url in board_client.get(reverse("agreements:detail", args=[luton.pk])).content.decode()
    response = board_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="luton-s75-s76-2013-draft.docx"'
    assert open_docx(response.content).paragraphs[0].text == luton.title


def test_anyone_else_gets_a_404(client, manager, luton, templates):
    client.force_login(manager)
    assert client.get(reverse("documents:agreement_docx", args=[luton.pk])).status_code == 404


def test_signing_in_is_required(client, luton, templates):
    response = client.get(reverse("documents:agreement_docx", args=[luton.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_templates_can_be_read_but_not_changed_without_the_permission(board_client, templates):
    assert b"Standard partnership agreement" in board_client.get(reverse("documents:template_sets")).content
    page = board_client.get(reverse("documents:template_set", args=["standard"])).content.decode()
    assert "13. Disputes" in page and "The standard clauses as shipped with s75." in page
    assert "/edit/" not in page
    edit_url = reverse("documents:clause_edit", args=["standard", "disputes"])
    assert board_client.get(edit_url).status_code == 403
    assert board_client.post(edit_url, {"heading": "Disputes", "body": "x", "note": "y", "based_on": 1}).status_code \
        == 403
    assert TemplateSetVersion.objects.count() == 1


def test_a_manager_changes_a_clause_as_a_new_version(manager_client, templates):
    edit_url = reverse("documents:clause_edit", args=["standard", "disputes"])
    assert "Save as a new version" in manager_client.get(edit_url).content.decode()
    response = manager_client.post(edit_url, {
        "heading": "Disputes", "body": "Talk first.\r\n\r\nThen mediate.", "note": "Plainer.", "based_on": 1,
    })
    assert response.status_code == 302 and response["Location"] == reverse("documents:template_set",
                                                                           args=["standard"])
    latest = TemplateSetVersion.objects.get(number=2)
    assert latest.clauses.get(key="disputes").body == "Talk first.\n\nThen mediate.\n"
    page = manager_client.get(reverse("documents:template_set", args=["standard"]) + "?version=1").content.decode()
    assert "This is an earlier version" in page and "If the partners disagree" in page


def test_a_clause_that_cannot_be_read_is_shown_with_the_problem(manager_client, templates):
    response = manager_client.post(reverse("documents:clause_edit", args=["standard", "disputes"]), {
        "heading": "Disputes", "body": "{% if %}", "note": "Broken.", "based_on": 1,
    })
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "placeholders cannot be read" in response.content.decode()
    assert TemplateSetVersion.objects.count() == 1


def test_a_manager_elsewhere_changes_only_their_own_organisations_clauses(manager, board_client, luton, templates):
    """Issue 17: one organisation's pooled fund manager changed the clauses of every other organisation's draft."""
    client = Client()
    client.force_login(manager)
    response = client.post(reverse("documents:clause_edit", args=["standard", "disputes"]), {
        "heading": "Disputes", "body": "Whatever we say goes.", "note": "Ours.", "based_on": 1,
    })
    assert response.status_code == 302
    assert TemplateSetVersion.objects.get(number=2).template_set.organisation == manager.organisation
    page = client.get(reverse("documents:template_set", args=["standard"])).content.decode()
    assert "Whatever we say goes." in page and f"{manager.organisation}'s own clauses" in page

    page = board_client.get(reverse("documents:template_set", args=["standard"])).content.decode()
    assert "Whatever we say goes." not in page and "The clauses as shipped with s75" in page
    document = open_docx(board_client.get(reverse("documents:agreement_docx", args=[luton.pk])).content)
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Whatever we say goes." not in text and "If the partners disagree" in text


def test_a_draft_whose_clause_runs_away_says_which_clause_on_the_agreement_page(board_client, luton, runaway):
    response = board_client.get(reverse("documents:agreement_docx", args=[luton.pk]), follow=True)
    assert response.redirect_chain == [(reverse("agreements:detail", args=[luton.pk]), 302)]
    assert "Clause 13, Disputes, cannot be drawn up: its loops repeat more than 10,000 times" in \
        response.content.decode()
