"""`s75 consultations`: the consultations a user may see (or, for the system operator, every one), with their status
and how many responses came by each channel."""

import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from s75.agreements.management import add_user_argument, command_user
from s75.consultations.selectors import consultation_counts, consultations_visible_to
from s75.consultations.status import consultation_status

COLUMNS = ("Id", "Address", "Title", "Status", "Opens", "Closes", "Responses")


class Command(BaseCommand):
    help = "List consultations: id, address, title, status, times (Europe/London) and responses, as a table or JSON."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Write JSON instead of a table.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        now = timezone.now()
        consultations = consultations_visible_to(user=command_user(options)).order_by("opens_at", "title")
        listed = [{
            "id": consultation.pk, "slug": consultation.slug, "title": consultation.title,
            "agreement": consultation.agreement.reference, "status": consultation_status(consultation, now=now).value,
            "opens_at": timezone.localtime(consultation.opens_at).isoformat(),
            "closes_at": timezone.localtime(consultation.closes_at).isoformat(),
            "responses": consultation_counts(consultation=consultation),
        } for consultation in consultations]
        if options["json"]:
            self.stdout.write(json.dumps(listed, indent=2, ensure_ascii=False))
            return
        if not listed:
            self.stdout.write("No consultations.")
            return
        rows = [(str(row["id"]), row["slug"], row["title"], row["status"].replace("_", " "),
                 row["opens_at"][:16].replace("T", " "), row["closes_at"][:16].replace("T", " "),
                 str(sum(row["responses"].values()))) for row in listed]
        widths = [max(len(row[column]) for row in [COLUMNS, *rows]) for column in range(len(COLUMNS))]
        for row in [COLUMNS, *rows]:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
