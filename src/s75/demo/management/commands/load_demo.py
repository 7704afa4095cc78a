"""`s75 load-demo`: the four seed partnerships and the demo users (run `s75 load-reference-data` first)."""

from django.core.management.base import BaseCommand

from s75.demo.services import DEMO_PASSWORD, demo_load
from s75.organisations.selectors import organisation_get_by_code


class Command(BaseCommand):
    help = "Load the Luton, Leicestershire, Bexley and Hampshire partnerships and one demo user per role."

    def handle(self, *args, **options):
        result = demo_load()
        if not options["verbosity"]:
            return
        for reference in result.loaded:
            self.stdout.write(f"Loaded {reference}")
        for reference in result.already_there:
            self.stdout.write(f"Already loaded: {reference}")
        self.stdout.write(f"\nDemo users (password for all: {DEMO_PASSWORD}):")
        for user in result.users:
            role = "Administrator (sees every agreement)" if user.is_superuser else user.role
            where = organisation_get_by_code(code=user.organisation_code).name if user.organisation_code else "-"
            self.stdout.write(f"  {user.username:<22} {role}, {where}")
