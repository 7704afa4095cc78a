"""What the fault tests share: the mark of those that need PostgreSQL, and the row each adds to the table
``bench/faults.py`` prints (written to the file ``S75_FAULTS_TABLE`` names; nothing is written without it)."""

import json
import os

import pytest
from django.conf import settings

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def postgresql_only(why: str):
    """Skip the test on SQLite, saying ``why`` it needs PostgreSQL."""
    return pytest.mark.skipif(not ON_POSTGRESQL, reason=f"PostgreSQL only: {why}")


def fault_record(*, fault: str, tried: str, requests: int, errors_during: int, errors_after: int, lost: str,
                 seconds: float) -> None:
    """Add the fault's row to the benchmark's table: what was tried, how many requests or tasks, the errors while
    the fault lasted and after it, and what was lost (``"nothing"``)."""
    table = os.environ.get("S75_FAULTS_TABLE")
    if table:
        with open(table, "a") as stream:
            stream.write(json.dumps({"fault": fault, "tried": tried, "requests": requests,
                                     "errors_during": errors_during, "errors_after": errors_after, "lost": lost,
                                     "seconds": round(seconds, 1)}) + "\n")
