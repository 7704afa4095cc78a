"""`s75 bcf-plans [--json] [--year 2025-26] [--user USERNAME]`: the Better Care Fund plans with their totals and the
checks they fail."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from s75.bcf.checks import CHECKS
from s75.bcf.national import plan_rows
from s75.bcf.selectors import plans_visible_to
from s75.core.money import format_gbp

from .bcf_simulate import bcf_year_named


class Command(BaseCommand):
    help = "List the Better Care Fund plans (those a user sees, with --user): area, year, status, totals, checks."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Write JSON, money in pence.")
        parser.add_argument("--year", help="Only this financial year, e.g. 2025-26.")
        parser.add_argument("--user", help="Only the plans this user sees.")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"there is no user {options['user']!r}")
        plans = plans_visible_to(user=user)
        if options["year"]:
            plans = plans.filter(year=bcf_year_named(options["year"]))
        rows = plan_rows(plans=plans)
        if options["json"]:
            self.stdout.write(json.dumps([{
                "area": row.plan.hwb.name, "area_code": row.plan.hwb.code, "year": str(row.plan.year),
                "status": row.plan.status, "income_pence": row.income_pence, "planned_pence": row.planned_pence,
                "checks_failing": row.failing,
            } for row in rows], indent=2))
            return
        for row in rows:
            failing = "; ".join(CHECKS[code] for code in row.failing) or "every check passes"
            self.stdout.write(f"{row.plan.hwb.name}\t{row.plan.year}\t{row.plan.get_status_display()}\t"
                              f"income {format_gbp(row.income_pence, show_pence=True)}\t"
                              f"planned {format_gbp(row.planned_pence, show_pence=True)}\t{failing}")
        self.stdout.write(f"{len(rows)} plan{'' if len(rows) == 1 else 's'}.")
