"""`s75 api-token USERNAME NAME`: make a personal API token for a user from the server's shell, as the account page
does, and print its secret (shown only this once)."""

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import command_user
from s75.api.models import TokenScope
from s75.api.services import LIFETIMES_DAYS, ApiTokenError, api_token_create


class Command(BaseCommand):
    help = "Make a personal API token for a user and print its secret, which is shown only this once."

    def add_arguments(self, parser):
        parser.add_argument("user", metavar="USERNAME", help="Whose token it is: it sees what they see.")
        parser.add_argument("name", help="What the token is for.")
        parser.add_argument("--write", action="store_true", help="Read and write (read only without it).")
        parser.add_argument("--days", type=int, default=90, choices=LIFETIMES_DAYS, help="How long it lasts.")

    def handle(self, *args, **options):
        user = command_user({"user": options["user"]})
        try:
            made = api_token_create(actor=user, name=options["name"], days=options["days"],
                                    scope=TokenScope.WRITE if options["write"] else TokenScope.READ)
        except ApiTokenError as refused:
            raise CommandError("; ".join(refused.problems)) from refused
        self.stdout.write(made.secret)
