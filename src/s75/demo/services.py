"""The demo: the four seed partnerships loaded as agreement files, the predecessor PCT, one user per role."""

from dataclasses import dataclass
from datetime import date
from importlib import resources

from django.contrib.auth.models import Group
from django.db import transaction

from s75.accounts.models import User
from s75.agreements.fileformat import agreement_file_read, agreement_load
from s75.agreements.models import Agreement
from s75.organisations.models import OrganisationKind
from s75.organisations.selectors import organisation_get_by_code
from s75.organisations.services import organisation_upsert, succession_record

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
    DemoUser("bexley.commissioner", "Alex Commissioner", "E09000004", "Commissioner"),
    DemoUser("leics.board", "Jo Board", "E10000018", "Board member"),
    DemoUser("luton.auditor", "Chris Auditor", "E06000032", "Auditor"),
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


@transaction.atomic
def demo_load() -> DemoResult:
    """Load what is missing of the demo; safe to run again (existing agreements are left as they are)."""
    _predecessor_pct()
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
    return DemoResult(loaded, already_there, DEMO_USERS)
