"""`s75 load-agreement FILE`: create an agreement from an agreement file (docs/agreement-file.md)."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import AgreementFileError, agreement_file_read
from s75.agreements.management import add_user_argument, command_user


class Command(BaseCommand):
    help = (
        "Load an agreement file (YAML, or JSON when the name ends .json). The whole file is checked first; every "
        "problem is printed as 'path: message' and nothing is loaded unless there are none. A user needs the "
        "permission to manage agreements, and their organisation must be one of the file's parties."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The agreement file.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        try:
            agreement = agreement_load(actor=user, document=agreement_file_read(options["file"]))
        except PermissionDenied as refused:
            raise CommandError(str(refused)) from refused
        except AgreementFileError as failed:
            for problem in failed.errors:
                self.stderr.write(str(problem))
            count = len(failed.errors)
            raise CommandError(
                f"{options['file']}: {count} problem{'s' if count != 1 else ''}; nothing was loaded."
            ) from failed
        self.stdout.write(
            f"Loaded agreement {agreement.pk}: {agreement.reference} ({agreement.title}), "
            f"{agreement.get_status_display().lower()}."
        )
