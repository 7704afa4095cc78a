"""General-ledger imports through the API: the fund's column mappings, upload a file (a background task, as from
the upload page, through ``ledger_import_start``), poll the run's progress, read its problems, and the history.

Uploading needs ``ledger.post_ledger`` (else 403) and a read-and-write token; anyone who sees the fund sees the rest.
"""

from pathlib import Path

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from s75.audit.services import audit_record
from s75.core.files import NOT_TEXT
from s75.jobs.selectors import task_state
from s75.ledger.import_forms import MAX_UPLOAD_BYTES
from s75.ledger.importing import ledger_imports
from s75.ledger.models import Fund, ImportRun
from s75.ledger.permissions import POST_LEDGER
from s75.ledger.tasks import UPLOAD_SUFFIXES, ledger_import_start, ledger_import_task

from .endpoint import Endpoint
from .endpoints import fund_or_404, query_body
from .pagination import ListEndpoint
from .serializers import (
    ColumnMappingSerializer,
    ImportProblemSerializer,
    ImportRunSerializer,
    ImportUploadSerializer,
    LedgerImportSerializer,
)
from .tokens import token_acting


def _run_or_404(fund: Fund, pk: int) -> ImportRun:
    run = fund.import_runs.filter(pk=pk).first()
    if run is None:
        raise NotFound("No such import run")
    return run


def _run_data(run: ImportRun) -> dict:
    """The run as ``ImportRunSerializer`` gives it: its progress (as the run's page polls it) and, once it has
    ended, how."""
    done = run.outcome is not None or run.ledger_import_id is not None
    state = task_state(task=ledger_import_task, task_id=run.task_id or "", done=done, error=run.error)
    outcome = run.outcome or {}
    return {
        "id": run.pk, "fund_id": run.fund_id, "filename": run.filename, "mapping_id": run.mapping_id,
        "dry_run": run.dry_run, "created_at": run.created_at, "progress": state.as_json(),
        "result": outcome.get("status"), "rows_total": outcome.get("rows_total"),
        "rows_posted": outcome.get("rows_posted"), "total": outcome.get("total_pence"),
        "problems_count": len(outcome.get("problems", [])) + outcome.get("problems_not_listed", 0),
        "ledger_import_id": outcome.get("ledger_import_id", run.ledger_import_id),
    }


class MappingList(ListEndpoint):
    @extend_schema(summary="The fund's column mappings (which column of a file holds each field)", tags=["imports"],
                   responses=ColumnMappingSerializer(many=True))
    def get(self, request, pk: int):
        return self.page(fund_or_404(request, pk).column_mappings.all(), ColumnMappingSerializer)


class ImportUpload(Endpoint):
    parser_classes = [MultiPartParser]

    @extend_schema(summary="Upload a general-ledger file: it is checked and posted by a background task",
                   description="Answers at once with the run; poll `/funds/{id}/import-runs/{run}/` until "
                               "`progress.finished` is true. A file with any problem posts nothing.",
                   tags=["imports"], request={"multipart/form-data": ImportUploadSerializer},
                   responses={202: ImportRunSerializer})
    def post(self, request, pk: int):
        fund = fund_or_404(request, pk)
        if not request.user.has_perm(POST_LEDGER):
            raise PermissionDenied("You may not import into the fund's ledger")
        wanted = query_body(ImportUploadSerializer, request)
        upload = wanted["file"]
        if NOT_TEXT.search(upload.name):
            raise serializers.ValidationError({"file": "The file's name holds characters that are not text: rename it"})
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise serializers.ValidationError({"file": "The file must be a CSV or an Excel workbook (.csv or .xlsx)"})
        if upload.size == 0:
            raise serializers.ValidationError({"file": "The file is empty"})
        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError({"file": "The file must be smaller than 1 GB: split it by month"})
        mapping = fund.column_mappings.filter(pk=wanted["mapping"]).first()
        if mapping is None:
            raise serializers.ValidationError({"mapping": "Give the id of one of the fund's column mappings"})
        with token_acting(request.auth), transaction.atomic():
            run = ledger_import_start(actor=request.user, fund=fund, mapping=mapping, upload=upload,
                                      dry_run=wanted["dry_run"])
            # The import itself is audited by the worker, as its uploader; that it was asked for through a token
            # is audited here.
            audit_record(actor=request.user, action="ledger_import_request", obj=run, agreement=fund.agreement,
                         after={"file": run.filename, "mapping": mapping.name, "dry_run": run.dry_run})
        run.refresh_from_db()
        return Response(ImportRunSerializer(_run_data(run)).data, status=status.HTTP_202_ACCEPTED)


class ImportRunDetail(Endpoint):
    @extend_schema(summary="An import run: its progress, and once finished how it ended", tags=["imports"],
                   responses=ImportRunSerializer)
    def get(self, request, pk: int, run_pk: int):
        run = _run_or_404(fund_or_404(request, pk), run_pk)
        return Response(ImportRunSerializer(_run_data(run)).data)


class ImportRunProblems(Endpoint):
    @extend_schema(summary="Every problem an import run found, each with its row, column and value", tags=["imports"],
                   responses=ImportProblemSerializer(many=True))
    def get(self, request, pk: int, run_pk: int):
        outcome = _run_or_404(fund_or_404(request, pk), run_pk).outcome or {}
        problems = [{"row": problem.get("row"), "column": problem.get("column", ""),
                     "value": str(problem.get("value", "")), "problem": problem.get("reason", "")}
                    for problem in outcome.get("problems", [])]
        return Response(ImportProblemSerializer(problems, many=True).data)


class ImportHistory(ListEndpoint):
    @extend_schema(summary="The fund's import history: every file posted or rejected", tags=["imports"],
                   responses=LedgerImportSerializer(many=True))
    def get(self, request, pk: int):
        return self.page(ledger_imports(fund=fund_or_404(request, pk)), LedgerImportSerializer)
