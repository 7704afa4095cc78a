"""What the agreement-file tests share: the example files, the rows a load writes, and a load's problems."""

from pathlib import Path

import pytest
from django.db import transaction

from s75.agreements.document import agreement_document
from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import AgreementFileError, FileProblem, agreement_file_read
from s75.agreements.models import Agreement, Approval, Party, Schedule, Transition, Variation
from s75.audit.models import AuditEvent
from s75.budgets.models import Contribution
from s75.riskshare.models import PartyTerm, RiskShareTerms

DATA = Path(__file__).parent / "data"
LUTON_FILE = DATA / "luton-s75-2013.yaml"
DOCS_FILE = Path(__file__).parents[2] / "docs" / "agreement-file.md"
COUNTED = (Agreement, Party, Schedule, Contribution, Approval, RiskShareTerms, PartyTerm, Transition, Variation,
           AuditEvent)


def luton() -> dict:
    """The example Luton agreement file, read."""
    return agreement_file_read(LUTON_FILE)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def load_errors(document: dict, actor=None) -> list[FileProblem]:
    with pytest.raises(AgreementFileError) as failed:
        agreement_load(actor=actor, document=document)
    return failed.value.errors


def exported_then_forgotten(build) -> dict:
    """The export of what ``build()`` makes, with the database then put back as it was (a fresh database)."""
    with transaction.atomic():
        exported = agreement_document(agreement=build())
        transaction.set_rollback(True)
    return exported
