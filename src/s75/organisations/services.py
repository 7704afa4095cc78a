"""Writes to the organisation register, including the load of the public reference lists."""

import csv
from dataclasses import dataclass
from datetime import date
from importlib import resources

from django.db import transaction

from s75.audit.services import audit_record, snapshot
from s75.core.kept import generation_move

from .models import REGISTER_GENERATION, Organisation, OrganisationKind, Succession

ICB_START = date(2022, 7, 1)
CCG_LAST_DAY = date(2022, 6, 30)

_LA_KIND_BY_ONS_PREFIX = {
    "E06": OrganisationKind.UNITARY_AUTHORITY,
    "E07": OrganisationKind.DISTRICT_COUNCIL,
    "E08": OrganisationKind.METROPOLITAN_DISTRICT,
    "E09": OrganisationKind.LONDON_BOROUGH,
    "E10": OrganisationKind.COUNTY_COUNCIL,
}


@dataclass
class ReferenceLoadResult:
    icbs: int = 0
    ccgs: int = 0
    local_authorities: int = 0
    successions: int = 0
    unmatched: tuple[str, ...] = ()


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("s75.organisations").joinpath("data", filename).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


@transaction.atomic
def organisation_upsert(
    *, actor, kind: str, name: str, ods_code: str | None = None, ons_code: str | None = None, **fields
) -> Organisation:
    """Create the organisation with this ODS (else ONS) code, or bring its details up to date."""
    lookup = {"ods_code": ods_code} if ods_code else {"ons_code": ons_code}
    org = Organisation.objects.filter(**lookup).first()
    values = {"kind": kind, "name": name, "ods_code": ods_code or None, "ons_code": ons_code or None, **fields}
    if org is None:
        generation_move(REGISTER_GENERATION)
        org = Organisation.objects.create(created_by=actor, modified_by=actor, **values)
        audit_record(actor=actor, action="organisation_create", obj=org, after=snapshot(org))
        return org
    before = {key: getattr(org, key) for key in values}
    changed = {key: value for key, value in values.items() if getattr(org, key) != value}
    if changed:
        generation_move(REGISTER_GENERATION)
        for key, value in changed.items():
            setattr(org, key, value)
        org.modified_by = actor
        org.save()
        audit_record(
            actor=actor, action="organisation_update", obj=org,
            before={k: str(before[k]) for k in changed}, after={k: str(v) for k, v in changed.items()},
        )
    return org


@transaction.atomic
def succession_record(*, actor, predecessor: Organisation, successor: Organisation, effective_on: date) -> Succession:
    succession, created = Succession.objects.get_or_create(
        predecessor=predecessor, successor=successor,
        defaults={"effective_on": effective_on, "created_by": actor, "modified_by": actor},
    )
    if created:
        generation_move(REGISTER_GENERATION)
        audit_record(actor=actor, action="succession_record", obj=succession, after={"effective_on": str(effective_on)})
    return succession


@transaction.atomic
def reference_data_load(*, actor=None) -> ReferenceLoadResult:
    """Load the 42 ICBs, the 2020 CCGs (each succeeded by its ICB on 1 July 2022) and England's councils.

    Safe to run again: rows are matched on their codes and brought up to date.
    """
    result = ReferenceLoadResult()
    icbs = {}
    for row in _rows("icb_list_2023_ods_ons.csv"):
        icbs[row["icb_ods_code"]] = organisation_upsert(
            actor=actor, kind=OrganisationKind.ICB, name=row["icb_name"], ods_code=row["icb_ods_code"],
            ons_code=row["icb_ons_code"], valid_from=ICB_START, region=row["nhs_region_name"],
        )
        result.icbs += 1
    unmatched = []
    for row in _rows("ons_ccg20_to_stp20_lookup_england.csv"):
        ccg = organisation_upsert(
            actor=actor, kind=OrganisationKind.CCG, name=row["CCG20NM"], ods_code=row["CCG20CDH"],
            ons_code=row["CCG20CD"], valid_to=CCG_LAST_DAY,
        )
        result.ccgs += 1
        icb = icbs.get(row["STP20CDH"])
        if icb is None:
            unmatched.append(f"{row['CCG20NM']} ({row['CCG20CDH']}): no ICB has the code {row['STP20CDH']}")
            continue
        succession_record(actor=actor, predecessor=ccg, successor=icb, effective_on=ICB_START)
        result.successions += 1
    upper_tier = {}
    lookup = [row for row in _rows("ons_ltla19_to_utla19_lookup_england_wales.csv") if row["UTLA19CD"].startswith("E")]
    for row in lookup:
        code = row["UTLA19CD"]
        if code not in upper_tier:
            upper_tier[code] = organisation_upsert(
                actor=actor, kind=_LA_KIND_BY_ONS_PREFIX[code[:3]], name=row["UTLA19NM"], ons_code=code
            )
            result.local_authorities += 1
    for row in lookup:
        if row["LTLA19CD"] != row["UTLA19CD"]:
            organisation_upsert(
                actor=actor, kind=_LA_KIND_BY_ONS_PREFIX[row["LTLA19CD"][:3]], name=row["LTLA19NM"],
                ons_code=row["LTLA19CD"], parent=upper_tier[row["UTLA19CD"]],
            )
            result.local_authorities += 1
    result.unmatched = tuple(unmatched)
    return result
