"""Malformed agreement files (``tests/malformed.py``; 200 here, 1,000 by ``bench/malformed_files.py``): each is
refused with the product's own error or loads, none raises anything else, and a refused file saves nothing."""

import os
import resource
import time

import pytest
from django.db import transaction

from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import AgreementFileError, agreement_file_read
from tests.faults import fault_record
from tests.malformed import malformed_agreement_files

from .agreementfiles import luton, row_counts

COUNT = int(os.environ.get("S75_MALFORMED_FILES", "200"))


@pytest.mark.django_db
def test_malformed_agreement_files_are_refused_cleanly(tmp_path):
    before = row_counts()
    refused = loaded = 0
    slowest = 0.0
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    whole = time.monotonic()
    for path in malformed_agreement_files(luton(), COUNT, tmp_path):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                agreement_load(actor=None, document=agreement_file_read(path))
                loaded += 1
                transaction.set_rollback(True)  # a file that happens to be valid is put back, for the next
        except AgreementFileError as failed:
            assert failed.errors and all(str(problem) for problem in failed.errors), path.name
            refused += 1
        slowest = max(slowest, time.perf_counter() - started)
        assert row_counts() == before, f"{path.name} saved something"
        path.unlink()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory
    print(f"\nagreement files: {COUNT} made, {refused} refused, {loaded} loaded (valid), 0 other errors, 0 partial "
          f"saves; slowest {slowest:.2f} s; peak memory grew {grown / 1024:.0f} MB")
    assert refused + loaded == COUNT and refused > COUNT // 2
    fault_record(fault="malformed agreement files",
                 tried=f"{COUNT:,} generated, {refused} refused; slowest {slowest:.2f} s",
                 requests=COUNT, errors_during=0, errors_after=0, lost="nothing (no traceback, nothing saved)",
                 seconds=time.monotonic() - whole)
