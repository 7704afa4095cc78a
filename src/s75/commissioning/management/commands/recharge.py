"""`s75 recharge --agreement ID --month 2024-25/M06 --format pdf|xlsx|json [--partner ID] [--out FILE] [--post]`: each
partner's recharge statement for a month, and with ``--post`` its posting to the ledger."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from s75.agreements.management import add_user_argument, command_agreement, command_user
from s75.commissioning.exports import statement_workbook
from s75.commissioning.management import command_error
from s75.commissioning.recharges import recharge_post
from s75.commissioning.selectors import Statement, recharge_statement
from s75.commissioning.services import CommissioningError
from s75.commissioning.statement_pdf import statement_pdf
from s75.core.fiscal import FinancialMonth
from s75.ledger.permissions import POST_LEDGER


def statement_document(statement: Statement) -> dict:
    """The statement as plain data, every amount in pence."""
    return {
        "agreement": statement.agreement.reference,
        "partner": statement.party.name_in_agreement,
        "month": statement.month.label,
        "lines": [{"package": line.package.reference, "contract": line.package.contract.reference,
                   "month_of_care": line.cost_month.label, "from": line.first.isoformat(),
                   "to": line.last.isoformat(), "days": line.days, "pence_per_unit": line.pence_per_unit,
                   "units_per_week": str(line.units_per_week), "share_basis_points": line.share_basis_points,
                   "amount_pence": line.amount_pence, "status": line.status or "charged"}
                  for line in statement.lines],
        "total_pence": statement.total_pence,
        "disputed_pence": statement.disputed_pence,
        "posted_entry": statement.recharge.entry_id if statement.recharge else None,
    }


class Command(BaseCommand):
    help = "Each partner's recharge statement for a month (JSON, Excel or PDF); with --post, posted to the ledger."

    def add_arguments(self, parser):
        parser.add_argument("--agreement", required=True, help="The agreement's id or reference.")
        parser.add_argument("--month", required=True, help="The month, e.g. 2024-25/M06.")
        parser.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        parser.add_argument("--partner", type=int, help="Only this partner (its id); default every partner.")
        parser.add_argument("--out", help="Write to this file; an Excel or PDF statement needs it, and with "
                                          "several partners each file is named after its partner.")
        parser.add_argument("--post", action="store_true", help="Post each partner's recharge to the ledger.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        agreement = command_agreement(user, options["agreement"])
        try:
            month = FinancialMonth.parse(options["month"])
        except ValueError as bad:
            raise CommandError(f"{bad}.") from bad
        parties = agreement.parties.order_by("position", "pk")
        if options["partner"]:
            parties = parties.filter(pk=options["partner"])
            if not parties:
                raise CommandError(f"No partner {options['partner']} of {agreement.reference} was found.")
        if options["post"]:
            self._post(user, agreement, parties, month)
        statements = [recharge_statement(agreement=agreement, party=party, month=month) for party in parties]
        if options["format"] == "json":
            text = json.dumps([statement_document(statement) for statement in statements], indent=2) + "\n"
            if options["out"]:
                Path(options["out"]).write_text(text, encoding="utf-8")
                self.stdout.write(f"Wrote {options['out']}.")
            else:
                self.stdout.write(text)
            return
        if not options["out"]:
            raise CommandError(f"{'An Excel' if options['format'] == 'xlsx' else 'A PDF'} statement needs --out "
                               f"FILE.{options['format']}.")
        out = Path(options["out"])
        for statement in statements:
            path = out if len(statements) == 1 else out.with_name(f"{out.stem}-{statement.party.pk}{out.suffix}")
            if options["format"] == "pdf":
                path.write_bytes(statement_pdf(statement=statement))
            else:
                statement_workbook(statement=statement).save(path)
            self.stdout.write(f"Wrote {path}.")

    def _post(self, user, agreement, parties, month) -> None:
        if user is not None and not user.has_perm(POST_LEDGER):
            raise CommandError(f"{user.username} may not post to the ledger (it needs the {POST_LEDGER} permission).")
        for party in parties:
            try:
                recharge = recharge_post(actor=user, agreement=agreement, party=party, month=month,
                                         today=timezone.localdate())
            except CommissioningError as error:
                if len(parties) == 1:
                    raise command_error(error) from None
                self.stderr.write(f"{party.name_in_agreement}: {command_error(error)}")
            else:
                self.stdout.write(f"Posted {party.name_in_agreement}'s recharge for {month}: entry "
                                  f"{recharge.entry_id}.")
