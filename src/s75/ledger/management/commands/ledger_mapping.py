"""`s75 ledger-mapping --fund ID`: save how a fund's general-ledger files are read, or show it."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_user
from s75.ledger.import_files import LedgerFileError, file_facts, file_rows, heading_key
from s75.ledger.management import command_fund
from s75.ledger.mappings import (
    FIELDS,
    column_mapping_save,
    cost_centre_mappings_save,
    cost_centre_rows_read,
)
from s75.ledger.permissions import POST_LEDGER
from s75.ledger.services import LedgerError

HEADINGS = {"cost centre", "cost center", "cost centre code", "code"}  # a first row that heads the columns


def _columns(text: str) -> dict[str, str]:
    columns = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, equals, heading = part.partition("=")
        if not equals:
            raise CommandError(f"{part.strip()!r} is not field=Heading (fields: {', '.join(FIELDS)}).")
        columns[name.strip()] = heading.strip()
    return columns


class Command(BaseCommand):
    help = (
        "Save a column mapping (which column of the finance system's export holds each field) and the mapping of "
        "cost centres to the agreement's schedules. With neither, show the fund's mappings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fund", required=True, metavar="ID", help="The fund's id.")
        parser.add_argument("--name", default="default", help="The column mapping's name (default: default).")
        parser.add_argument(
            "--columns", metavar="FIELD=HEADING,...",
            help=f"e.g. 'posting_date=Date,cost_centre=Cost Centre,amount=Amount'. Fields: {', '.join(FIELDS)}.",
        )
        parser.add_argument(
            "--cost-centres", metavar="FILE",
            help="A CSV file of cost centre, schedule (number or title) pairs; a heading row is allowed.",
        )
        parser.add_argument("--replace", action="store_true",
                            help="Unmap the cost centres the file does not list.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        fund = command_fund(user, options["fund"])
        if not options["columns"] and not options["cost_centres"]:
            self._show(fund)
            return
        if user is not None and not user.has_perm(POST_LEDGER):
            raise CommandError(f"{user.username} may not change how files are imported ({POST_LEDGER}).")
        try:
            if options["columns"]:
                mapping = fund.column_mappings.filter(name=options["name"].strip()).first()
                mapping = column_mapping_save(actor=user, fund=fund, name=options["name"],
                                              columns=_columns(options["columns"]), mapping=mapping)
                self.stdout.write(f"Column mapping {mapping.name!r} saved.")
            if options["cost_centres"]:
                mappings = self._cost_centres(fund, Path(options["cost_centres"]))
                change = cost_centre_mappings_save(actor=user, fund=fund, mappings=mappings,
                                                   replace=options["replace"])
                self.stdout.write(f"Cost centres: {change.added} added, {change.changed} changed, "
                                  f"{change.removed} removed.")
        except LedgerError as exc:
            raise CommandError("\n".join(exc.problems)) from exc

    def _cost_centres(self, fund, path: Path):
        try:
            facts = file_facts(path)
            with file_rows(path, facts.kind) as rows:
                listed = list(rows)
        except (OSError, LedgerFileError, csv.Error) as exc:
            raise CommandError(f"{path} cannot be read: {exc}") from exc
        if listed and listed[0][1] and heading_key(str(listed[0][1][0])).replace("_", " ") in HEADINGS:
            listed = listed[1:]
        mappings, problems = cost_centre_rows_read(fund=fund, rows=listed)
        if problems:
            raise CommandError("\n".join(problems))
        return mappings

    def _show(self, fund):
        for mapping in fund.column_mappings.order_by("name"):
            pairs = ", ".join(f"{name}={mapping.columns[name]}" for name in FIELDS if name in mapping.columns)
            self.stdout.write(f"Column mapping {mapping.name!r}: {pairs}")
        for row in fund.cost_centres.select_related("schedule").order_by("cost_centre"):
            self.stdout.write(f"Cost centre {row.cost_centre} → schedule {row.schedule.number} {row.schedule.title}")
