"""Benchmark: the fault suite (issue 18) run once against PostgreSQL, printed as a table of what was tried and what
was lost.

It runs the fault tests through ``scripts/test_postgres.py`` (a test database of the run's own, created and dropped
by the run, and a scratch database of each process test's own, likewise), with ``CI=true`` so that a missing
PostgreSQL, Redis or gunicorn fails rather than skips, 1,000 malformed files of each kind (``S75_MALFORMED_FILES``),
and ``S75_FAULTS_TABLE`` naming a file each test adds its row to (``tests/faults.py``):

- a gunicorn worker (production settings) killed in the middle of a request that writes;
- ``s75 worker`` killed in the middle of a general-ledger import and in the middle of keeping a report;
- every database connection terminated (``pg_terminate_backend``) while 20 clients read a page;
- the reports folder on a full filesystem while a report is written;
- two last approvals of the same settlement run at the same moment;
- 1,000 malformed agreement files, general-ledger files and BCF planning workbooks.

    .venv/bin/python bench/faults.py [--postgres URL] [--count N]

For each fault: what was tried, the requests or tasks, the errors while the fault lasted and after it, what was lost
and the time; then the load average before and after. Targets: no error after any fault, nothing lost.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
TESTS = [
    "tests/settings/test_gunicorn_faults.py",
    "tests/ledger/test_tasks.py::test_an_upload_runs_on_the_worker_and_a_worker_killed_part_way_posts_nothing_and_says_so",
    "tests/reports/test_faults.py",
    "tests/settlement/test_faults.py",
    "tests/agreements/test_malformed_files.py",
    "tests/ledger/test_malformed_files.py",
    "tests/bcf/test_malformed_files.py",
]
HEADINGS = ("fault", "what was tried", "requests/tasks", "errors during", "errors after", "lost", "time")


def load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES,
                        help="A PostgreSQL server URL; the run creates and drops its own databases there.")
    parser.add_argument("--count", type=int, default=1000, help="Malformed files of each kind.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="s75-bench-faults-") as folder:
        table = Path(folder) / "faults.jsonl"
        before, started = load(), time.monotonic()
        done = subprocess.run(
            [sys.executable, "scripts/test_postgres.py", "-q", "-p", "no:cacheprovider", *TESTS], cwd=ROOT,
            env={**os.environ, "CI": "true", "TEST_DATABASE_URL": options.postgres,
                 "S75_MALFORMED_FILES": str(options.count), "S75_FAULTS_TABLE": str(table)},
            capture_output=True, text=True)
        after, took = load(), time.monotonic() - started
        rows = [json.loads(line) for line in table.read_text().splitlines()] if table.exists() else []
    print("| " + " | ".join(HEADINGS) + " |")
    print("|" + "---|" * len(HEADINGS))
    for row in rows:
        print(f"| {row['fault']} | {row['tried']} | {row['requests']:,} | {row['errors_during']} | "
              f"{row['errors_after']} | {row['lost']} | {row['seconds']:.1f} s |")
    summary = [line for line in done.stdout.splitlines() if " passed" in line or " failed" in line
               or line.startswith(("FAILED", "ERROR"))]
    print("\n".join(summary))
    print(f"{len(rows)} faults in {took:.0f} s; load average before {before}, after {after}")
    if done.returncode:
        sys.exit(done.stdout[-6000:] + done.stderr[-2000:])


if __name__ == "__main__":
    main()
