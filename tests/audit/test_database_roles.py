"""`s75 db-roles`: the application's PostgreSQL role owns nothing, so it cannot undo what the database keeps.

The PostgreSQL tests make the role in the test database, connect as it, and show that ``TRUNCATE``,
``ALTER TABLE … DISABLE TRIGGER`` and ``SET session_replication_role`` are refused while a normal write works.
"""

import os
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from s75.audit.database_roles import APPEND_ONLY, role_statements

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's")


def run(*args) -> str:
    stdout = StringIO()
    call_command("db_roles", *args, stdout=stdout)
    return stdout.getvalue()


def _connect(**as_whom):
    settings = connection.settings_dict
    return psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None, dbname=settings["NAME"],
                           **({"user": settings["USER"], "password": settings["PASSWORD"] or None} | as_whom))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="on PostgreSQL the command prints the grants")
def test_on_sqlite_the_command_says_roles_are_postgresqls():
    with pytest.raises(CommandError, match="Database roles are PostgreSQL's"):
        run()


@postgresql_only
def test_the_grants_are_printed_by_default_and_add_only_to_append_only_tables():
    printed = run("--role", "s75_web")
    assert printed.startswith("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 's75_web') ")
    assert 'GRANT SELECT, INSERT ON TABLE "agreements_transition", "agreements_variation", "audit_auditevent"' \
        in printed
    writable = next(line for line in printed.splitlines() if line.startswith("GRANT SELECT, INSERT, UPDATE, DELETE"))
    assert '"agreements_agreement"' in writable
    assert not any(f'"{table}"' in writable for table in [*APPEND_ONLY, "django_migrations"])
    assert 'GRANT SELECT ON TABLE "django_migrations" TO "s75_web";' in printed
    assert "TRUNCATE" not in printed and "TRIGGER" not in printed
    assert not connection.cursor().execute("SELECT 1 FROM pg_roles WHERE rolname = 's75_web'").fetchall()


@postgresql_only
@pytest.mark.parametrize(("role", "refusal"), [
    ("s75-web; DROP TABLE audit_auditevent", "is not a usable role name"),
    ("postgres", "is the role these statements run as"),
])
def test_a_role_that_owns_the_tables_or_cannot_be_named_is_refused(role, refusal):
    with pytest.raises(CommandError, match=refusal):
        run("--role", role)


@postgresql_only
def test_apply_makes_the_role_with_no_more_than_the_applications_rights():
    assert run("--apply", "--role", "s75_applied").startswith("The role s75_applied has the application's grants.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege('s75_applied', 'audit_auditevent', 'INSERT'), "
            "has_table_privilege('s75_applied', 'audit_auditevent', 'UPDATE'), "
            "has_table_privilege('s75_applied', 'audit_auditevent', 'TRUNCATE'), "
            "has_table_privilege('s75_applied', 'agreements_agreement', 'UPDATE'), "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = 's75_applied')")
        assert cursor.fetchone() == (True, False, False, True, False)


@pytest.fixture
def application_role():
    """A role made in the test database by the statements `s75 db-roles --apply` runs, committed (so that another
    connection can sign in as it) and dropped afterwards."""
    role = f"s75_test_app_{os.getpid()}"
    statements = role_statements(connection=connection, role=role)
    with _connect(autocommit=True) as owner:
        for statement in statements:
            owner.execute(statement)
    yield role
    with _connect(autocommit=True) as owner:
        owner.execute(f'DROP OWNED BY "{role}"')
        owner.execute(f'DROP ROLE "{role}"')


@postgresql_only
@pytest.mark.parametrize("statement", [
    "TRUNCATE audit_auditevent",
    "TRUNCATE agreements_agreement CASCADE",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "ALTER TABLE ledger_journalline DISABLE TRIGGER ledger_journalline_append_only",
    "SET session_replication_role = replica",
    "UPDATE audit_auditevent SET reason = 'rewritten'",
    "DELETE FROM ledger_journalline",
    "DELETE FROM ledger_linesource",
    "DROP TABLE audit_auditevent",
])
def test_the_application_role_is_refused_what_would_undo_the_record(application_role, statement):
    with _connect(user=application_role, password=None) as app, pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute(statement)


@postgresql_only
def test_the_application_role_reads_and_writes_as_the_application_does(application_role):
    with _connect(user=application_role, password=None) as app:
        organisation_id, name = app.execute("SELECT id, name FROM organisations_organisation ORDER BY id").fetchone()
        app.execute("UPDATE organisations_organisation SET name = %s WHERE id = %s", [name + " (renamed)",
                                                                                     organisation_id])
        app.execute("INSERT INTO audit_auditevent (at, action, object_type, object_id, object_repr, reason) "
                    "VALUES (now(), 'role_test', 'organisation', %s, %s, '')", [organisation_id, name])
        assert app.execute("SELECT name FROM organisations_organisation WHERE id = %s",
                           [organisation_id]).fetchone() == (name + " (renamed)",)
        assert app.execute("SELECT object_id FROM audit_auditevent WHERE action = 'role_test'").fetchall() == [
            (str(organisation_id),)]
        app.rollback()
