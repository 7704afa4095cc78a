"""`s75 import-contracts FILE --agreement ID [--dry-run] [--map FIELD=HEADING ...]`: place contracts, with their
rates (a row per rate), under an agreement's schedules from a CSV or XLSX file, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_agreement, command_user
from s75.commissioning.contract_importing import CONTRACT_MAPPING, contracts_import
from s75.commissioning.management import add_import_arguments, command_error, command_mapping
from s75.commissioning.services import CommissioningError
from s75.ledger.permissions import POST_LEDGER


class Command(BaseCommand):
    help = "Place contracts and their rates from a CSV or XLSX file: every row or none, each bad row named."

    def add_arguments(self, parser):
        add_import_arguments(parser, CONTRACT_MAPPING)
        parser.add_argument("--agreement", required=True, help="The agreement's id or reference.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        agreement = command_agreement(user, options["agreement"])
        if user is not None and not options["dry_run"] and not user.has_perm(POST_LEDGER):
            raise CommandError(f"{user.username} may not load contracts (it needs the {POST_LEDGER} permission).")
        mapping = command_mapping(options["map"], CONTRACT_MAPPING)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path} was found.")
        try:
            result = contracts_import(actor=user, agreement=agreement, path=path, filename=path.name,
                                      mapping=mapping, dry_run=options["dry_run"])
        except CommissioningError as error:
            raise command_error(error) from None
        summary = f"contracts placed {result.loaded:,}, already placed {result.already_loaded:,}"
        self.stdout.write(f"Dry run, nothing saved: {summary}." if result.dry_run else f"Loaded: {summary}.")
