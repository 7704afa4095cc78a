"""Reads for the reports: the snapshot of every figure a paper prints, the fund's versions, and where their files
are kept (``var/reports``)."""

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils.dateformat import format as date_format

from s75.core.fiscal import FinancialMonth, FinancialYear, Quarter
from s75.ledger.models import Fund
from s75.monitoring.selectors import monitoring_report

from .models import ReportVersion
from .sections import ReportContext, sections_for

SNAPSHOT_FORMAT = 1


def prepared_by(fund: Fund) -> str:
    """Who the paper is from: the agreement's pooled fund manager at the host partner."""
    agreement = fund.agreement
    host = agreement.host
    who = [part for part in (agreement.pooled_fund_manager_name, agreement.pooled_fund_manager_title) if part]
    if host is not None:
        who.append(host.name_in_agreement)
    return ", ".join(who) or "The pooled fund manager"


def report_snapshot(*, fund: Fund, quarter: Quarter, version: int, prepared_on: date, generated_by: str) -> dict:
    """Every figure (in pence) and word of the fund's paper for the quarter, read now, as plain JSON."""
    agreement = fund.agreement
    report = monitoring_report(agreement=agreement, year=quarter.year, month=quarter.month)
    context = ReportContext(fund, quarter, report)
    return {
        "format": SNAPSHOT_FORMAT,
        "title": "Annual return" if quarter.is_annual else "Quarterly report",
        "fund": {"id": fund.pk, "name": fund.name},
        "agreement": {"reference": agreement.reference, "title": agreement.title,
                      "host": agreement.host.name_in_agreement if agreement.host else "",
                      "partners": [party.name_in_agreement for party in agreement.parties.order_by("position", "id")]},
        "quarter": {
            "label": quarter.label, "year": quarter.year.start_year, "year_label": quarter.year.label,
            "number": quarter.number, "month": quarter.month, "period": f"{quarter.year.label}/M{quarter.month:02d}",
            "months_covered": quarter.months_covered,
            "ends_on": quarter.ends_on.isoformat(), "ends_on_text": date_format(quarter.ends_on, "j F Y"),
        },
        "version": version,
        "prepared_by": prepared_by(fund),
        "prepared_on": prepared_on.isoformat(),
        "prepared_on_text": date_format(prepared_on, "j F Y"),
        "generated_by": generated_by,
        "sections": [{"key": section.key, "title": section.title, "data": section.collect(context)}
                     for section in sections_for(quarter)],
    }


def reports_dir() -> Path:
    return Path(settings.VAR_DIR) / "reports"


def report_versions(*, fund: Fund) -> QuerySet[ReportVersion]:
    return fund.report_versions.select_related("created_by", "reproduces").order_by("-created_at", "-id")


def report_version_get(*, fund: Fund, pk: int) -> ReportVersion:
    """A version of the fund's papers; ``ReportVersion.DoesNotExist`` otherwise."""
    return report_versions(fund=fund).get(pk=pk)


def report_next_number(*, fund: Fund, quarter: Quarter) -> int:
    latest = (ReportVersion.objects.filter(fund=fund, financial_year=quarter.year.start_year, quarter=quarter.number)
              .order_by("-number").values_list("number", flat=True).first())
    return (latest or 0) + 1


def report_file_path(*, version: ReportVersion, fmt: str) -> Path:
    name = {"pdf": version.pdf_file, "xlsx": version.xlsx_file}[fmt]
    if not name:
        raise FileNotFoundError(f"{version} has no {fmt} file")
    return reports_dir() / name


def report_download_name(*, version: ReportVersion, fmt: str) -> str:
    kind = "annual-return" if version.period.is_annual else "quarterly-report"
    return (f"{version.fund.agreement.reference}-{kind}-{version.period.year.label}-Q{version.quarter}"
            f"-v{version.number}.{fmt}")


@dataclass(frozen=True)
class ReportDue:
    """A fund's paper for a quarter that has not been made: the quarterly report, or the annual return for the
    fourth quarter."""

    quarter: Quarter
    due_on: date

    @property
    def title(self) -> str:
        if self.quarter.is_annual:
            return f"Annual return {self.quarter.year.label}"
        return f"Quarterly report {self.quarter.year.label} Q{self.quarter.number}"


def _month_after_ends(day: date) -> date:
    """The last day of the month after ``day``'s."""
    first_after_next = date(day.year + (day.month >= 11), (day.month + 1) % 12 + 1, 1)
    return first_after_next - timedelta(days=1)


def report_due(*, fund: Fund, today: date) -> ReportDue | None:
    """The fund's paper for the latest quarter of its agreement's term to have ended by ``today``, when no version of
    it has been made; None when it has, or no quarter of the term has ended. A paper is due within a month of its
    quarter's end, so that the board can note it within the weeks the forward plan allows
    (``governance.selectors.REPORT_DUE_WEEKS``)."""
    agreement = fund.agreement
    last_day = min(today - timedelta(days=1), agreement.end_date)
    month = FinancialMonth.containing(last_day)
    quarter = Quarter(month.year, (month.month - 1) // 3 + 1)
    if quarter.ends_on > last_day:  # not ended yet: the quarter before it
        before = FinancialYear(quarter.year.start_year - 1)
        quarter = Quarter(quarter.year, quarter.number - 1) if quarter.number > 1 else Quarter(before, 4)
    if quarter.ends_on < agreement.start_date:
        return None
    if ReportVersion.objects.filter(fund=fund, financial_year=quarter.year.start_year,
                                    quarter=quarter.number).exists():
        return None
    return ReportDue(quarter, _month_after_ends(quarter.ends_on))
