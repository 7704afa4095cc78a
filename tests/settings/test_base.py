"""The database settings: PostgreSQL connections prepare the statements they repeat, keeping the URL's options."""

from s75.settings.base import database_from_env


def test_postgresql_binds_on_the_server_and_prepares_repeated_statements(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://s75@db:5432/s75?sslmode=require")
    options = database_from_env("", conn_max_age=60)["OPTIONS"]
    assert options == {"sslmode": "require", "server_side_binding": True, "prepare_threshold": 5}


def test_sqlite_is_left_without_them(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/s75.sqlite3")
    assert "server_side_binding" not in database_from_env("")["OPTIONS"]
