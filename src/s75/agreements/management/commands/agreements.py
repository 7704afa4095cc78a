"""`s75 agreements`: the agreements a user may see (or, for the system operator, every agreement)."""

import json

from django.core.management.base import BaseCommand
from django.db.models import Prefetch

from s75.agreements.management import add_user_argument, command_user
from s75.agreements.models import Agreement, Party
from s75.agreements.selectors import agreements_visible_to

COLUMNS = ("Reference", "Title", "Status", "Term", "Partners")


class Command(BaseCommand):
    help = "List agreements: reference, title, status, term and partners, as a table or as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Write JSON instead of a table.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        agreements = agreements_visible_to(user=user).prefetch_related(
            Prefetch("parties", queryset=Party.objects.select_related("organisation"))
        ).order_by("title")
        if options["json"]:
            self.stdout.write(json.dumps([_as_json(agreement) for agreement in agreements], indent=2,
                                         ensure_ascii=False))
            return
        rows = [
            (agreement.reference, agreement.title, agreement.get_status_display(),
             f"{agreement.start_date:%d %b %Y} to {agreement.end_date:%d %b %Y}",
             ", ".join(party.name_in_agreement for party in agreement.parties.all()))
            for agreement in agreements
        ]
        if not rows:
            self.stdout.write("No agreements.")
            return
        widths = [max(len(row[column]) for row in [COLUMNS, *rows]) for column in range(len(COLUMNS))]
        for row in [COLUMNS, *rows]:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _as_json(agreement: Agreement) -> dict:
    return {
        "id": agreement.pk,
        "reference": agreement.reference,
        "title": agreement.title,
        "status": agreement.status,
        "term": {"start": agreement.start_date.isoformat(), "end": agreement.end_date.isoformat()},
        "partners": [
            {"organisation": party.organisation.code, "name": party.name_in_agreement, "host": party.is_host}
            for party in agreement.parties.all()
        ],
    }
