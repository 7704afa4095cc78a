"""Benchmark: 1,000 malformed agreement files, 1,000 malformed general-ledger files (issue 17) and 1,000 malformed
Better Care Fund planning workbooks (issue 18), through the tests that check them
(``tests/agreements/test_malformed_files.py``, ``tests/ledger/test_malformed_files.py``,
``tests/bcf/test_malformed_files.py``; the suite runs 200, 200 and 20), on SQLite. Prints for each kind how many were
made, refused and loaded, that none raised anything but the product's own refusal and none saved part of itself, the
slowest file and how far peak memory grew.

    .venv/bin/python bench/malformed_files.py [--count N]

Targets: zero tracebacks, zero partial saves, no file over 10 s, peak memory bounded.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    options = parser.parse_args()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
         "tests/agreements/test_malformed_files.py", "tests/ledger/test_malformed_files.py",
         "tests/bcf/test_malformed_files.py"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": "", "S75_MALFORMED_FILES": str(options.count)},
        capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith(("agreement files:", "ledger files", "BCF workbooks:")) or " passed" in line or (
                " failed" in line):
            print(line)
    if done.returncode:
        sys.exit(done.stdout[-4000:] + done.stderr[-2000:])
    print(f"load {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
