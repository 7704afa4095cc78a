"""Test set-up shared by the whole suite: one database per run (SQLite or PostgreSQL, by DATABASE_URL),
loaded once with the public reference data and the roles, and factories for everything else."""

import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.factories import UserFactory
from tests.ledger.importfiles import scratch_database


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)
        call_command("bcf_lists", verbosity=0)
    yield
    if connection.vendor == "postgresql":
        # The live server's thread keeps its own connection; end it so the test database can be dropped.
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def manager(db):
    """A pooled fund manager at a local authority that has no agreements until a test makes them."""
    return UserFactory(role="Pooled fund manager")


@pytest.fixture(scope="module")
def scratch(request, tmp_path_factory):
    """A database of the test module's own, of the same kind as the test database, migrated and holding the import
    fund (tests/ledger/importfiles.py), for the tests that run ``s75`` in processes of their own."""
    vendor = "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"
    name = f"test_s75_{os.getpid()}_" + request.module.__name__.removeprefix("tests.").replace(".", "_")
    yield from scratch_database(vendor, tmp_path_factory.mktemp("scratch"), name)
