"""`s75 agreement-document ID_OR_REFERENCE --out FILE.docx`: write the agreement as a Word draft."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from s75.agreements.management import add_user_argument, command_agreement, command_user
from s75.documents.clauses import ClauseTooLong
from s75.documents.models import TemplateSetVersion
from s75.documents.selectors import agreement_draft, agreement_template_version
from s75.documents.word import agreement_docx


class Command(BaseCommand):
    help = ("Write an agreement as a Word (.docx) draft, with the latest of its host's clause templates or "
            "--template-version N.")

    def add_arguments(self, parser):
        parser.add_argument("agreement", metavar="ID_OR_REFERENCE", help="The agreement's id or reference.")
        parser.add_argument("--out", metavar="FILE.docx", required=True, help="The Word file to write.")
        parser.add_argument("--template-version", metavar="N", type=int,
                            help="Draft with this version of the clause templates (default: the latest).")
        add_user_argument(parser)

    def handle(self, *args, **options):
        agreement = command_agreement(command_user(options), options["agreement"])
        try:
            version = agreement_template_version(agreement=agreement, number=options["template_version"])
        except TemplateSetVersion.DoesNotExist as exc:
            wanted = options["template_version"]
            raise CommandError(
                f"The clause templates have no version {wanted}." if wanted is not None
                else "No clause templates are installed: run `s75 load-clause-templates` first."
            ) from exc
        try:
            draft = agreement_draft(agreement=agreement, version=version, today=timezone.localdate())
        except ClauseTooLong as error:
            raise CommandError(str(error)) from error
        Path(options["out"]).write_bytes(agreement_docx(draft))
        self.stdout.write(
            f"Wrote {agreement.reference} to {options['out']} (clause templates version {version.number})."
        )
