"""The database settings: PostgreSQL connections prepare the statements they repeat, keeping the URL's options; a
replica at S75_REPLICA_URL is a second alias of PostgreSQL, routed, given up on quickly, and mirrored in tests."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from s75.settings.base import database_from_url, databases_from_env


def test_postgresql_binds_on_the_server_and_prepares_repeated_statements():
    options = database_from_url("postgres://s75@db:5432/s75?sslmode=require", conn_max_age=60)["OPTIONS"]
    assert options == {"sslmode": "require", "server_side_binding": True, "prepare_threshold": 5}


def test_sqlite_is_left_without_them():
    assert "server_side_binding" not in database_from_url("sqlite:///var/s75.sqlite3")["OPTIONS"]


def test_without_a_replica_there_is_one_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://s75@db:5432/s75")
    monkeypatch.delenv("S75_REPLICA_URL", raising=False)
    assert list(databases_from_env("", conn_max_age=60)) == ["default"]


def test_a_replica_is_a_second_alias_kept_and_checked_like_the_primary(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://s75@db:5432/s75")
    monkeypatch.setenv("S75_REPLICA_URL", "postgres://s75@replica:5432/s75")
    replica = databases_from_env("", conn_max_age=60)["replica"]
    assert (replica["HOST"], replica["CONN_MAX_AGE"], replica["CONN_HEALTH_CHECKS"]) == ("replica", 60, True)
    assert replica["OPTIONS"]["connect_timeout"] == 2
    assert replica["TEST"] == {"MIRROR": "default"}


def test_a_replica_of_sqlite_is_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/s75.sqlite3")
    monkeypatch.setenv("S75_REPLICA_URL", "postgres://s75@replica:5432/s75")
    with pytest.raises(ImproperlyConfigured, match="both must be postgres:// URLs"):
        databases_from_env("")
