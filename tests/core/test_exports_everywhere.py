"""Every spreadsheet and CSV download of the site writes text that would run as a formula as text that cannot run.

The demo is loaded and every name, title, description, summary and comment a user can write is made to begin with a
formula (``=2+3 ``) straight in the database (tables that keep history refuse the change and keep their words).
Demo users then walk the site by its links (``tests/walk.py``) and every download they reach is read back: in a
workbook, no cell runs a formula but the totals s75 writes itself, and every cell of text that begins like a formula
is marked as text; in a CSV file, such text begins with an apostrophe. Each download must hold the formula-like text
(so the check saw user text reach it), and every download pattern of the site must be reached, or be listed below
with the reason it is not.
"""

import csv
import io
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test import Client
from openpyxl import load_workbook

from s75.core.exports import FORMULA_STARTS
from s75.demo.services import DEMO_PASSWORD
from tests.walk import Walk, every_pattern

pytestmark = pytest.mark.django_db

FORMULA = "=2+3 "
WRITTEN = {"name", "title", "description", "summary", "narrative", "scheme_name", "name_in_agreement", "text",
           "comment", "owner", "services"}
# The formulas s75 writes itself: totals and differences of cells.
OWN_FORMULA = re.compile(r"=(SUM\([A-Z]+[0-9]+:[A-Z]+[0-9]+\)|[A-Z]+[0-9]+-[A-Z]+[0-9]+)")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
WALKERS = ("luton.manager", "bexley.commissioner", "leics.manager", "nhse.bcf", "hants.manager")
# Downloads no walker reaches in the demo, or that hold no text a user wrote.
NOT_CHECKED = {
    "settlement:xlsx": "the demo has no settlement run: one is computed by the settlement page's POST",
    "reports:file": "the demo has made no report: one is made by the reports page's POST",
    "imports:run_problems": "the demo's import was posted by `s75 load-demo`, not uploaded through the pages",
    "imports:import_problems": "the demo's import has no problems",
    "ledger:instalments_overdue_xlsx": "no demo instalment is overdue",
    "governance:board_members_xlsx": "no demo board has members recorded",
}
NO_WRITTEN_TEXT = {
    "imports:history_xlsx": "the file names, dates and counts of imports, which a user does not write",
}


def _written_text_begins_with_a_formula() -> int:
    """Prefix every written text field of s75's own tables with ``FORMULA``; the number of columns changed."""
    changed = 0
    for model in apps.get_models():
        if not model.__module__.startswith("s75.") or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if (field.name in WRITTEN and isinstance(field, (models.CharField, models.TextField))
                    and not field.choices):
                try:
                    with transaction.atomic():
                        changed += bool(model.objects.exclude(**{field.name: ""}).update(
                            **{field.name: Concat(Value(FORMULA), F(field.name))}))
                except DatabaseError:
                    pass  # a table that keeps history refuses the change
    return changed


class ExportWalk(Walk):
    def __init__(self, client: Client):
        super().__init__(client)
        self.downloads: dict[str, list[str]] = defaultdict(list)

    def download(self, address: str, pattern: str, response) -> None:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        where = f"{address}"
        if Path(urlsplit(address).path).suffix == ".xlsx":
            texts = _workbook_problems(content, where, self.problems)
        elif Path(urlsplit(address).path).suffix == ".csv":
            texts = _csv_problems(content, where, self.problems)
        else:
            return
        self.downloads[pattern].append(address if any(FORMULA in text for text in texts) else "")


def _workbook_problems(content: bytes, where: str, problems: list[str]) -> list[str]:
    texts = []
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    if not OWN_FORMULA.fullmatch(str(cell.value)):
                        problems.append(f"{where} {sheet.title}!{cell.coordinate} runs {cell.value!r}")
                elif isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(FORMULA_STARTS) and not cell.quotePrefix:
                        problems.append(f"{where} {sheet.title}!{cell.coordinate} {cell.value!r} is not marked text")
    return texts


def _csv_problems(content: bytes, where: str, problems: list[str]) -> list[str]:
    texts = []
    for number, row in enumerate(csv.reader(io.StringIO(content.decode("utf-8-sig"))), start=1):
        for field in row:
            texts.append(field)
            if field.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(field):
                problems.append(f"{where} row {number} {field!r} would run")
    return texts


@pytest.mark.long  # about 3 minutes: every download reached by links
def test_no_download_runs_text_a_user_wrote():
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert _written_text_begins_with_a_formula() > 20
    downloads: dict[str, list[str]] = defaultdict(list)
    problems = []
    for username in WALKERS:
        client = Client()
        assert client.login(username=username, password=DEMO_PASSWORD)
        walk = ExportWalk(client)
        walk.run()
        problems += walk.problems
        for pattern, addresses in walk.downloads.items():
            downloads[pattern] += addresses
    assert problems == [], "\n".join(problems[:60])
    exports = {name for name in every_pattern() if re.search(r"(xlsx|csv)$", name)}
    assert exports - set(downloads) - set(NOT_CHECKED) == set(), "downloads no walker reached"
    assert set(downloads) & set(NOT_CHECKED) == set(), "listed as not reached, but reached"
    without = {pattern for pattern, addresses in downloads.items() if not any(addresses)}
    assert without == set(NO_WRITTEN_TEXT), "downloads that held no formula-like text a user wrote"
