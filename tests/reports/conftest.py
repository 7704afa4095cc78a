"""The Luton demo's pooled fund, with its 2013/14 general ledger (DESIGN.md §6's outturn), and report files kept
in a folder of the test's own."""

import pytest

from s75.agreements.models import Agreement
from s75.demo.services import demo_load
from s75.ledger.models import Fund


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def luton_fund(db) -> Fund:
    demo_load()
    return Fund.objects.select_related("agreement").get(agreement=Agreement.objects.get(reference="luton-s75-s76-2013"))
