"""`s75 load-demo`: the four seed partnerships and the demo users (run `s75 load-reference-data` first)."""

from django.core.management.base import BaseCommand

from s75.demo.services import DEMO_PASSWORD, demo_load


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
            role = "administrator (sees every agreement)" if user.is_superuser else user.role
            where = user.organisation_code or "no organisation"
            self.stdout.write(f"  {user.username:<22} {role} at {where}")
