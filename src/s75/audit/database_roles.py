"""The PostgreSQL role the application runs as, owning nothing, so that what the database keeps it cannot undo.

The tables' owner (the role ``s75 migrate`` runs as) may ``TRUNCATE``, disable triggers and change
``session_replication_role``; the application's role may do none of these: it may read and write the tables it
keeps up to date, only read and add to the append-only ones (their triggers refuse updates, deletes and
``TRUNCATE`` even so), only read ``django_migrations``, and do nothing on a partition (a year of journal lines)
but through its table. ``s75 db-roles`` prints or applies these statements;
run it again after every ``s75 migrate``, as new tables get no grants of their own.
"""

import re

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
DEFAULT_ROLE = "s75_app"

# Tables whose rows are never updated or deleted (each app's append-only migration refuses it).
APPEND_ONLY = (
    "agreements_transition",
    "agreements_variation",
    "audit_auditevent",
    "commissioning_rechargeline",
    "ledger_journalentry",
    "ledger_journalline",
    "ledger_linesource",  # the source line ids a fund holds, kept by the lines' own check (ledger 0010)
    "reports_reportversion",
    "settlement_settlementapproval",
)
READ_ONLY = ("django_migrations",)


class RoleRefused(Exception):
    """The role cannot be the application's: the message says why and what to do."""


def role_refusal(*, connection, role: str) -> str | None:
    """Why ``role`` cannot be the application's role on this database, or ``None`` when it can."""
    if connection.vendor != "postgresql":
        return "Database roles are PostgreSQL's: on SQLite the application's file permissions are what holds."
    if not ROLE_NAME.fullmatch(role):
        return f"{role!r} is not a usable role name: use lower-case letters, digits and underscores."
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user", [])
        if cursor.fetchone()[0] == role:
            return (f"{role} is the role these statements run as, which owns the tables: the application's role "
                    "must be another one.")
        cursor.execute(
            "SELECT r.rolsuper, (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid) "
            "FROM pg_roles r WHERE r.rolname = %s", [role])
        found = cursor.fetchone()
    if found and found[0]:
        return f"{role} is a superuser, which may do anything: choose a role that is not."
    if found and found[1]:
        return f"{role} owns {found[1]} tables or other objects: choose a role that owns nothing."
    return None


def role_statements(*, connection, role: str) -> list[str]:
    """The SQL that makes ``role`` (if it is not there yet) and gives it exactly the application's rights."""
    refusal = role_refusal(connection=connection, role=role)
    if refusal:
        raise RoleRefused(refusal)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_schema()", [])
        database, schema = cursor.fetchone()
        # A partition (a year of journal lines) is reached through its table, whose rights are the ones checked;
        # the role gets none on the partition itself, so no statement can name it to pass the table's triggers.
        cursor.execute("SELECT relname FROM pg_class WHERE relispartition AND relkind = 'r' "
                       "AND relnamespace = current_schema()::regnamespace", [])
        partitions = {name for (name,) in cursor.fetchall()}
    tables = set(connection.introspection.table_names()) - partitions
    writable = sorted(tables - set(APPEND_ONLY) - set(READ_ONLY))
    append_only = sorted(tables & set(APPEND_ONLY))
    read_only = sorted(tables & set(READ_ONLY))

    def listed(names: list[str]) -> str:
        return ", ".join(quote(name) for name in names)

    who = quote(role)
    statements = [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
        f"THEN CREATE ROLE {who} LOGIN; END IF; END $$",
        f"ALTER ROLE {who} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS",
        f"GRANT CONNECT ON DATABASE {quote(database)} TO {who}",
        f"GRANT USAGE ON SCHEMA {quote(schema)} TO {who}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {quote(schema)} FROM {who}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {quote(schema)} FROM {who}",
    ]
    if writable:
        statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {listed(writable)} TO {who}")
    if append_only:
        statements.append(f"GRANT SELECT, INSERT ON TABLE {listed(append_only)} TO {who}")
    if read_only:
        statements.append(f"GRANT SELECT ON TABLE {listed(read_only)} TO {who}")
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {who}")
    return statements
