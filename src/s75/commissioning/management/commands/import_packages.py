"""`s75 import-packages FILE --agreement ID [--dry-run] [--map FIELD=HEADING ...]`: load care packages from a CSV or
XLSX file, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_agreement, command_user
from s75.commissioning.importing import DEFAULT_MAPPING, packages_import
from s75.commissioning.management import command_error
from s75.commissioning.services import CommissioningError
from s75.ledger.permissions import POST_LEDGER


class Command(BaseCommand):
    help = "Load care packages from a CSV or XLSX file: every row or none, each bad row named."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument("--agreement", required=True, help="The agreement's id or reference.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and load nothing.")
        parser.add_argument("--map", action="append", default=[], metavar="FIELD=HEADING",
                            help=f"The heading a field is under, when not the usual one; fields: "
                                 f"{', '.join(DEFAULT_MAPPING)}.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        agreement = command_agreement(user, options["agreement"])
        if user is not None and not options["dry_run"] and not user.has_perm(POST_LEDGER):
            raise CommandError(f"{user.username} may not load packages (it needs the {POST_LEDGER} permission).")
        mapping = {}
        for pair in options["map"]:
            field, equals, heading = pair.partition("=")
            if not equals or field not in DEFAULT_MAPPING:
                raise CommandError(f"--map {pair!r}: write FIELD=HEADING, FIELD one of {', '.join(DEFAULT_MAPPING)}.")
            mapping[field] = heading
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path} was found.")
        try:
            result = packages_import(actor=user, agreement=agreement, path=path, filename=path.name,
                                     mapping=mapping, dry_run=options["dry_run"])
        except CommissioningError as error:
            raise command_error(error) from None
        summary = (f"packages placed {result.packages_placed:,}, changes {result.changes:,}, ends {result.ends:,}, "
                   f"rows already loaded {result.rows_already_loaded:,}")
        self.stdout.write(f"Dry run, nothing saved: {summary}." if result.dry_run else f"Loaded: {summary}.")
