"""The agreement document's fixtures: the standard clause templates, and Luton's agreement as the demo loads it."""

from importlib import resources

import pytest

from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import agreement_file_read
from s75.agreements.models import Agreement
from s75.documents.services import clause_template_edit, template_set_install
from s75.organisations.selectors import organisation_get_by_code

# A clause that draws up nothing on its own, and runs away over an agreement's partners (2 × 120 × 120 times).
RUNAWAY = ("{% for party in parties %}{% for a in '" + "x" * 120 + "' %}{% for b in '" + "x" * 120 + "' %}!"
           "{% endfor %}{% endfor %}{% endfor %}\n")


@pytest.fixture
def templates(db):
    """Version 1 of the standard clause templates."""
    return template_set_install(actor=None)


@pytest.fixture
def luton(db) -> Agreement:
    """The Luton demo agreement: five pooled schedules, £6,596,000 in 2013-14."""
    document = agreement_file_read(resources.files("s75.demo").joinpath("data", "luton.yaml"))
    return agreement_load(actor=None, document=document)


@pytest.fixture
def council(db):
    """Luton Borough Council, the Luton agreement's host."""
    return organisation_get_by_code(code="E06000032")


@pytest.fixture
def runaway(templates, council):
    """Luton Borough Council's clause templates, with a disputes clause whose loops run away when drawn up."""
    return clause_template_edit(actor=None, organisation=council, key="disputes", heading="Disputes", body=RUNAWAY,
                                note="Runs away.", based_on=templates.number)
