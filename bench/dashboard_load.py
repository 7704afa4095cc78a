"""Benchmark: the fund dashboard under 20 concurrent clients (issue 4, item 5).

Builds the fund of ``monitoring_report.py`` (N imported lines, default 1,000,000, in a throwaway PostgreSQL
database; or reuses one kept with ``monitoring_report.py --keep`` via ``--database``), serves the project with
``s75 runserver --noreload`` on a free loopback port (production settings, but plain static storage and no HTTPS
redirect), signs in 20 clients as the fund's pooled fund manager, each with its own session cookie, and has them
fetch ``/funds/<id>/monitoring/?period=2024-25/M12`` back to back for a bounded time (default 20 s). Then it stops
the server and prints the number of requests and p50/p95/p99 latency.

    .venv/bin/python bench/dashboard_load.py [--lines N] [--seconds S] [--clients C] [--database URL]

Target: p95 under 100 ms.
"""

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import nullcontext
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ledger_import  # noqa: E402 - sibling scripts, found through the line above
import monitoring_report  # noqa: E402

HOST = "127.0.0.1"
PERIOD = "2024-25/M12"
SETTINGS = '''from s75.settings.prod import *  # noqa: F403

STORAGES = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# runserver starts a thread per request, so a persistent connection (CONN_MAX_AGE) per thread is never reused and
# the threads' connections pile up until PostgreSQL refuses more ("too many clients"): close each after its request.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "handlers": {"console": {"class": "logging.StreamHandler"}},
           "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}}}
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, cookies: dict, body: str | None = None):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": "; ".join(f"{key}={value}" for key, value in cookies.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                cookies[key] = morsel.value
        return response.status, data
    finally:
        connection.close()


def sign_in(port: int) -> dict:
    cookies: dict = {}
    status, page = request(port, "GET", "/sign-in/", cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not token:
        sys.exit(f"the sign-in page answered {status}")
    form = urlencode({"csrfmiddlewaretoken": token[1].decode(), "username": monitoring_report.MANAGER,
                      "password": monitoring_report.MANAGER_PASSWORD})
    status, _ = request(port, "POST", "/sign-in/", cookies, form)
    if status != 302 or "sessionid" not in cookies:
        sys.exit(f"signing in answered {status}")
    return {"sessionid": cookies["sessionid"]}


def wait_for(port: int, server: subprocess.Popen, log, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            sys.exit(f"the server stopped: {log.read()[-3000:]}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("the server did not start within a minute")


def drive(port: int, path: str, cookies: dict, until: float, latencies: list, failures: list) -> None:
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            status, page = request(port, "GET", path, dict(cookies))
        except OSError as error:
            failures.append(type(error).__name__)
            continue
        elapsed = time.perf_counter() - started
        if status != 200 or b"Schedule" not in page:
            failures.append(f"HTTP {status}")
        else:
            latencies.append(elapsed)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def fund_of(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as connection:
        (fund,), *others = connection.execute("SELECT id FROM ledger_fund ORDER BY id").fetchall()
    if others:
        sys.exit("the database holds more than one fund")
    return fund


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL") or ledger_import.DEFAULT_POSTGRES,
                        help="A PostgreSQL server URL; the benchmark creates and drops its own database there.")
    parser.add_argument("--database", help="A database kept by monitoring_report.py --keep, used as it is.")
    parser.add_argument("--keep", action="store_true", help="Keep the database it builds.")
    options = parser.parse_args()
    built = (nullcontext((options.database, fund_of(options.database), None, None, None)) if options.database
             else monitoring_report.bench_fund(options.postgres, options.lines, keep=options.keep))
    with built as (database_url, fund, *_), tempfile.TemporaryDirectory(prefix="s75-bench-web-") as folder:
        (Path(folder) / "bench_web_settings.py").write_text(SETTINGS)
        port = free_port()
        env = {**ledger_import.child_env(database_url), "DJANGO_SETTINGS_MODULE": "bench_web_settings",
               "PYTHONPATH": os.pathsep.join([folder, str(ledger_import.ROOT / "src")]),
               "S75_SECURE_SSL_REDIRECT": "false", "S75_SECRET_KEY": secrets.token_urlsafe(40)}
        log = (Path(folder) / "server.log").open("w+")
        server = subprocess.Popen([sys.executable, "-m", "s75", "runserver", "--noreload", f"{HOST}:{port}"],
                                  env=env, cwd=ledger_import.ROOT, stdout=log, stderr=log)
        try:
            wait_for(port, server, log)
            sessions = [sign_in(port) for _ in range(options.clients)]
            path = f"/funds/{fund}/monitoring/?{urlencode({'period': PERIOD})}"
            status, page = request(port, "GET", path, dict(sessions[0]))
            if status != 200:
                sys.exit(f"{path} answered {status}")
            print(f"Serving {path} with runserver on {HOST}:{port}; {options.clients} clients for "
                  f"{options.seconds:g} s", flush=True)
            latencies: list[float] = []
            failures: list[str] = []
            until = time.monotonic() + options.seconds
            threads = [threading.Thread(target=drive, args=(port, path, cookies, until, latencies, failures))
                       for cookies in sessions]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.seek(0)
            text = log.read()
            errors = Counter(line for line in text.splitlines() if re.match(r"^[\w.]+(Error|Exception): ", line))
            log.close()
    if not latencies:
        sys.exit(f"no request succeeded: {failures[:5]}")
    print()
    print(f"requests  {len(latencies):,} ok, {len(failures)} failed, {len(latencies) / wall:.1f} per second")
    print(f"latency   p50 {percentile(latencies, 0.50) * 1000:.1f} ms   p95 {percentile(latencies, 0.95) * 1000:.1f} ms"
          f"   p99 {percentile(latencies, 0.99) * 1000:.1f} ms   (mean {statistics.fmean(latencies) * 1000:.1f} ms,"
          f" max {max(latencies) * 1000:.1f} ms)")
    if failures:
        kinds = Counter(failures).most_common(3)
        print("failures  " + "; ".join(f"{count} x {kind}" for kind, count in kinds))
        for line, count in errors.most_common(3):
            print(f"server    {count} x {line[:200]}")
    print("Target: p95 under 100 ms.")


if __name__ == "__main__":
    main()
