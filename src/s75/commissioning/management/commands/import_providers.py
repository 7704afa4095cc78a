"""`s75 import-providers FILE [--dry-run] [--map FIELD=HEADING ...]`: register a lead commissioner's providers from
a CSV or XLSX file, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_user
from s75.commissioning.contract_importing import PROVIDER_MAPPING, providers_import
from s75.commissioning.management import add_import_arguments, command_error, command_mapping
from s75.commissioning.services import CommissioningError
from s75.ledger.permissions import POST_LEDGER


class Command(BaseCommand):
    help = "Register providers from a CSV or XLSX file: every row or none, each bad row named."

    def add_arguments(self, parser):
        add_import_arguments(parser, PROVIDER_MAPPING)
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        if user is not None and not options["dry_run"] and not user.has_perm(POST_LEDGER):
            raise CommandError(f"{user.username} may not load providers (it needs the {POST_LEDGER} permission).")
        mapping = command_mapping(options["map"], PROVIDER_MAPPING)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path} was found.")
        try:
            result = providers_import(actor=user, path=path, filename=path.name, mapping=mapping,
                                      dry_run=options["dry_run"])
        except CommissioningError as error:
            raise command_error(error) from None
        summary = f"providers registered {result.loaded:,}, already registered {result.already_loaded:,}"
        self.stdout.write(f"Dry run, nothing saved: {summary}." if result.dry_run else f"Loaded: {summary}.")
