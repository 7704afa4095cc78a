"""Benchmark: 50 members of the public answering a consultation's survey at once (issue 15, DESIGN.md §10).

Builds a throwaway PostgreSQL database holding the demo's agreements, boards and consultations
(``s75.demo.consultations``) and serves it as production does, as ``dashboard_load.py`` does: Redis for the cache
(where the rate limits count) and the sessions, gunicorn with the production settings on a free loopback port. The
limit of responses per address is raised for the run (every simulated respondent comes from 127.0.0.1); the limit
per consultation stays. Then N respondents (threads, default 50) each go through Hampshire's survey again and again
for a bounded time (default 60 s): start, each question page (GET, then POST), About you, check answers, send, and
read the reference on the confirmation page. Each spends ``--think`` seconds (default 2) on a page before sending it,
as a person reading and answering does (quicker than most); ``--think 0`` sends the pages back to back. Sending (the
check page's POST, which saves the response) is timed.

At the end every confirmed reference must be in the database exactly once, and no online response may be there
that no respondent saw confirmed. It prints the responses sent, the submissions' p50/p95/p99 and the machine's load.

    .venv/bin/python bench/consultation_load.py [--clients N] [--seconds S] [--think S] [--postgres URL]

Target: no response lost, and a submission's p95 under 300 ms.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from statistics import quantiles
from urllib.parse import urlencode, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dashboard_load  # noqa: E402 - sibling scripts, found through the line above
import ledger_import  # noqa: E402

HOST = dashboard_load.HOST
SLUG = "hampshire-lead-commissioning"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
REFERENCE = re.compile(rb'govuk-panel__body">Your reference number<br><strong>([A-Z0-9-]+)</strong>')
SETUP = """
import django
django.setup()
from importlib import resources
from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import agreement_file_read
from s75.consultations.models import Consultation
from s75.demo.consultations import consultations_demo_load
from s75.demo.governance import governance_demo_load
from s75.demo.services import DEMO_FILES
for name in DEMO_FILES:
    agreement_load(actor=None, document=agreement_file_read(resources.files("s75.demo").joinpath("data", name)))
governance_demo_load()  # Bexley's outcome cites the board's decision
consultations_demo_load()
consultation = Consultation.objects.get(slug="SLUG")
print(";".join(f"{question.pk}:{question.kind}:{question.page}:{question.about_you}:"
               + ",".join(str(option.pk) for option in question.options.all())
               for question in consultation.questions.prefetch_related("options")))
""".replace("SLUG", SLUG)


class Respondent(threading.Thread):
    """One member of the public, answering the survey again and again until ``deadline``."""

    def __init__(self, port: int, questions: list[tuple], deadline: float, number: int, think: float = 0.0):
        super().__init__(daemon=True)
        self.port, self.questions, self.deadline, self.number = port, questions, deadline, number
        self.think = think  # seconds spent reading and answering each page before sending it
        self.sent: list[str] = []
        self.timings: list[float] = []
        self.failures: list[str] = []

    def _page(self, cookies: dict, path: str, answers: dict) -> str:
        """GET the page (for its CSRF token), POST its answers; the address it sends the respondent on to."""
        status, page = dashboard_load.request(self.port, "GET", path, cookies)
        token = TOKEN.search(page)
        if status != 200 or not token:
            raise RuntimeError(f"GET {path} answered {status}")
        body = urlencode({"csrfmiddlewaretoken": token[1].decode(), **answers}, doseq=True)
        time.sleep(self.think)
        status, _ = dashboard_load.request(self.port, "POST", path, cookies, body)
        return status

    def run(self) -> None:
        respondent = 0
        while time.monotonic() < self.deadline:
            respondent += 1
            try:
                self._respond(respondent)
            except (RuntimeError, OSError) as failure:
                self.failures.append(str(failure))

    def _respond(self, respondent: int) -> None:
        cookies: dict = {}
        base = f"/consultations/{SLUG}/respond"
        status, _ = dashboard_load.request(self.port, "GET", f"{base}/", cookies)
        if status != 302:
            raise RuntimeError(f"starting answered {status}")
        for page in sorted({question[2] for question in self.questions if question[3] == "False"}) + ["about-you"]:
            answers = {}
            for question_id, kind, question_page, about_you, options in self.questions:
                if (page == "about-you") != (about_you == "True") or (page != "about-you" and question_page != page):
                    continue
                if kind == "single":
                    answers[f"q{question_id}"] = options[(self.number + respondent) % len(options)]
                elif kind == "rating":
                    answers[f"q{question_id}"] = str(1 + (self.number + respondent) % 5)
                elif kind == "text":
                    answers[f"q{question_id}"] = f"Respondent {self.number}-{respondent} says keep care local."
            if page == "about-you":
                answers["postcode"] = "SO23 8UJ"
            status = self._page(cookies, f"{base}/{page}/", answers)
            if status != 302:
                raise RuntimeError(f"page {page} answered {status}")
        status, page = dashboard_load.request(self.port, "GET", f"{base}/check/", cookies)
        token = TOKEN.search(page)
        if status != 200 or not token:
            raise RuntimeError(f"the check page answered {status}")
        time.sleep(self.think)
        started = time.perf_counter()
        status, _ = dashboard_load.request(self.port, "POST", f"{base}/check/", cookies,
                                           urlencode({"csrfmiddlewaretoken": token[1].decode(), "website": ""}))
        self.timings.append(time.perf_counter() - started)
        if status != 302:
            raise RuntimeError(f"sending answered {status}")
        status, page = dashboard_load.request(self.port, "GET", f"{base}/sent/", cookies)
        reference = REFERENCE.search(page)
        if status != 200 or not reference:
            raise RuntimeError(f"the confirmation answered {status} without a reference")
        self.sent.append(reference[1].decode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, help="Gunicorn workers (default: its setting, 2 x cores + 1).")
    parser.add_argument("--think", type=float, default=2.0,
                        help="Seconds each respondent spends on a page before sending it (default 2; 0 sends the "
                             "pages back to back, a stress test of the machine rather than of respondents).")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL") or ledger_import.DEFAULT_POSTGRES)
    options = parser.parse_args()
    import psycopg

    name = f"s75_bench_consultation_{os.getpid()}"
    database_url = urlunsplit(urlsplit(options.postgres)._replace(path=f"/{name}"))
    with psycopg.connect(options.postgres, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        ledger_import.s75(database_url, "migrate", "-v0")
        ledger_import.s75(database_url, "load_reference_data", "-v0")
        done = subprocess.run([sys.executable, "-c", SETUP], env=ledger_import.child_env(database_url),
                              cwd=ledger_import.ROOT, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"setting up the consultations failed:\n{done.stderr[-3000:]}")
        questions = [(fields[0], fields[1], fields[2], fields[3], fields[4].split(",") if fields[4] else [])
                     for fields in (entry.split(":") for entry in done.stdout.strip().split(";"))]
        with psycopg.connect(database_url) as connection:
            before = connection.execute("SELECT count(*) FROM consultations_response").fetchone()[0]
        results = serve_and_load(options, database_url, questions)
        check(results, database_url, before, options)
    finally:
        with psycopg.connect(options.postgres, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def serve_and_load(options, database_url: str, questions: list[tuple]) -> list[Respondent]:
    with (tempfile.TemporaryDirectory(prefix="s75-bench-consultation-") as folder,
          dashboard_load.redis_server(folder) as (redis_url, _)):
        port = dashboard_load.free_port()
        env = {**ledger_import.child_env(database_url), "S75_VAR_DIR": folder, "S75_BIND": f"{HOST}:{port}",
               "S75_SECURE_SSL_REDIRECT": "false", "S75_REDIS_URL": redis_url,
               "S75_CONSULTATION_RESPONSES_PER_ADDRESS": "1000000"}
        if options.workers:
            env["S75_WORKERS"] = str(options.workers)
        subprocess.run([sys.executable, "-m", "s75", "collectstatic", "--no-input", "-v0"], env=env,
                       cwd=ledger_import.ROOT, check=True)
        log = (Path(folder) / "server.log").open("w+")
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "python:s75.settings.gunicorn",
                                   "--control-socket", str(Path(folder) / "gunicorn.ctl"), "s75.wsgi"],
                                  env=env, cwd=ledger_import.ROOT, stdout=log, stderr=log)
        try:
            dashboard_load.wait_for(port, server, log)
            print(f"Serving with gunicorn ({len(dashboard_load.workers_of(server))} workers) on {HOST}:{port}; "
                  f"{options.clients} respondents for {options.seconds} s, {options.think:g} s on each page; "
                  f"load before {dashboard_load.load()}",
                  flush=True)
            deadline = time.monotonic() + options.seconds
            respondents = [Respondent(port, questions, deadline, number, options.think)
                           for number in range(options.clients)]
            for respondent in respondents:
                respondent.start()
            for respondent in respondents:
                respondent.join()
            print(f"load after {dashboard_load.load()}")
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
    return respondents


def check(respondents: list[Respondent], database_url: str, before: int, options) -> None:
    import psycopg

    sent = [reference for respondent in respondents for reference in respondent.sent]
    timings = sorted(timing for respondent in respondents for timing in respondent.timings)
    failures = [failure for respondent in respondents for failure in respondent.failures]
    with psycopg.connect(database_url) as connection:
        stored = dict(connection.execute(
            "SELECT reference, count(*) FROM consultations_response WHERE channel = 'online' GROUP BY reference"
        ).fetchall())
        total = connection.execute("SELECT count(*) FROM consultations_response").fetchone()[0]
    missing = [reference for reference in sent if stored.get(reference) != 1]
    unconfirmed = total - before - len(sent)
    p50, p95, p99 = (quantiles(timings, n=100)[index] * 1000 for index in (49, 94, 98)) if len(timings) > 1 \
        else (0, 0, 0)
    print(f"sent      {len(sent):,} responses confirmed in {options.seconds} s ({len(sent) / options.seconds:.1f}/s) "
          f"by {options.clients} respondents; {len(failures)} failures")
    print(f"submit    p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms")
    print(f"checked   {len(sent) - len(missing):,} of {len(sent):,} confirmed references stored exactly once; "
          f"{unconfirmed} stored but not confirmed")
    for failure in failures[:5]:
        print(f"failure   {failure}")
    print("Targets: no response lost, and a submission's p95 under 300 ms.")
    if missing or unconfirmed or failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
