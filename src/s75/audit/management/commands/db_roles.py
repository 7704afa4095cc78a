"""`s75 db-roles [--role NAME] [--apply]`: the PostgreSQL role the application runs as, and its grants."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from s75.audit.database_roles import DEFAULT_ROLE, RoleRefused, role_statements


class Command(BaseCommand):
    help = ("Print (or with --apply, run) the SQL that makes the role the application connects as: it owns "
            "nothing, writes the tables it keeps up to date, only adds to the append-only ones, and cannot truncate "
            "or disable triggers. Run as the tables' owner, after every migrate.")

    def add_arguments(self, parser):
        parser.add_argument("--role", default=DEFAULT_ROLE, help=f"The application's role (default {DEFAULT_ROLE}).")
        parser.add_argument("--apply", action="store_true", help="Run the statements instead of printing them.")

    def handle(self, *args, **options):
        try:
            statements = role_statements(connection=connection, role=options["role"])
        except RoleRefused as refused:
            raise CommandError(str(refused)) from refused
        if not options["apply"]:
            self.stdout.write("".join(f"{statement};\n" for statement in statements), ending="")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            f"The role {options['role']} has the application's grants. Give it a password (psql: \\password "
            f"{options['role']}) and put it in DATABASE_URL for the server and the worker; migrate as the owner."
        )
