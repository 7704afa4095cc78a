"""The demo: the four seed partnerships loaded as agreement files, the predecessor PCT, one user per role,
Leicestershire's Better Care Fund plans, and Hampshire's lead commissioning with its recharges."""

import csv
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction

from s75.accounts.models import User
from s75.agreements.file_loading import agreement_load
from s75.agreements.file_reading import agreement_file_read
from s75.agreements.models import Agreement
from s75.budgets.services import instalments_generate, receipt_record
from s75.core.money import format_plain, split_largest_remainder
from s75.documents.services import template_set_install
from s75.ledger.importing import ledger_import
from s75.ledger.mappings import column_mapping_save, cost_centre_mappings_save
from s75.ledger.models import ImportStatus
from s75.ledger.services import fund_open
from s75.organisations.models import OrganisationKind
from s75.organisations.selectors import organisation_get_by_code
from s75.organisations.services import organisation_upsert, succession_record

from .bcf import bcf_demo_load, bcf_lists_demo_load, nhs_england_demo_load
from .commissioning import commissioning_demo_load
from .consultations import consultations_demo_load
from .governance import governance_demo_load

DEMO_PASSWORD = "s75-demo-password"
DEMO_FILES = ("luton.yaml", "leicestershire.yaml", "bexley.yaml", "hampshire.yaml")


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    organisation_code: str | None
    role: str | None
    is_superuser: bool = False


DEMO_USERS = (
    DemoUser("luton.manager", "Pat Manager", "E06000032", "Pooled fund manager"),
    DemoUser("blmk.finance", "Sam Finance", "QHG", "Partner finance lead"),
    DemoUser("luton.finance", "Kim Finance", "E06000032", "Partner finance lead"),
    DemoUser("bexley.commissioner", "Alex Commissioner", "E09000004", "Commissioner"),
    DemoUser("leics.board", "Jo Board", "E10000018", "Board member"),
    DemoUser("luton.auditor", "Chris Auditor", "E06000032", "Auditor"),
    DemoUser("leics.manager", "Lee Manager", "E10000018", "Pooled fund manager"),
    DemoUser("nhse.bcf", "Robin Assurer", "X24", "NHS England"),
    DemoUser("hants.manager", "Dee Lead", "E10000014", "Pooled fund manager"),
    DemoUser("admin", "Site Administrator", None, None, is_superuser=True),
)


@dataclass
class DemoResult:
    loaded: list[str]
    already_there: list[str]
    users: tuple[DemoUser, ...]


def _predecessor_pct() -> None:
    """NHS Luton (the PCT) handed its commissioning to Luton CCG on 1 April 2013, as the seed describes."""
    pct = organisation_upsert(
        actor=None, kind=OrganisationKind.PCT, name="NHS Luton", ods_code="5GW", valid_to=date(2013, 3, 31)
    )
    succession_record(
        actor=None, predecessor=pct, successor=organisation_get_by_code(code="06P"), effective_on=date(2013, 4, 1)
    )


def _demo_user(spec: DemoUser) -> User:
    first, last = spec.full_name.split(" ", 1)
    user, _ = User.objects.get_or_create(username=spec.username)
    user.first_name, user.last_name = first, last
    user.email = f"{spec.username}@example.org"
    user.organisation = organisation_get_by_code(code=spec.organisation_code) if spec.organisation_code else None
    user.is_superuser = user.is_staff = spec.is_superuser
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.set([Group.objects.get(name=spec.role)] if spec.role else [])
    return user


# DESIGN.md §6's illustrative outturn for Luton's 2013/14 schedules, in pence, by schedule number.
LUTON_OUTTURN_2013_14 = {1: 89_000_00, 2: 1_130_000_00, 3: 700_000_00, 4: 4_300_000_00, 5: 520_000_00}
# Winter months cost more: April to March.
LUTON_SPEND_PROFILE = (8, 8, 8, 8, 8, 8, 9, 9, 10, 9, 8, 7)
LUTON_GL_COLUMNS = {"posting_date": "Date", "cost_centre": "Cost Centre", "subjective": "Subjective",
                    "description": "Description", "amount": "Amount", "source_line_id": "Line ID"}


def _luton_ledger_file(path: Path) -> None:
    """The council's general-ledger export for 2013/14 as its finance system writes it: two lines a month per
    schedule (invoices and internal recharges), adding up to the year's outturn to the penny."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(LUTON_GL_COLUMNS.values())
        line = 0
        for number, outturn in LUTON_OUTTURN_2013_14.items():
            for month, monthly in enumerate(split_largest_remainder(outturn, LUTON_SPEND_PROFILE), start=1):
                year, calendar_month = (2013, month + 3) if month <= 9 else (2014, month - 9)
                month_end = date(year + (calendar_month == 12), calendar_month % 12 + 1, 1) - timedelta(days=1)
                for part, (what, amount) in enumerate(zip(("Invoices", "Recharges"), split_largest_remainder(
                        monthly, [3, 1]), strict=True)):
                    line += 1
                    writer.writerow([month_end.strftime("%d/%m/%Y"), f"LJ{number}{part}", "5100",
                                     f"{what} {month_end:%B %Y}", format_plain(amount), f"LBC-1314-{line:05d}"])


def _luton_ledger() -> None:
    """Open Luton's pooled fund and post its 2013/14 general-ledger export through the import (once)."""
    agreement = Agreement.objects.get(reference="luton-s75-s76-2013")
    fund = fund_open(actor=None, agreement=agreement)
    if fund.imports.filter(status=ImportStatus.POSTED).exists():
        return
    mapping = fund.column_mappings.filter(name="Luton finance system").first() or column_mapping_save(
        actor=None, fund=fund, name="Luton finance system", columns=LUTON_GL_COLUMNS
    )
    schedules = {schedule.number: schedule for schedule in agreement.schedules.all()}
    cost_centre_mappings_save(actor=None, fund=fund, mappings={
        f"LJ{number}{part}": schedules[number] for number in LUTON_OUTTURN_2013_14 for part in (0, 1)
    })
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "luton-general-ledger-2013-14.csv"
        _luton_ledger_file(path)
        outcome = ledger_import(actor=None, fund=fund, path=path, mapping=mapping)
    if outcome.problems:
        raise RuntimeError(f"the demo ledger file was refused: {outcome.problems[:3]}")


def _luton_contributions_received() -> None:
    """Both partners paid their 2013/14 contributions in four quarterly instalments, each on its due date."""
    agreement = Agreement.objects.get(reference="luton-s75-s76-2013")
    for party in agreement.parties.all():
        if party.instalments.filter(financial_year=2013).exists():
            continue
        for instalment in instalments_generate(actor=None, agreement=agreement, party=party, financial_year=2013):
            receipt_record(actor=None, instalment=instalment, received_on=instalment.due_on,
                           amount_pence=instalment.amount_pence, reference=f"{party.pk}-2013-{instalment.number}")


@transaction.atomic
def demo_load() -> DemoResult:
    """Load what is missing of the demo; safe to run again (existing agreements are left as they are)."""
    _predecessor_pct()
    bcf_lists_demo_load()
    nhs_england_demo_load()
    loaded, already_there = [], []
    for filename in DEMO_FILES:
        document = agreement_file_read(resources.files("s75.demo").joinpath("data", filename))
        reference = document["agreement"]["reference"]
        if Agreement.objects.filter(reference=reference).exists():
            already_there.append(reference)
            continue
        agreement_load(actor=None, document=document)
        loaded.append(reference)
    for spec in DEMO_USERS:
        _demo_user(spec)
    _luton_ledger()
    governance_demo_load()
    _luton_contributions_received()
    template_set_install(actor=None)
    bcf_demo_load()
    consultations_demo_load()
    commissioning_demo_load()
    return DemoResult(loaded, already_there, DEMO_USERS)
