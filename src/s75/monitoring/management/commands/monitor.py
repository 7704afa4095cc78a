"""`s75 monitor --fund ID --period 2024-25/M06 --format json|csv|xlsx`: the monthly monitoring report."""

import io
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from s75.agreements.management import add_user_argument, command_user
from s75.core.exports import csv_writer, pounds, table_workbook
from s75.core.fiscal import FinancialMonth
from s75.ledger.management import command_fund
from s75.monitoring.selectors import MonitoringReport, monitoring_report

SCHEDULE_COLUMNS = ["number", "title", "funding_type", "annual_budget", "budget_to_date", "actual_to_date",
                    "forecast", "method", "variance", "rag"]
MONEY = {"annual_budget", "budget_to_date", "actual_to_date", "forecast", "variance"}


def report_document(report: MonitoringReport) -> dict:
    """The report as plain data, every amount in pence."""
    return {
        "agreement": report.agreement.reference,
        "period": report.period_label,
        "amber_threshold_percent": str(report.amber_threshold_percent),
        "schedules": [{column: getattr(line, column) for column in SCHEDULE_COLUMNS} for line in report.schedules],
        "totals": {column: report.total(column) for column in SCHEDULE_COLUMNS if column in MONEY},
        "partners": [
            {
                "partner": line.party.name_in_agreement,
                "contributions": line.contributions,
                "projected_share_of_spend": line.projected_share_of_spend,
                "projected_excess": line.projected_excess,
                "consent_state": line.consent_state,
                "consent_up_to": line.consent_up_to,
            }
            for line in report.partners
        ],
    }


class Command(BaseCommand):
    help = "The monthly monitoring report of a fund: per schedule and partner, with the prior-agreement states."

    def add_arguments(self, parser):
        parser.add_argument("--fund", type=int, required=True, help="The fund's id.")
        parser.add_argument("--period", required=True, help="The period, e.g. 2024-25/M06.")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--out", help="Write to this file (needed for xlsx).")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = command_user(options)
        fund = command_fund(user, options["fund"])
        try:
            period = FinancialMonth.parse(options["period"])
        except ValueError as bad:
            raise CommandError(f"{bad}.") from bad
        report = monitoring_report(agreement=fund.agreement, year=period.year, month=period.month)
        document = report_document(report)
        if options["format"] == "json":
            self._write(json.dumps(document, indent=2) + "\n", options["out"])
        elif options["format"] == "csv":
            lines = io.StringIO()
            writer = csv_writer(lines)
            writer.writerow(SCHEDULE_COLUMNS)
            writer.writerows([row[column] for column in SCHEDULE_COLUMNS] for row in document["schedules"])
            self._write(lines.getvalue(), options["out"])
        else:
            if not options["out"]:
                raise CommandError("An Excel report needs --out FILE.xlsx.")
            rows = [[pounds(row[c]) if c in MONEY else row[c] for c in SCHEDULE_COLUMNS]
                    for row in document["schedules"]]
            table_workbook(title=report.period_label.replace("/", " "), headers=SCHEDULE_COLUMNS, rows=rows).save(
                Path(options["out"])
            )
            self.stdout.write(f"Wrote {options['out']}.")

    def _write(self, text: str, out: str | None) -> None:
        if out:
            Path(out).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {out}.")
        else:
            self.stdout.write(text, ending="")
