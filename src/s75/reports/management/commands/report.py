"""`s75 report --fund ID --quarter 2024-25/Q2 --format pdf|xlsx [--out FILE]`: make a new version of the fund's
quarterly report (Q1 to Q3) or annual return (Q4), kept with its figures like one made from the fund's pages;
``--reproduce N`` draws the quarter's version N again from its figures instead."""

import shutil

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_user
from s75.core.fiscal import Quarter
from s75.ledger.management import command_fund
from s75.reports.models import ReportFormat, ReportVersion
from s75.reports.selectors import report_file_path
from s75.reports.services import STAGE_TEXT, ReportError, report_version_create, report_version_reproduce


class Command(BaseCommand):
    help = "Make the quarterly report or annual return of a fund as a PDF or an Excel workbook, and keep it."

    def add_arguments(self, parser):
        parser.add_argument("--fund", type=int, required=True, help="The fund's id.")
        parser.add_argument("--quarter", required=True, help="The quarter, e.g. 2024-25/Q2 (Q4: the annual return).")
        parser.add_argument("--format", choices=ReportFormat.values, required=True)
        parser.add_argument("--out", help="Also write the file here.")
        parser.add_argument("--reproduce", type=int, metavar="N",
                            help="Draw the quarter's version N again from its figures instead of reading them now.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        fund = command_fund(user, options["fund"])
        try:
            quarter = Quarter.parse(options["quarter"])
        except ValueError as bad:
            raise CommandError(str(bad)) from bad
        fmt = options["format"]
        try:
            if options["reproduce"] is None:
                version = report_version_create(actor=user, fund=fund, quarter=quarter, formats=[fmt],
                                                progress=self._progress)
            else:
                original = ReportVersion.objects.filter(
                    fund=fund, financial_year=quarter.year.start_year, quarter=quarter.number,
                    number=options["reproduce"],
                ).first()
                if original is None:
                    raise CommandError(f"{quarter.label} has no version {options['reproduce']}.")
                if fmt not in original.formats:
                    raise CommandError(f"Version {original.number} was not made as {fmt}.")
                version = report_version_reproduce(actor=user, version=original, progress=self._progress)
        except ReportError as refused:
            raise CommandError(str(refused)) from refused
        stored = report_file_path(version=version, fmt=fmt)
        if options["out"]:
            shutil.copyfile(stored, options["out"])
        self.stdout.write(f"{version}: {options['out'] or stored}")

    def _progress(self, done: int, total: int, stage: str) -> None:
        self.stderr.write(STAGE_TEXT.get(stage, stage))
