"""`s75 export-agreement ID_OR_REFERENCE`: write an agreement as an agreement file (docs/agreement-file.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from s75.agreements.document import agreement_document, agreement_file_text
from s75.agreements.management import add_user_argument, command_agreement, command_user


class Command(BaseCommand):
    help = "Write an agreement as an agreement file: YAML by default, JSON with --format json or an --out FILE.json."

    def add_arguments(self, parser):
        parser.add_argument("agreement", metavar="ID_OR_REFERENCE", help="The agreement's id or reference.")
        parser.add_argument("--format", choices=["yaml", "json"], help="yaml (the default) or json.")
        parser.add_argument("--out", metavar="FILE", help="Write to this file instead of the standard output.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        agreement = command_agreement(command_user(options), options["agreement"])
        out = options["out"]
        file_format = options["format"] or ("json" if out and out.lower().endswith(".json") else "yaml")
        text = agreement_file_text(agreement_document(agreement=agreement), file_format=file_format)
        if out is None:
            self.stdout.write(text, ending="")
            return
        Path(out).write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {agreement.reference} to {out}.")
