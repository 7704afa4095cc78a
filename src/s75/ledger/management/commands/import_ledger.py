"""`s75 import-ledger FILE --fund ID`: post a general-ledger export (CSV or XLSX) to a fund, whole or not at all."""

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_user
from s75.core.money import format_gbp
from s75.jobs.progress import ProgressFile, ProgressLine
from s75.ledger.importing import CHECKED, HELD, POSTED, ledger_import
from s75.ledger.management import command_fund
from s75.ledger.mappings import column_mapping_for
from s75.ledger.permissions import POST_LEDGER
from s75.ledger.services import LedgerError


class Command(BaseCommand):
    # The system checks load every URLconf, and with it every view module, before the first row is read: time a
    # raw load of the same file does not spend. `s75 check` and `s75 migrate` run them.
    requires_system_checks = []
    help = (
        "Import a general-ledger file (CSV or XLSX) into a fund's ledger. Every row is checked first; if any has "
        "a problem, each is printed as 'row N, column C: reason' and nothing is posted. A file posted before is "
        "refused, and rows whose source line id the fund already holds are left out. A file with lines in a "
        "financial year that has no budget is held back unless --post-anyway says why it should post."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file exported from the finance system.")
        parser.add_argument("--fund", required=True, metavar="ID", help="The fund's id.")
        parser.add_argument("--mapping", metavar="NAME",
                            help="The fund's column mapping to read the file with (needed when it has several).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check the file and show what it would post, posting nothing.")
        parser.add_argument("--post-anyway", metavar="WHY", default="",
                            help="Post the file although it has lines in a financial year with no budget; WHY is "
                                 "kept in the audit trail.")
        parser.add_argument("--progress-file", metavar="PATH",
                            help="Also write the progress as JSON to this file (rows done, total, rate, time left).")
        parser.add_argument("--quiet", action="store_true", help="No progress line on stderr.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        if options["post_anyway"] and not options["post_anyway"].strip():
            raise CommandError("--post-anyway needs a reason: say why the file should post all the same.")
        user = command_user(options)
        fund = command_fund(user, options["fund"])
        if user is not None and not options["dry_run"] and not user.has_perm(POST_LEDGER):
            raise CommandError(f"{user.username} may not post to the ledger (it needs the {POST_LEDGER} permission).")
        try:
            mapping = column_mapping_for(fund=fund, name=options["mapping"])
        except LedgerError as exc:
            raise CommandError(f"{exc}.") from exc
        line = None if options["quiet"] else ProgressLine(self.stderr._out)
        progress_file = ProgressFile(options["progress_file"]) if options["progress_file"] else None

        def progress(done, total, stage="reading"):
            if line is not None:
                line(done, total, stage)
            if progress_file is not None:
                progress_file(done, total, stage)

        try:
            outcome = ledger_import(actor=user, fund=fund, path=options["file"], mapping=mapping,
                                    dry_run=options["dry_run"], post_anyway=options["post_anyway"], progress=progress)
        finally:
            if line is not None:
                line.end()
        if outcome.status == HELD:
            self._summary(outcome)
            for problem in outcome.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{outcome.filename} is held back, nothing was posted: it has lines in a year with no "
                               "budget. Record the year's contributions, or run the import again with "
                               "--post-anyway \"why it should post\".")
        if outcome.status not in {POSTED, CHECKED}:
            for problem in outcome.problems:
                self.stderr.write(str(problem))
            if outcome.problems_not_listed:
                self.stderr.write(f"… and {outcome.problems_not_listed:,} more problems not listed.")
            count = len(outcome.problems) + outcome.problems_not_listed
            raise CommandError(f"{outcome.filename} was rejected ({count:,} problem{'' if count == 1 else 's'}): "
                               "nothing was posted.")
        self._summary(outcome)

    def _summary(self, outcome):
        write = self.stdout.write
        verb = "posted" if outcome.status == POSTED else "would post"
        heading = f"Posted as import {outcome.ledger_import.pk}." if outcome.status == POSTED else (
            "Dry run: nothing was posted." if outcome.dry_run else "Nothing was posted.")
        write(heading)
        total = format_gbp(outcome.total_pence, show_pence=True)
        write(f"Rows: {outcome.rows_total:,}; {verb}: {outcome.rows_posted:,}; "
              f"already posted: {outcome.rows_already_posted:,}; total: {total}")
        if outcome.totals:
            width = max(len(f"{total.schedule_number} {total.schedule}") for total in outcome.totals)
            write("")
            write(f"{'Schedule'.ljust(width)}  {'Period':<11}  {'Rows':>9}  {'Amount':>16}")
            for total in outcome.totals:
                write(f"{f'{total.schedule_number} {total.schedule}'.ljust(width)}  {total.period:<11}  "
                      f"{total.rows:>9,}  {format_gbp(total.pence, show_pence=True):>16}")
