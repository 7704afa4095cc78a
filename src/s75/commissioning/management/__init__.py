"""What the commissioning commands share: the refusal of a service as the command's error, each problem a line."""

from django.core.management.base import CommandError

from s75.core.errors import ServiceError


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
