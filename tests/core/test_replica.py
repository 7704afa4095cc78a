"""Reads on a streaming replica (s75.core.replica). The router's rules on their own; then, on a primary, a standby and
a PgBouncer in session mode of the tests' own (scripts/replica.py), each test run once straight to the databases and
once through PgBouncer (PostgreSQL only): a read-only page reads the replica; a client that wrote reads the primary; a
replica behind by more than the bound, or stopped, sends reads to the primary with a warning; the primary stopped and
started again while the replica serves reads, the site goes on reading and then writes again, without a restart."""

import os
import time
from uuid import uuid4

import pytest
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed

from s75.agreements.models import Agreement
from s75.core import replica
from s75.core.replica import ReplicaRouter
from tests.core.replica import Site, cluster_start, cluster_stop, missing_programs, pg, query, replica_wait

POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# The tests on the cluster: the test database is copied into the tests' own primary, so it must have been made
# (pytest-django makes it for the tests that ask for it).
on_the_cluster = pytest.mark.django_db


@pytest.fixture
def route():
    """A read-only request's route, as the middleware starts it."""
    token = replica._route.set(replica.Route(replica_allowed=True))
    yield replica._route.get()
    replica._route.reset(token)


def test_outside_a_request_everything_goes_to_the_primary():
    """The background worker and the commands read what they write."""
    assert ReplicaRouter().db_for_read(Agreement) == "default"
    assert ReplicaRouter().db_for_write(Agreement) == "default"


def test_a_read_only_request_reads_the_replica_found_fit(route):
    route.read_replica = True
    assert ReplicaRouter().db_for_read(Agreement) == "replica"


def test_a_request_that_wrote_reads_the_primary_from_then_on(route):
    route.read_replica = True
    assert ReplicaRouter().db_for_write(Agreement) == "default"
    assert ReplicaRouter().db_for_read(Agreement) == "default"


def test_inside_a_transaction_reads_go_to_the_primary(route, db):
    """The test runs in a transaction on the primary."""
    route.read_replica = True
    assert ReplicaRouter().db_for_read(Agreement) == "default"


def test_only_the_primary_is_migrated_and_rows_of_both_are_related():
    router, primary, standby = ReplicaRouter(), Agreement(), Agreement()
    primary._state.db, standby._state.db = "default", "replica"
    assert router.allow_migrate("default", "agreements") and not router.allow_migrate("replica", "agreements")
    assert router.allow_relation(primary, standby)


def test_a_client_that_wrote_reads_the_primary_until_a_replica_within_the_bound_has_its_write(settings):
    settings.S75_REPLICA_MAX_LAG_SECONDS, settings.S75_REPLICA_CHECK_SECONDS = 5, 2
    assert replica.replica_pin_seconds() == 7


def test_without_a_replica_nothing_changes():
    assert "replica" not in settings.DATABASES and settings.DATABASE_ROUTERS == []
    with pytest.raises(MiddlewareNotUsed):
        replica.ReplicaReadsMiddleware(lambda request: None)


@pytest.fixture(scope="module")
def cluster(django_db_setup):
    if not POSTGRES:
        pytest.skip("a streaming replica is PostgreSQL's; this run is on SQLite")
    missing = missing_programs()
    if missing:
        message = f"the replica tests need {', '.join(missing)} (apt-get install postgresql-15 pgbouncer)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from django.db import connection

    cluster = cluster_start(connection.settings_dict)
    yield cluster
    cluster_stop(cluster)


@pytest.fixture(scope="module", params=["direct", "pgbouncer"])
def site(request, cluster, tmp_path_factory):
    through = "pgbouncer_" if request.param == "pgbouncer" else ""
    site = Site(cluster[f"{through}primary"], cluster[f"{through}replica"], tmp_path_factory.mktemp("site"))
    site.agreement = site.send("setup")["agreement"]
    yield site
    site.stop()


@pytest.fixture
def reader(cluster, site):
    """The site, its client signed in (the session replayed on the standby) and not pinned to the primary."""
    site.send("max_lag", seconds=60)
    site.send("login")
    site.send("forget_pin")
    replica_wait(cluster)
    return site


@pytest.fixture
def replay_paused(cluster):
    query(cluster["replica"], "SELECT pg_wal_replay_pause()")
    yield
    query(cluster["replica"], "SELECT pg_wal_replay_resume()")
    replica_wait(cluster)


def detail(site: Site) -> str:
    return f"/agreements/{site.agreement}/"


def title_on_primary(cluster: dict, site: Site, title: str) -> None:
    query(cluster["primary"], "UPDATE agreements_agreement SET title = %s WHERE id = %s", title, site.agreement)


@on_the_cluster
def test_a_read_only_page_reads_the_replica(cluster, reader):
    title_on_primary(cluster, reader, "Replayed on the standby")
    replica_wait(cluster)
    page = reader.send("get", path=detail(reader))
    assert page["status"] == 200
    assert "Replayed on the standby" in page["body"]
    assert page["queries"]["default"] == 0, page["on_primary"]
    assert page["queries"]["replica"] > 0
    assert not page["pinned"]
    assert page["warnings"] == []


@on_the_cluster
def test_after_a_write_the_client_reads_the_primary(cluster, reader, replay_paused):
    written = f"Written, not yet replayed ({uuid4().hex[:8]})"
    posted = reader.send("post", path=f"/agreements/{reader.agreement}/schedules/new/",
                         data={"title": written, "funding_type": "pooled"})
    assert posted["status"] == 302, posted["body"]
    assert posted["pinned"]
    page = reader.send("get", path=detail(reader))
    assert written in page["body"]
    assert page["queries"]["replica"] == 0
    # Once the pin has lapsed, the same client reads the replica, which has not replayed the write (its bound is 60 s).
    reader.send("forget_pin")
    page = reader.send("get", path=detail(reader))
    assert page["queries"]["default"] == 0
    assert written not in page["body"]


@on_the_cluster
def test_a_replica_behind_by_more_than_the_bound_sends_reads_to_the_primary(cluster, reader, replay_paused):
    reader.send("max_lag", seconds=0.5)
    title_on_primary(cluster, reader, "Only on the primary")
    page = wait_for_page(reader, lambda page: page["queries"]["replica"] == 0)
    assert page["status"] == 200
    assert "Only on the primary" in page["body"]
    assert any("behind, more than S75_REPLICA_MAX_LAG_SECONDS" in warning for warning in page["warnings"])


@on_the_cluster
def test_a_stopped_replica_sends_reads_to_the_primary(cluster, reader):
    pg(cluster, "standby", "stop")
    try:
        # At once, while the site still holds the replica fit: the page is drawn again from the primary.
        page = reader.send("get", path=detail(reader))
        assert page["status"] == 200
        assert page["queries"]["default"] > 0
        assert any("cannot be reached" in warning for warning in page["warnings"])
        assert reader.send("get", path=detail(reader))["status"] == 200
    finally:
        pg(cluster, "standby", "start")
    replica_wait(cluster)
    wait_for_page(reader, lambda page: page["queries"]["default"] == 0)


@on_the_cluster
def test_the_replica_serves_reads_while_the_primary_restarts(cluster, reader):
    pg(cluster, "primary", "stop")
    try:
        for _ in range(3):
            page = reader.send("get", path=detail(reader))
            assert page["status"] == 200
            assert page["queries"]["replica"] > 0
    finally:
        pg(cluster, "primary", "start")
    # The site's connections to the primary died with it; the next write opens new ones.
    written = f"Written after the restart ({uuid4().hex[:8]})"
    posted = reader.send("post", path=f"/agreements/{reader.agreement}/schedules/new/",
                         data={"title": written, "funding_type": "pooled"})
    assert posted["status"] == 302, posted["body"]
    assert written in reader.send("get", path=detail(reader))["body"]


def wait_for_page(site: Site, condition, seconds: float = 15) -> dict:
    """The agreement's page, asked for until ``condition`` holds of the answer; the warnings of every answer."""
    deadline = time.monotonic() + seconds
    warnings = []
    while True:
        page = site.send("get", path=detail(site))
        warnings += page["warnings"]
        if condition(page):
            return {**page, "warnings": warnings}
        assert time.monotonic() < deadline, f"the page did not change in {seconds} s: {page['queries']}"
        time.sleep(0.1)
