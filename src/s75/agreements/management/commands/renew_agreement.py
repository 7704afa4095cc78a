"""`s75 renew-agreement ID_OR_REFERENCE --reference NEW --start DATE --end DATE`: draft the agreement's renewal."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_agreement, command_user
from s75.agreements.permissions import MANAGE_AGREEMENT
from s75.agreements.renewal import agreement_renew
from s75.agreements.services import AgreementError


class Command(BaseCommand):
    help = (
        "Draft a renewal: the same schedules and terms for a new term, each party replaced by its successor on the "
        "new start date, contributions left for the new term."
    )

    def add_arguments(self, parser):
        parser.add_argument("agreement", metavar="ID_OR_REFERENCE")
        parser.add_argument("--reference", required=True, help="The renewal's reference, e.g. bexley-s75-2027.")
        parser.add_argument("--start", required=True, type=date.fromisoformat, help="First day (YYYY-MM-DD).")
        parser.add_argument("--end", required=True, type=date.fromisoformat, help="Last day (YYYY-MM-DD).")
        parser.add_argument("--title", default="", help="The renewal's title (default: the agreement's).")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        agreement = command_agreement(user, options["agreement"])
        if user is not None and not user.has_perm(MANAGE_AGREEMENT):
            raise CommandError(f"{user} may not renew agreements: that needs the permission to manage agreements.")
        try:
            renewal = agreement_renew(
                actor=user, agreement=agreement, reference=options["reference"], start_date=options["start"],
                end_date=options["end"], title=options["title"],
            )
        except (AgreementError, PermissionDenied) as refused:
            problems = getattr(refused, "problems", [str(refused)])
            raise CommandError("The renewal was refused: " + "; ".join(problems)) from refused
        self.stdout.write(f"Drafted {renewal.reference} (id {renewal.pk}), renewing {agreement.reference}.")
