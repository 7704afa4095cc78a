"""What the commissioning commands share: the refusal of a service as the command's error, each problem a line, and
the imports' command (a file, ``--dry-run``, ``--map``, the permission to post)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_agreement, command_user
from s75.core.errors import ServiceError
from s75.ledger.permissions import POST_LEDGER


def command_error(error: ServiceError) -> CommandError:
    return CommandError("\n".join(str(problem)[0].upper() + str(problem)[1:] for problem in error.problems))


def command_mapping(pairs: list[str], fields) -> dict[str, str]:
    """``--map FIELD=HEADING`` options as a mapping of the import's fields to the file's headings."""
    mapping = {}
    for pair in pairs:
        field, equals, heading = pair.partition("=")
        if not equals or field not in fields:
            raise CommandError(f"--map {pair!r}: write FIELD=HEADING, FIELD one of {', '.join(fields)}.")
        mapping[field] = heading
    return mapping


def add_import_arguments(parser, fields) -> None:
    parser.add_argument("file", help="The CSV or XLSX file.")
    parser.add_argument("--dry-run", action="store_true", help="Check every row and load nothing.")
    parser.add_argument("--map", action="append", default=[], metavar="FIELD=HEADING",
                        help=f"The heading a field is under, when not the usual one; fields: {', '.join(fields)}.")


class ImportCommand(BaseCommand):
    """An import of a case-management export: ``what`` it loads, its ``fields`` (heading by field), whether it is
    under an ``--agreement``, the service that ``load``s it; a subclass's ``summary(result)`` says what it did."""

    what: str
    fields: dict[str, str]
    under_agreement = True
    load: staticmethod

    def add_arguments(self, parser):
        add_import_arguments(parser, self.fields)
        if self.under_agreement:
            parser.add_argument("--agreement", required=True, help="The agreement's id or reference.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        under = {"agreement": command_agreement(user, options["agreement"])} if self.under_agreement else {}
        if user is not None and not options["dry_run"] and not user.has_perm(POST_LEDGER):
            raise CommandError(f"{user.username} may not load {self.what} (it needs the {POST_LEDGER} permission).")
        mapping = command_mapping(options["map"], self.fields)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path} was found.")
        try:
            result = self.load(actor=user, path=path, filename=path.name, mapping=mapping,
                               dry_run=options["dry_run"], **under)
        except ServiceError as error:
            raise command_error(error) from None
        summary = self.summary(result)
        self.stdout.write(f"Dry run, nothing saved: {summary}." if result.dry_run else f"Loaded: {summary}.")
