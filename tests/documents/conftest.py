"""The agreement document's fixtures: the standard clause templates, and Luton's agreement as the demo loads it."""

from importlib import resources

import pytest

from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import agreement_file_read
from s75.agreements.models import Agreement
from s75.documents.services import template_set_install


@pytest.fixture
def templates(db):
    """Version 1 of the standard clause templates."""
    return template_set_install(actor=None)


@pytest.fixture
def luton(db) -> Agreement:
    """The Luton demo agreement: five pooled schedules, £6,596,000 in 2013-14."""
    document = agreement_file_read(resources.files("s75.demo").joinpath("data", "luton.yaml"))
    return agreement_load(actor=None, document=document)
