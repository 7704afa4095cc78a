"""Malformed planning workbooks (``tests/malformed.py``; 20 here, 1,000 by ``bench/malformed_files.py``): each is
refused with the cells' problems or reads whole, none raises anything else, none takes over 10 s, and a refused
workbook changes nothing of the plan."""

import os
import resource
import time

import pytest
from django.db import transaction

from s75.bcf.models import Plan
from s75.bcf.workbook_reading import WorkbookRejected, plan_workbook_read
from s75.bcf.workbook_writing import workbook_for
from tests.faults import fault_record
from tests.malformed import malformed_bcf_workbooks

from .test_workbook_reading import plan_fields

COUNT = int(os.environ.get("S75_MALFORMED_FILES", "20"))


@pytest.mark.django_db
def test_malformed_planning_workbooks_are_refused_cleanly(plan, area, tmp_path):
    before, plans = plan_fields(plan), Plan.objects.count()
    refused = read = 0
    slowest = 0.0
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    whole = time.monotonic()
    for path in malformed_bcf_workbooks(workbook_for(plan, "planning"), COUNT, tmp_path):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                plan_workbook_read(path, actor=area.manager, plan=plan)
                read += 1
                transaction.set_rollback(True)  # a workbook that happens to be valid is put back, for the next
        except WorkbookRejected as failed:
            assert failed.cell_problems and all(str(problem) for problem in failed.cell_problems), path.name
            refused += 1
        took = time.perf_counter() - started
        assert took < 10, f"{path.name} took {took:.1f} s"
        slowest = max(slowest, took)
        assert (plan_fields(plan), Plan.objects.count()) == (before, plans), f"{path.name} saved something"
        path.unlink()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory
    print(f"\nBCF workbooks: {COUNT} made, {refused} refused, {read} read (valid), 0 other errors, 0 partial saves; "
          f"slowest {slowest:.2f} s; peak memory grew {grown / 1024:.0f} MB")
    assert refused + read == COUNT and refused > COUNT // 2
    fault_record(fault="malformed BCF planning workbooks",
                 tried=f"{COUNT:,} generated, {refused} refused; slowest {slowest:.2f} s",
                 requests=COUNT, errors_during=0, errors_after=0, lost="nothing (no traceback, nothing saved)",
                 seconds=time.monotonic() - whole)
