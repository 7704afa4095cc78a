"""`s75 load-reference-data`: the public organisation lists and the roles. Safe to run again.

It lives with the accounts, above the organisations in the layers, because it loads both."""

from django.core.management.base import BaseCommand

from s75.accounts.services import roles_sync
from s75.organisations.services import reference_data_load


class Command(BaseCommand):
    help = "Load the ICBs, 2020 CCGs (with their ICB successors) and councils of England, and the user roles."

    def handle(self, *args, **options):
        result = reference_data_load()
        roles = roles_sync()
        if options["verbosity"]:
            self.stdout.write(
                f"Organisations: {result.icbs} ICBs, {result.ccgs} CCGs, {result.local_authorities} councils; "
                f"{result.successions} CCG → ICB successions; {len(roles)} roles."
            )
        for problem in result.unmatched:
            self.stderr.write(f"Not linked: {problem}")
