"""Schemathesis against the API, in the test's own process through its WSGI application: every operation of the
OpenAPI description, with data made from the description (valid and invalid), as a pooled fund manager's
read-and-write token. No answer may be a 5xx; every answer must match the description (status, content type,
headers, body); data the description forbids must be refused. (Data it allows may still be refused with a 400 where
the rule is beyond what a description says: a file's contents, a financial year whose halves do not follow.)

Each operation is fuzzed with any ids and with the ids of a real agreement, fund and import run, so that the answers
are not only 404s. The counts are printed (``pytest -s``)."""

from collections import Counter
from contextlib import contextmanager

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from s75.bcf.services import plan_create
from tests.bcf.conftest import bcf_area
from tests.consultations.conftest import consult
from tests.ledger.importfiles import ledger_csv, row

from .conftest import spend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("var_dir")]

EXAMPLES = 25  # of each operation, in each mode and each way of choosing its ids


@contextmanager
def connection_kept():
    """Keep the site from closing the database connection at the end of each request while the block runs, as
    Django's test client does for its own requests: the connection holds the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# No report is drawn here (a PDF takes seconds): its file's operation answers 404 with real ids too. Reports have
# their own tests of the file (tests/reports); the API's scoping of it is in test_more_endpoints.py.
NOT_MADE_HERE = {"GET /api/v1/funds/{id}/reports/{version_pk}/{fmt}/"}


def _pinned(operation, ids: dict) -> dict:
    """The real ids of what the operation's path names."""
    names = {parameter.name for parameter in operation.path_parameters}
    owner = next((kind for prefix, kind in (("/api/v1/agreements/", "agreement"), ("/api/v1/bcf/", "plan"),
                                            ("/api/v1/consultations/", "consultation"))
                  if operation.path.startswith(prefix)), "fund")
    pinned = {"id": ids[owner], "run_pk": ids["run"], "year": "2024-25", "month": 1, "fmt": "pdf"}
    return {name: value for name, value in pinned.items() if name in names}


def _fuzz(operation, strategy, statuses: Counter, calls: Counter, answered: Counter) -> None:
    @hypothesis.given(case=strategy)
    @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                         phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                         suppress_health_check=list(hypothesis.HealthCheck))
    def fuzz(case):
        response = case.call()
        statuses[response.status_code] += 1
        calls[operation.label] += 1
        if response.status_code < 300:
            answered[operation.label] += 1
        case.validate_response(response, excluded_checks=[positive_data_acceptance])

    fuzz()


@pytest.mark.long  # about 2 minutes: Schemathesis over every operation
def test_every_operation_answers_as_its_description_says_and_never_with_a_5xx(settings, writer, fund, tmp_path):
    settings.S75_API_RATE = "100000/min"  # the limit has its own test; here every request is to be answered
    spend(fund, 12_345, 1)
    mapping = fund.column_mappings.get(name="finance")
    with ledger_csv(tmp_path / "gl.csv", [row(centre="CC999")]).open("rb") as stream:
        run_id = writer.post(f"/api/v1/funds/{fund.pk}/import-runs/", {"file": stream, "mapping": mapping.pk},
                             format="multipart").json()["id"]
    area = bcf_area(council=fund.agreement.parties.get(is_host=True).organisation)
    plan = plan_create(actor=area.manager, hwb=area.council.organisation, year=area.year, agreement=area.agreement)
    ids = {"agreement": fund.agreement_id, "fund": fund.pk, "run": run_id, "plan": plan.pk,
           "consultation": consult(fund.agreement).pk}
    headers = {"Authorization": writer._credentials["HTTP_AUTHORIZATION"]}
    with connection_kept():
        _fuzz_every_operation(ids, headers)


def _fuzz_every_operation(ids: dict, headers: dict) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", WSGIHandler())

    statuses: Counter = Counter()
    calls: Counter = Counter()
    answered: Counter = Counter()  # 2xx, by operation
    unvaried: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in ({}, _pinned(operation, ids)):
                strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None,
                                                 headers=headers)
                try:
                    _fuzz(operation, strategy, statuses, calls, answered)
                except hypothesis.errors.Unsatisfiable:
                    # Invalid data for an operation whose every part is pinned (its ids and token) and that reads
                    # nothing else: there is none to make.
                    assert mode is GenerationMode.NEGATIVE and path_parameters
                    unvaried.append(operation.label)
    total = sum(statuses.values())
    print(f"\nSchemathesis: {len(operations)} operations, {total} requests; statuses "
          + ", ".join(f"{code}: {count}" for code, count in sorted(statuses.items())))
    for label, count in sorted(calls.items()):
        print(f"  {label}: {count} requests, {answered[label]} answered 2xx")
    print(f"No invalid request to make with real ids (nothing else to vary): {', '.join(unvaried)}")
    assert len(operations) == sum(len(methods) for methods in schema.raw_schema["paths"].values())
    assert set(calls) == {operation.label for operation in operations}
    assert not [code for code in statuses if code >= 500]
    # Every read answered with data at least once (a made-up file is never a good agreement or ledger).
    assert {label for label in calls if label.startswith("GET")} - NOT_MADE_HERE <= set(answered)
    assert statuses[400] and statuses[404]
    assert not statuses[429]
