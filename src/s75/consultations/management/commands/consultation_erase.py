"""`s75 consultation-erase ID --reference REF`: erase a respondent's personal data on request, keeping the answers."""

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_user
from s75.consultations.models import Consultation
from s75.consultations.permissions import ERASE_PERSONAL_DATA
from s75.consultations.selectors import consultation_get, user_may_manage
from s75.consultations.services import ConsultationRefused, consultation_erase


class Command(BaseCommand):
    help = "Erase the personal data (name, e-mail, postcode, organisation) of one response; its answers are kept."

    def add_arguments(self, parser):
        parser.add_argument("consultation", type=int, metavar="ID", help="The consultation's id (s75 consultations).")
        parser.add_argument("--reference", required=True, help="The response's reference, e.g. ABCD-2345.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        try:
            consultation = consultation_get(user=user, pk=options["consultation"])
        except Consultation.DoesNotExist as exc:
            raise CommandError(f"No consultation {options['consultation']} was found.") from exc
        if user is not None and not user_may_manage(user=user, consultation=consultation,
                                                    permission=ERASE_PERSONAL_DATA):
            raise CommandError(f"{user} may not erase respondents' personal data.")
        try:
            response = consultation_erase(actor=user, consultation=consultation, reference=options["reference"])
        except ConsultationRefused as refused:
            raise CommandError("; ".join(refused.problems)) from refused
        self.stdout.write(f"Erased the personal data of response {response.reference}; its answers are kept.")
