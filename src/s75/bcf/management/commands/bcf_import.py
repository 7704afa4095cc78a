"""`s75 bcf-import FILE.xlsx [--plan ID] [--dry-run]`: read a filled-in planning workbook into its plan, whole or
not at all."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_user
from s75.bcf.management import command_plan
from s75.bcf.permissions import MANAGE_PLAN
from s75.bcf.workbook_reading import WorkbookRejected, plan_workbook_read


class Command(BaseCommand):
    help = ("Read a filled-in Better Care Fund planning workbook into the plan its cover names (created when the "
            "area has none for the year), or into --plan. Every cell is checked first; if any has a problem, each is "
            "printed as 'sheet, row N, column C: reason' and nothing is saved.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The planning workbook (.xlsx), as s75 exported it and filled in.")
        parser.add_argument("--plan", metavar="ID", help="The plan to fill in (default: the one the cover names).")
        parser.add_argument("--dry-run", action="store_true", help="Check the workbook and save nothing.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        if user is not None and not options["dry_run"] and not user.has_perm(MANAGE_PLAN):
            raise CommandError(f"{user.username} may not prepare Better Care Fund plans (it needs the {MANAGE_PLAN} "
                               "permission).")
        plan = command_plan(user, options["plan"]) if options["plan"] else None
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path} cannot be read: {error.strerror}.") from error
        try:
            result = plan_workbook_read(data, actor=user, plan=plan, dry_run=options["dry_run"])
        except WorkbookRejected as error:
            for problem in error.cell_problems:
                self.stderr.write(str(problem))
            count = len(error.cell_problems)
            raise CommandError(f"{path.name} was rejected ({count:,} problem{'' if count == 1 else 's'}): nothing was "
                               "saved.") from error
        if result.dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        else:
            self.stdout.write(f"{'Created' if result.created else 'Updated'} {result.plan} (plan {result.plan.pk}).")
        self.stdout.write(result.summary)
