"""Benchmark: the fund dashboard under 20 concurrent clients, against a bare signed-in page (issues 4 and 12).

Builds the fund of ``monitoring_report.py`` (N imported lines, default 1,000,000, in a throwaway PostgreSQL
database; or reuses one kept with ``monitoring_report.py --keep`` via ``--database``) and serves it as production
does: Debian's ``redis-server`` on a free loopback port for the cache and the sessions, ``collectstatic``, then
``gunicorn --config python:s75.settings.gunicorn s75.wsgi`` with the production settings, on a free loopback port
over plain HTTP (so without the HTTPS redirect a proxy would make) and with its control socket in a temporary folder
(so that it cannot clash with another gunicorn's). It signs in 20 clients as the fund's pooled fund manager through
the sign-in form, each with its own session cookie, and has Debian's ``wrk`` hold one connection per client, each
fetching ``/funds/<id>/monitoring/?period=2024-25/M12`` back to back, first for a short warm-up and then for a
bounded time (default 20 s); then the same for the signed-in account page, ``/account/``, which goes through the
same middleware, session and user but shows nothing else. For each it prints the requests, p50/p95/p99 latency, the
CPU time per request of the gunicorn workers, PostgreSQL and Redis, and the machine's load average; then the ratio
of the two pages' p95.

    .venv/bin/python bench/dashboard_load.py [--lines N] [--seconds S] [--clients C] [--workers W] [--database URL]

Targets: the dashboard's p95 under 100 ms, and at most 1.5 times the account page's.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager, nullcontext, suppress
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ledger_import  # noqa: E402 - sibling scripts, found through the line above
import monitoring_report  # noqa: E402

HOST = "127.0.0.1"
PERIOD = "2024-25/M12"
BARE_PAGE = "/account/"
# What each page's every answer must contain; any other response is a failure.
DASHBOARD_MARK, BARE_MARK = "Forecast variance by schedule", "Your account"
# One wrk thread per client, each with its client's session cookie; a response other than the page asked for is a
# failure. wrk reports latency in microseconds.
WRK_SCRIPT = """
local sessions = {%s}
local mark = "%s"
local threads, started = {}, 0

function setup(thread)
  started = started + 1
  thread:set("session", sessions[started])
  table.insert(threads, thread)
end

function init(args)
  wrk.headers["Cookie"] = "sessionid=" .. session
  failed = 0
end

function response(status, headers, body)
  if status ~= 200 or not body:find(mark, 1, true) then failed = failed + 1 end
end

function done(summary, latency, requests)
  local failed, errors = 0, summary.errors
  for _, thread in ipairs(threads) do failed = failed + thread:get("failed") end
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    failed, errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
"""


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


def sign_in(port: int) -> str:
    """A new session of the pooled fund manager, through the sign-in form: its session id."""
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
    return cookies["sessionid"]


@contextmanager
def redis_server(folder: str):
    """Debian's redis-server on a free loopback port, keeping nothing on disk: yields its URL and process."""
    binary = shutil.which("redis-server") or sys.exit("redis-server is not on PATH: apt-get install -y redis-server")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no",
                                "--dir", folder], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            with suppress(OSError), socket.create_connection((HOST, port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"redis-server did not start on port {port}")
            time.sleep(0.1)
        yield f"redis://{HOST}:{port}/0", process
    finally:
        process.terminate()
        process.wait(timeout=10)


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


def run_wrk(wrk: str, script: Path, url: str, clients: int, seconds: int) -> dict:
    done = subprocess.run([wrk, "-t", str(clients), "-c", str(clients), "-d", f"{seconds}s", "--timeout", "30s",
                           "-s", str(script), url], capture_output=True, text=True)
    found = re.search(r"^RESULT (.*)$", done.stdout, re.MULTILINE)
    if done.returncode or not found:
        sys.exit(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    names = ("requests", "microseconds", "failed", "errors", "p50", "p95", "p99", "mean", "max")
    return dict(zip(names, (float(value) for value in found[1].split()), strict=True))


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User and system CPU time used so far by each of these processes still running (from /proc: Linux)."""
    seconds = {}
    for pid in pids:
        with suppress(FileNotFoundError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            # utime and stime, the stat file's 14th and 15th fields
            seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def cpu_used(before: dict[int, float], after: dict[int, float]) -> tuple[float, bool]:
    """CPU seconds used between the two readings by the processes running at the second, one that started in
    between counting whole (a thread's first request opens its database connection); and whether a process of the
    first reading had ended, its time in between lost."""
    return sum(used - before.get(pid, 0.0) for pid, used in after.items()), not before.keys() <= after.keys()


def workers_of(server: subprocess.Popen) -> list[int]:
    return sorted(int(pid) for pid in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split())


def database_backends(database_url: str) -> list[int]:
    """The PostgreSQL server processes serving the database's other connections (the workers' connections)."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        return [pid for (pid,) in connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "ORDER BY pid")]


def load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


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
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=3, help="Seconds of load before the measured run.")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, help="Gunicorn workers (default: its setting, 2 x cores + 1).")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL") or ledger_import.DEFAULT_POSTGRES,
                        help="A PostgreSQL server URL; the benchmark creates and drops its own database there.")
    parser.add_argument("--database", help="A database kept by monitoring_report.py --keep, used as it is.")
    parser.add_argument("--keep", action="store_true", help="Keep the database it builds.")
    options = parser.parse_args()
    wrk = shutil.which("wrk") or sys.exit("wrk is not on PATH: apt-get install -y wrk")
    built = (nullcontext((options.database, fund_of(options.database), None, None, None)) if options.database
             else monitoring_report.bench_fund(options.postgres, options.lines, keep=options.keep))
    with (built as (database_url, fund, *_), tempfile.TemporaryDirectory(prefix="s75-bench-web-") as folder,
          redis_server(folder) as (redis_url, redis)):
        port = free_port()
        env = {**ledger_import.child_env(database_url), "S75_VAR_DIR": folder, "S75_BIND": f"{HOST}:{port}",
               "S75_SECURE_SSL_REDIRECT": "false", "S75_REDIS_URL": redis_url}
        if options.workers:
            env["S75_WORKERS"] = str(options.workers)
        subprocess.run([sys.executable, "-m", "s75", "collectstatic", "--no-input", "-v0"], env=env,
                       cwd=ledger_import.ROOT, check=True)
        log = (Path(folder) / "server.log").open("w+")
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "python:s75.settings.gunicorn",
                                   "--control-socket", str(Path(folder) / "gunicorn.ctl"), "s75.wsgi"],
                                  env=env, cwd=ledger_import.ROOT, stdout=log, stderr=log)
        try:
            wait_for(port, server, log)
            sessions = [sign_in(port) for _ in range(options.clients)]
            dashboard = f"/funds/{fund}/monitoring/?{urlencode({'period': PERIOD})}"
            workers = workers_of(server)
            print(f"Serving with gunicorn ({len(workers)} workers) on {HOST}:{port}, Redis at {redis_url}; "
                  f"{options.clients} clients (wrk, a connection each), {options.seconds} s per page after "
                  f"{options.warm_up} s of warm-up", flush=True)
            results = {
                name: measure(options, wrk, folder, port, path, mark, sessions, server, database_url, redis.pid)
                for name, path, mark in (("dashboard", dashboard, DASHBOARD_MARK), ("bare page", BARE_PAGE, BARE_MARK))
            }
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.seek(0)
            errors = Counter(line for line in log.read().splitlines()
                             if re.match(r"^[\w.]+(Error|Exception): ", line))
            log.close()
    print()
    for name, measured in results.items():
        report(name, measured)
    dashboard_p95, bare_p95 = (results[name]["result"]["p95"] / 1000 for name in ("dashboard", "bare page"))
    print(f"ratio     dashboard p95 {dashboard_p95:.1f} ms / bare page p95 {bare_p95:.1f} ms = "
          f"{dashboard_p95 / bare_p95:.2f}")
    for line, count in errors.most_common(3):
        print(f"server    {count} x {line[:200]}")
    print("Targets: the dashboard's p95 under 100 ms, and at most 1.5 times the bare page's.")


def measure(options, wrk: str, folder: str, port: int, path: str, mark: str, sessions: list[str],
            server: subprocess.Popen, database_url: str, redis_pid: int) -> dict:
    """Warm-up, then the measured run of ``path``, with the CPU used by the workers, PostgreSQL and Redis."""
    status, _ = request(port, "GET", path, {"sessionid": sessions[0]})
    if status != 200:
        sys.exit(f"{path} answered {status}")
    script = Path(folder) / "page.lua"
    script.write_text(WRK_SCRIPT % (", ".join(f'"{session}"' for session in sessions), mark))
    url = f"http://{HOST}:{port}{path}"
    run_wrk(wrk, script, url, options.clients, options.warm_up)
    load_before = load()

    def cpu() -> tuple:
        return (cpu_seconds(workers_of(server)), cpu_seconds(database_backends(database_url)),
                cpu_seconds([redis_pid]))

    cpu_before = cpu()
    result = run_wrk(wrk, script, url, options.clients, options.seconds)
    return {"path": path, "result": result, "cpu": (cpu_before, cpu()), "load": (load_before, load())}


def report(name: str, measured: dict) -> None:
    result = measured["result"]
    requests = result["requests"]
    if not requests:
        sys.exit(f"no request for the {name} was answered")
    (server_cpu, server_lost), (database_cpu, database_lost), (redis_cpu, _) = (
        cpu_used(before, after) for before, after in zip(*measured["cpu"], strict=True))
    print(f"{name}: {measured['path']}")
    print(f"  requests  {requests:,.0f} answered, {result['failed']:.0f} not the page, {result['errors']:.0f} "
          f"socket errors or timeouts; {requests / result['microseconds'] * 1e6:.1f} per second")
    p50, p95, p99, mean, longest = (result[key] / 1000 for key in ("p50", "p95", "p99", "mean", "max"))
    print(f"  latency   p50 {p50:.1f} ms   p95 {p95:.1f} ms   p99 {p99:.1f} ms   (mean {mean:.1f} ms, "
          f"max {longest:.1f} ms)")
    print(f"  cpu       {server_cpu / requests * 1000:.2f} ms per request in the gunicorn workers, "
          f"{database_cpu / requests * 1000:.2f} ms in PostgreSQL, {redis_cpu / requests * 1000:.2f} ms in Redis"
          + ("   (incomplete: a worker or connection ended during the run)" if server_lost or database_lost else ""))
    print(f"  load      {measured['load'][0]} before, {measured['load'][1]} after (1, 5 and 15 minute averages; "
          f"{os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
