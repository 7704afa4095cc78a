"""`s75 renewal-alerts`: email the renewal alert of every agreement that has entered its notice period.

Run it daily (cron or a scheduler); each agreement is alerted once.
"""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from s75.agreements.services import renewal_alerts_send


class Command(BaseCommand):
    help = "Send renewal alerts for agreements within their renewal notice period (default six months)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Judge as at this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        sent = renewal_alerts_send(today=today or timezone.localdate())
        for agreement in sent:
            self.stdout.write(f"Renewal alert sent: {agreement.reference} ends {agreement.end_date:%d %B %Y}")
        if not sent:
            self.stdout.write("No new renewal alerts.")
