"""Benchmark: the Better Care Fund national view against one raw GROUP BY over the same plan lines (issue 14).

Builds the simulated plans of every HWB area (about 150, through ``s75 bcf-simulate``, seed 1) in a scratch
database: a fresh SQLite file by default, or with ``--database-url`` a PostgreSQL database of its own created on
that server (and dropped at the end unless ``--keep``). Then, in the same run, best of 5 each:

- one raw ``SELECT scheme_type_id, SUM(planned_pence) FROM bcf_expenditureline GROUP BY scheme_type_id``;
- ``national_view(user=<an NHS England user>)``, every table and every plan's failing checks, drawn afresh;
- ``national_kept``, what the page and the workbook ask for: the version of the view's inputs, then the filter
  choices and the page's figures, tables and chart from the cache (kept by the first call);
- the full page, ``GET /bcf/national/``, through Django's test client: drawn afresh (the cache emptied before each
  request) and kept; and, for what any page costs, the bare signed-in page ``GET /account/``.

It prints each time, the ratios to the raw query, the cache's backend and the one-minute load average before and
after.

    PYTHONPATH=src .venv/bin/python bench/bcf_national.py [--areas N] [--database-url postgres://...] [--keep]

Target: the view within 2x the raw query (docs/adr/0008: met by ``national_kept``).
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
RAW_QUERY = "SELECT scheme_type_id, SUM(planned_pence) FROM bcf_expenditureline GROUP BY scheme_type_id"


def best_of(function) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def scratch_postgres(url: str) -> tuple[str, callable]:
    """A database of its own on the server of ``url``, and how to drop it."""
    import psycopg

    name = f"s75_bench_bcf_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(urlsplit(url)._replace(path=f"/{name}")), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=0, help="Only the first N areas (default: every area).")
    parser.add_argument("--database-url", help="A PostgreSQL server to make a scratch database on.")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch PostgreSQL database.")
    options = parser.parse_args()
    drop = None
    folder = tempfile.TemporaryDirectory()
    if options.database_url:
        url, drop = scratch_postgres(options.database_url)
    else:
        url = f"sqlite:///{folder.name}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "s75.settings.dev"
    sys.path.insert(0, str(ROOT / "src"))
    try:
        run(options.areas, engine="PostgreSQL" if options.database_url else "SQLite")
    finally:
        if drop is not None and not options.keep:
            from django.db import connections

            connections.close_all()
            drop()
        folder.cleanup()


def run(areas: int, *, engine: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client

    from s75.accounts.models import User
    from s75.accounts.services import roles_sync
    from s75.bcf.models import BcfYear, ExpenditureLine, Plan
    from s75.bcf.national import national_view
    from s75.bcf.national_views import national_kept
    from s75.bcf.simulate import bcf_simulate, reference_areas
    from s75.organisations.models import Organisation, OrganisationKind

    settings.ALLOWED_HOSTS = ["*"]
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("bcf_lists", stdout=io.StringIO())
    roles_sync()
    codes = sorted(reference_areas()[0])
    bcf_simulate(year=BcfYear.objects.get(financial_year=2025), seed=1, codes=codes[:areas] if areas else None)
    england = Organisation.objects.create(name="NHS England", kind=OrganisationKind.NHS_ENGLAND)
    user = User.objects.create(username="bench.england", organisation=england)
    user.groups.set([Group.objects.get(name="NHS England")])
    user = User.objects.get(pk=user.pk)
    print(f"{engine}: {Plan.objects.count()} plans, {ExpenditureLine.objects.count()} lines, built in "
          f"{time.perf_counter() - start:.0f} s")
    client = Client()
    client.force_login(user)

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_QUERY)
            cursor.fetchall()

    def page() -> None:
        response = client.get("/bcf/national/")
        assert response.status_code == 200, response.status_code

    def bare() -> None:
        response = client.get("/account/")
        assert response.status_code == 200, response.status_code

    def page_afresh() -> None:
        cache.clear()
        page()

    national_view(user=user)  # the user's permissions, read once, as on any request after the first
    query = QueryDict()
    national_kept(user=user, query=query)
    load_before = os.getloadavg()[0]
    raw_seconds = best_of(raw)
    timings = [
        ("national_view (drawn)", best_of(lambda: national_view(user=user))),
        ("national_kept (kept)", best_of(lambda: national_kept(user=user, query=query))),
        ("page GET (drawn)", best_of(page_afresh)),
        ("page GET (kept)", best_of(page)),
        ("bare page GET /account/", best_of(bare)),
    ]
    load_after = os.getloadavg()[0]
    print(f"cache: {settings.CACHES['default']['BACKEND']}")
    print(f"{'raw GROUP BY':24}{raw_seconds * 1000:8.2f} ms")
    for name, seconds in timings:
        print(f"{name:24}{seconds * 1000:8.2f} ms   {seconds / raw_seconds:6.1f}x the raw query")
    print(f"load average (1 min): {load_before:.2f} before, {load_after:.2f} after")


if __name__ == "__main__":
    main()
