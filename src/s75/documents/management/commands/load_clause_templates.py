"""`s75 load-clause-templates`: install the standard clause templates of the agreement document, once."""

from django.core.management.base import BaseCommand

from s75.documents.services import template_set_install


class Command(BaseCommand):
    help = "Install the standard clause templates of the agreement document if they are not there yet."

    def handle(self, *args, **options):
        version = template_set_install(actor=None)
        if options["verbosity"]:
            self.stdout.write(
                f"Installed {version}." if version else "The standard clause templates are already there."
            )
