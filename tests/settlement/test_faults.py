"""Two approvals of the same settlement run at the same moment, in two threads with connections of their own to a
database of this module's own: one is told the run is final, the other is refused, and the settlement is posted
once."""

import json
import subprocess
import sys
import time

import pytest

from tests.faults import fault_record
from tests.ledger.importfiles import ROOT, assert_consistent


@pytest.mark.long
def test_two_last_approvals_at_the_same_moment_make_one_final_run_posted_once(scratch):
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "tests.settlement.racing"], env=scratch.env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    raced = json.loads(done.stdout.splitlines()[-1])
    told = sorted(raced["told"])
    assert told[0] == "final", told
    assert told[1].startswith("refused: ") and "is already final" in told[1], told
    assert "Traceback" not in done.stderr
    assert scratch.query(f"SELECT status, settlement_entry_id IS NOT NULL FROM settlement_settlementrun "
                         f"WHERE id = {raced['run']}") == [("final", True)]
    assert scratch.query(f"SELECT COUNT(*) FROM settlement_settlementapproval WHERE run_id = {raced['run']}") == [(2,)]
    assert scratch.query("SELECT COUNT(*) FROM ledger_journalentry WHERE kind = 'settlement'") == [(1,)]
    assert scratch.query("SELECT COUNT(*) FROM audit_auditevent WHERE action = 'settlement_finalise'") == [(1,)]
    assert_consistent(scratch)
    fault_record(fault="two settlement approvals at once", tried="the last partner's approval of the 2013-14 run "
                 "by two finance leads in two threads released together", requests=2, errors_during=0,
                 errors_after=0, lost="nothing (one final run, one settlement entry; the other told it is final)",
                 seconds=time.monotonic() - started)
