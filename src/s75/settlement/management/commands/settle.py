"""`s75 settle --fund ID --year 2024-25 [--outturn actual|forecast] --format json|xlsx|pdf`: the year-end
settlement of a fund, computed from its ledger (or forecast), its contributions and receipts, and its terms."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_user
from s75.core.fiscal import FinancialYear
from s75.ledger.management import command_fund
from s75.riskshare.allocation import AllocationError
from s75.settlement.models import OutturnBasis, SettlementRun
from s75.settlement.selectors import (
    SettlementUnavailable,
    settlement_compute,
    settlement_inputs,
    settlement_results,
)
from s75.settlement.services import SettlementRefused, settlement_run_create
from s75.settlement.statements import settlement_pdf, settlement_workbook


def run_document(run: SettlementRun) -> dict:
    """The run as plain data: every figure of DESIGN.md §6 step 6 per partner and schedule, in pence, such that
    ``final_share_of_spend = contributions + overspend_share − underspend_share`` and ``net_payment = received −
    final_share_of_spend − carried_forward``."""
    return {
        "agreement": run.agreement.reference,
        "year": run.year_label,
        "version": run.version,
        "status": run.status,
        "outturn": run.outturn_basis,
        **settlement_results(run=run),
    }


class Command(BaseCommand):
    help = "A fund's year-end settlement: each partner's shares, carried forward and net payment, in pence."

    def add_arguments(self, parser):
        parser.add_argument("--fund", type=int, required=True, help="The fund's id.")
        parser.add_argument("--year", required=True, help="The financial year, e.g. 2024-25.")
        parser.add_argument("--outturn", choices=OutturnBasis.values, default=OutturnBasis.ACTUAL,
                            help="Actual spend in the ledger (the default) or the latest forecast outturn.")
        parser.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        parser.add_argument("--out", help="Write to this file (needed for xlsx and pdf).")
        parser.add_argument("--save", action="store_true",
                            help="Keep the result as the year's next draft version for the partners to approve.")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        fund = command_fund(user, options["fund"])
        try:
            year = FinancialYear.parse(options["year"])
        except ValueError as bad:
            raise CommandError(str(bad)) from bad
        if options["format"] != "json" and not options["out"]:
            raise CommandError(f"A {options['format']} statement needs --out FILE.{options['format']}.")
        try:
            if options["save"]:
                run = settlement_run_create(actor=user, agreement=fund.agreement, year=year,
                                            outturn=options["outturn"])
            else:
                inputs = settlement_inputs(agreement=fund.agreement, year=year, outturn=options["outturn"])
                run = SettlementRun(agreement=fund.agreement, financial_year=year.start_year, version=0,
                                    outturn_basis=options["outturn"], inputs=inputs,
                                    results=settlement_compute(inputs=inputs))
        except SettlementRefused as refused:
            raise CommandError("; ".join(refused.problems)) from refused
        except (SettlementUnavailable, AllocationError) as unavailable:
            raise CommandError(str(unavailable)) from unavailable
        if options["format"] == "json":
            text = json.dumps(run_document(run), indent=2) + "\n"
            if options["out"]:
                Path(options["out"]).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
                return
        elif options["format"] == "xlsx":
            settlement_workbook(run=run).save(Path(options["out"]))
        else:
            Path(options["out"]).write_bytes(settlement_pdf(run=run))
        saved = f" (saved as version {run.version})" if run.pk else ""
        self.stdout.write(f"Wrote {options['out']}{saved}.")
