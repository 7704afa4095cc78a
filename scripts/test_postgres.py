"""Run the test suite against PostgreSQL (``TEST_DATABASE_URL``, default 127.0.0.1:5432).

In CI (``CI=true``) a PostgreSQL that cannot be reached is a failure. Elsewhere the PostgreSQL half is not
run, and this says so plainly rather than passing in silence.
"""

import os
import subprocess
import sys

import psycopg

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def main() -> int:
    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_URL
    in_ci = os.environ.get("CI", "").lower() == "true"
    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL at {url} cannot be reached: {str(exc).strip()}", file=sys.stderr)
        if in_ci:
            print("CI=true: the suite must run on PostgreSQL too, so this is a failure.", file=sys.stderr)
            return 1
        print("NOT RUN: the PostgreSQL half of the suite (start PostgreSQL or set TEST_DATABASE_URL).", file=sys.stderr)
        return 0
    print(f"Running the suite on PostgreSQL {version} at {url}")
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.call([sys.executable, "-m", "pytest", *sys.argv[1:]], env=env)


if __name__ == "__main__":
    sys.exit(main())
