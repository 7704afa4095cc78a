"""`s75 consultation-export ID --format xlsx|csv [--with-personal-data]`: every response, one column per option."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_user
from s75.consultations.exports import responses_csv, responses_workbook
from s75.consultations.models import Consultation
from s75.consultations.permissions import MANAGE_CONSULTATION
from s75.consultations.selectors import consultation_get, user_may_manage


class Command(BaseCommand):
    help = ("Write every response to a consultation as Excel or CSV: one column per option of each choice question, "
            "one per other question; with --with-personal-data the respondents' details too (staff who manage it).")

    def add_arguments(self, parser):
        parser.add_argument("consultation", type=int, metavar="ID", help="The consultation's id (s75 consultations).")
        parser.add_argument("--format", choices=("xlsx", "csv"), required=True)
        parser.add_argument("--with-personal-data", action="store_true",
                            help="Add name, e-mail, postcode and organisation.")
        parser.add_argument("--output", help="The file to write (default: <address>-responses.<format>).")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        try:
            consultation = consultation_get(user=user, pk=options["consultation"])
        except Consultation.DoesNotExist as exc:
            raise CommandError(f"No consultation {options['consultation']} was found.") from exc
        personal = options["with_personal_data"]
        if personal and user is not None and not user_may_manage(user=user, consultation=consultation,
                                                                 permission=MANAGE_CONSULTATION):
            raise CommandError(f"{user} may not see respondents' personal data: leave out --with-personal-data.")
        path = Path(options["output"] or f"{consultation.slug}-responses.{options['format']}")
        if options["format"] == "xlsx":
            responses_workbook(consultation=consultation, with_personal_data=personal).save(path)
        else:
            path.write_text(responses_csv(consultation=consultation, with_personal_data=personal), encoding="utf-8")
        self.stdout.write(f"Wrote {consultation.responses.count()} responses to {path}.")
