"""A primary, its streaming standby and a PgBouncer of the replica tests' own (scripts/replica.py), holding a copy of
the test database, and a process of the site that the tests drive request by request.

The site runs in a process of its own (``python -m tests.core.replica``), with production's kept and checked
connections (tests/core/replica_settings.py) to the temporary primary and replica, so that it lives through their
stops and restarts as a server would; it reads commands as JSON lines and answers each with one: the response's
status, which databases the request's queries went to, and the warnings logged.
"""

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "replica.py"
PG_BINDIR = Path(os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin"))
# What the cluster needs: PostgreSQL's own programs, PgBouncer, and runuser when run as root.
NEEDED = [str(PG_BINDIR / name) for name in ("initdb", "pg_ctl", "pg_basebackup", "pg_dump", "psql")] + ["pgbouncer"]


def missing_programs() -> list[str]:
    needed = NEEDED + (["runuser"] if os.geteuid() == 0 else [])
    return [name for name in needed if shutil.which(name) is None]


def cluster_start(test_database: dict) -> dict:
    """Start a primary, its standby and a PgBouncer; load the primary with a copy of ``test_database`` (migrated,
    with the reference data) and wait until the standby has it."""
    done = subprocess.run([sys.executable, str(SCRIPT), "start", "--pgbouncer"], capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    cluster = json.loads(done.stdout)
    try:
        source = (f"postgres://{test_database['USER']}@{test_database['HOST'] or '127.0.0.1'}:"
                  f"{test_database['PORT'] or 5432}/{test_database['NAME']}")
        dump = subprocess.run([str(PG_BINDIR / "pg_dump"), "--no-owner", "--no-privileges", source],
                              env={**os.environ, "PGPASSWORD": test_database["PASSWORD"] or ""}, capture_output=True,
                              timeout=120)
        assert dump.returncode == 0, dump.stderr
        load = subprocess.run([str(PG_BINDIR / "psql"), "-q", "-v", "ON_ERROR_STOP=1", cluster["primary"]],
                              input=dump.stdout, capture_output=True, timeout=120)
        assert load.returncode == 0, load.stderr
        replica_wait(cluster)
    except BaseException:
        cluster_stop(cluster)
        raise
    return cluster


def cluster_stop(cluster: dict) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "stop", cluster["folder"]], check=True, timeout=120)


def pg(cluster: dict, node: str, action: str) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "pg", cluster["folder"], node, action], check=True, timeout=120)


def query(url: str, sql: str, *params) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


def replica_wait(cluster: dict) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    (target,) = query(cluster["primary"], "SELECT pg_current_wal_lsn()::text")[0]
    deadline = time.monotonic() + 30
    while not query(cluster["replica"], "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target)[0][0]:
        assert time.monotonic() < deadline, "the standby did not catch up with the primary in 30 s"
        time.sleep(0.05)


class Site:
    """``python -m tests.core.replica`` on the primary and the replica at these URLs."""

    def __init__(self, primary: str, replica: str, folder: Path):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.core.replica_settings", "DATABASE_URL": primary,
               "S75_REPLICA_URL": replica, "S75_REPLICA_MAX_LAG_SECONDS": "60", "S75_REPLICA_CHECK_SECONDS": "0.2",
               "S75_VAR_DIR": str(folder / "var"), "S75_CACHE_DIR": str(folder / "cache")}
        self.process = subprocess.Popen([sys.executable, "-m", "tests.core.replica"], env=env, cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def send(self, do: str, **command) -> dict:
        self.process.stdin.write(json.dumps({"do": do, **command}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the site's process ended ({self.process.wait()})"
        return json.loads(line)

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


# The site's process ---------------------------------------------------------------------------------------------


class Collected(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _serve() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import close_old_connections, connections
    from django.test import Client

    from s75.accounts.models import User
    from s75.accounts.services import roles_sync
    from s75.agreements.models import Agreement
    from s75.core import replica
    from tests.factories import UserFactory, complete_agreement

    warnings = Collected()
    logging.getLogger("s75.core.replica").addHandler(warnings)
    # A request that fails is answered 500, as a server answers it, instead of raising here.
    client = Client(SERVER_NAME="localhost", raise_request_exception=False)
    user = None
    for line in sys.stdin:
        command = json.loads(line)
        answer: dict = {}
        if command["do"] == "setup":
            # Made by the first of the tests' sites, found by the next (its factories count from one again).
            user = User.objects.filter(username="replica.manager").first()
            if user is None:
                roles_sync()
                user = UserFactory(username="replica.manager", role="Pooled fund manager")
                complete_agreement(actor=user, host=user.organisation, reference="replica-tests")
            answer = {"agreement": Agreement.objects.get(reference="replica-tests").pk}
        elif command["do"] == "login":
            client.force_login(user)
        elif command["do"] == "forget_pin":
            client.cookies.pop(replica.PIN_COOKIE, None)
        elif command["do"] == "max_lag":
            settings.S75_REPLICA_MAX_LAG_SECONDS = command["seconds"]
            replica._health.checked_at = float("-inf")
        else:
            # Every query logged; Django empties the logs as each request starts.
            for alias in ("default", "replica"):
                connections[alias].force_debug_cursor = True
            # Django's test client leaves out what a server does around each request: close the connections that
            # failed or grew old, and check the kept ones before reuse (CONN_HEALTH_CHECKS).
            close_old_connections()
            response = getattr(client, command["do"])(command["path"], command.get("data"))
            close_old_connections()
            answer = {
                "status": response.status_code,
                "body": response.content.decode() if response.status_code == 200 else response.get("Location", ""),
                # The replica's own health check aside, the queries each database served.
                "queries": {alias: sum(1 for query in connections[alias].queries_log if query["sql"] != replica.LAG_SQL)
                            for alias in ("default", "replica")},
                "pinned": replica.PIN_COOKIE in response.cookies,
                "on_primary": [query["sql"][:200] for query in connections["default"].queries_log],
            }
        answer["warnings"], warnings.messages = warnings.messages, []
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    _serve()
