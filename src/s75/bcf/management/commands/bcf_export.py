"""`s75 bcf-export --plan ID --template planning|quarterly|year-end [--quarter Q2] --out FILE.xlsx`: a plan as the
national template's workbook."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_user
from s75.bcf.management import command_plan
from s75.bcf.workbook_layout import TEMPLATES
from s75.bcf.workbook_writing import template_problems, workbook_for


def quarter_number(text: str | None) -> int | None:
    if text is None:
        return None
    number = text.strip().upper().removeprefix("Q")
    if number not in {"1", "2", "3", "4"}:
        raise CommandError(f"{text!r} is not a quarter: write it like Q2.")
    return int(number)


class Command(BaseCommand):
    help = ("Write a Better Care Fund plan as the planning template, a quarterly return (with the actual spend of "
            "each scheme to the end of the quarter, from the ledger) or the year-end return, as an Excel workbook.")

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, metavar="ID", help="The plan's id.")
        parser.add_argument("--template", required=True, choices=list(TEMPLATES), help="Which workbook to write.")
        parser.add_argument("--quarter", metavar="Q2", help="The quarter of a quarterly return: Q1, Q2, Q3 or Q4.")
        parser.add_argument("--out", required=True, metavar="FILE.xlsx", help="Where to write the workbook.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        plan = command_plan(user, options["plan"])
        quarter = quarter_number(options["quarter"])
        problems = template_problems(options["template"], quarter)
        if problems:
            raise CommandError(f"{problems[0].capitalize()}.")
        path = Path(options["out"])
        try:
            path.write_bytes(workbook_for(plan, options["template"], quarter))
        except OSError as error:
            raise CommandError(f"{path} cannot be written: {error.strerror}.") from error
        self.stdout.write(f"Wrote {TEMPLATES[options['template']].lower()} of {plan} to {path}.")
