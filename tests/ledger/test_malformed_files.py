"""Malformed general-ledger files (``tests/malformed.py``; 200 here, 1,000 by ``bench/malformed_files.py``): each is
rejected with its problems or posts whole, none raises, a rejected file posts nothing, and the ledger still adds up."""

import os
import resource
import time

import pytest

from s75.ledger.importing import HELD, POSTED, REJECTED
from s75.ledger.models import JournalEntry, JournalLine
from tests.faults import fault_record
from tests.malformed import malformed_ledger_files

from .importfiles import assert_ledger_consistent, import_fund, run

COUNT = int(os.environ.get("S75_MALFORMED_FILES", "200"))
# Files per test: each import makes and drops its temporary tables, whose locks PostgreSQL keeps to the end of the
# transaction, and a test's transaction holding a thousand imports runs out of lock slots (max_locks_per_transaction).
# An import in use is a transaction of its own; the files beyond the first 200 are other tests, of other seeds.
PART = 200
PARTS = [(part, min(PART, COUNT - part * PART)) for part in range(-(-COUNT // PART))]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("part", "count"), PARTS)
def test_malformed_ledger_files_are_rejected_cleanly(tmp_path, part, count):
    fund = import_fund()
    mapping = fund.column_mappings.get(name="finance")
    outcomes = {REJECTED: 0, HELD: 0, POSTED: 0}
    slowest = 0.0
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    whole = time.monotonic()
    for path in malformed_ledger_files(count, tmp_path, seed=75 + part):
        lines = JournalLine.objects.count()
        started = time.perf_counter()
        outcome = run(fund, mapping, path)
        slowest = max(slowest, time.perf_counter() - started)
        outcomes[outcome.status] += 1
        if outcome.status == POSTED:
            assert JournalLine.objects.count() > lines, path.name
        else:
            assert outcome.problems and all(str(problem) for problem in outcome.problems), path.name
            assert JournalLine.objects.count() == lines, f"{path.name} posted something"
        path.unlink()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory
    which = f", part {part + 1} of {len(PARTS)}" if len(PARTS) > 1 else ""
    print(f"\nledger files{which}: {count} made, {outcomes[REJECTED]} rejected, {outcomes[HELD]} held, "
          f"{outcomes[POSTED]} posted (valid), 0 other errors, 0 partial posts; slowest {slowest:.2f} s; "
          f"peak memory grew {grown / 1024:.0f} MB; {JournalEntry.objects.filter(fund=fund).count()} entries")
    assert sum(outcomes.values()) == count and outcomes[REJECTED] > count // 2
    assert_ledger_consistent(fund)
    fault_record(fault=f"malformed general-ledger files{which}",
                 tried=f"{count:,} generated, {outcomes[REJECTED]} refused; slowest {slowest:.2f} s",
                 requests=count, errors_during=0, errors_after=0, lost="nothing (no traceback, nothing saved)",
                 seconds=time.monotonic() - whole)
