"""Loading an agreement file into the register: the whole file is checked first (``file_checks``), then the
agreement is built through the services, in one transaction, and the file's history replayed to reach its status.

A change a service refuses is reported at the path of the file it came from: each problem names the service's
argument it concerns (``s75.core.errors.Problem.field``), which the loader turns into the field of the file's entry
(``end_date`` of ``agreement_create`` is ``agreement.term.end``).
"""

from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from s75.core.errors import ServiceError
from s75.core.files import text_problems
from s75.organisations.models import Organisation
from s75.organisations.selectors import organisation_get_by_code, organisation_lineage_ids

from .file_checks import FileChecks, entries, mapping, parse_date, parse_moment, schema_problems
from .file_parts import file_parts
from .file_reading import AgreementFileError, FileProblem
from .lifecycle import TRANSITIONS
from .models import Agreement, AgreementStatus, Party, Schedule
from .permissions import MANAGE_AGREEMENT, TRANSITION_AGREEMENT
from .services import agreement_create, agreement_transition, approval_record, party_add, schedule_create

LOADED_REASON = "Loaded from an agreement file"

# Each service's arguments → the fields of the file's entry they come from, where the names differ.
AGREEMENT_PATHS = {"reference": "reference", "title": "title", "start_date": "term.start", "end_date": "term.end",
                   "basis_s75": "legal_basis", "pooled_fund": "flexibilities"}
PARTY_PATHS = {"organisation": "organisation", "is_host": "host"}
SCHEDULE_PATHS = {"number": "number", "title": "title", "lead_commissioner": "lead_commissioner"}
APPROVAL_PATHS = {"party": "party", "decided_on": "decided_on", "decision_maker": "decision_maker"}
MOVE_PATHS = {"reason": "reason", "end_reason": "end_reason", "at": "at"}


@contextmanager
def at(path: str, fields: dict[str, str] | None = None, prefix: str = "") -> Iterator[None]:
    """Report a change a service refuses as problems at ``path`` of the file: each at the field ``fields`` maps its
    argument to, or at ``path`` itself (a problem of the act as a whole)."""
    try:
        yield
    except ServiceError as refused:
        raise AgreementFileError([
            FileProblem(f"{path}.{fields[problem.field]}" if fields and problem.field in fields else path,
                        f"{prefix}{problem}")
            for problem in refused.problems
        ]) from refused


@dataclass(frozen=True)
class Loading:
    """What a registered part (``file_parts``) loads into: the agreement being built and its parties (by their
    organisation's code) and schedules (by number), with :meth:`at` to report a refusal where it lies."""

    actor: object
    agreement: Agreement
    parties: dict[str, Party]
    schedules: dict[int, Schedule]

    at = staticmethod(at)


def _check_may_load(actor, document: dict) -> None:
    """A user loads an agreement only with the permission to manage agreements (and to move agreements through
    their lifecycle, when the file's agreement is past draft), and only as one of its parties."""
    if not actor.has_perm(MANAGE_AGREEMENT):
        raise PermissionDenied(f"{actor} may not load agreements: that needs the permission to manage agreements")
    agreement = document.get("agreement") if isinstance(document.get("agreement"), dict) else {}
    if agreement.get("status", "draft") != "draft" and not actor.has_perm(TRANSITION_AGREEMENT):
        raise PermissionDenied(f"{actor} may not load an agreement that is {agreement.get('status')}: that needs "
                               f"the permission to move agreements through their lifecycle")
    if actor.is_superuser:
        return
    lineage = organisation_lineage_ids(organisation=actor.organisation) if actor.organisation_id else set()
    for _, party in entries(document.get("parties")):
        code = party.get("organisation")
        try:
            if isinstance(code, str) and organisation_get_by_code(code=code).pk in lineage:
                return
        except Organisation.DoesNotExist:
            continue
    organisation = actor.organisation or "Your account, which has no organisation,"
    raise PermissionDenied(f"{organisation} is not a party to this agreement: you may load only agreements your "
                           f"organisation (or one it succeeded) is party to")


def _status_words(status: str) -> str:
    return AgreementStatus(status).label.lower()


def _transition(*, actor, agreement: Agreement, path: str, before: str, after: str, **context) -> None:
    fields = MOVE_PATHS if path.startswith("history[") else None
    with at(path, fields, prefix=f"cannot move from {_status_words(before)} to {_status_words(after)}: "):
        agreement_transition(actor=actor, agreement=agreement, to_status=after, **context)


def _shortest_path(to_status: str) -> list[str]:
    """The statuses an agreement passes through from draft to ``to_status``, by the fewest moves."""
    routes: dict[str, list[str]] = {AgreementStatus.DRAFT: [AgreementStatus.DRAFT]}
    queue = deque([AgreementStatus.DRAFT])
    while queue:
        status = queue.popleft()
        for before, after in TRANSITIONS:
            if before == status and after not in routes:
                routes[after] = [*routes[status], after]
                queue.append(after)
    return routes[to_status]


def _build(*, actor, document: dict, checks: FileChecks) -> Agreement:
    data = document["agreement"]
    term, manager = data["term"], data.get("pooled_fund_manager", {})
    terms, consultation = data.get("terms", {}), data.get("consultation", {})
    bases, flexibilities = data["legal_basis"], data.get("flexibilities", [])
    closed_on = consultation.get("closed_on")
    optional = {"renewal_notice_months": term["renewal_notice_months"]} if "renewal_notice_months" in term else {}
    with at("agreement", AGREEMENT_PATHS):
        agreement = agreement_create(
            actor=actor, reference=data["reference"], title=data["title"],
            start_date=parse_date(term["start"]), end_date=parse_date(term["end"]),
            summary=data.get("summary", ""),
            basis_s75="s75" in bases, basis_s76="s76" in bases, basis_s256="s256" in bases,
            pooled_fund="pooled_fund" in flexibilities, lead_commissioning="lead_commissioning" in flexibilities,
            integrated_provision="integrated_provision" in flexibilities,
            is_better_care_fund=data.get("better_care_fund", False),
            extension_months_available=term.get("extension_months_available", 0),
            pooled_fund_manager_name=manager.get("name", ""), pooled_fund_manager_title=manager.get("title", ""),
            pooled_fund_manager_email=manager.get("email", ""),
            contribution_variation_terms=terms.get("contribution_variation", ""),
            review_terms=terms.get("review", ""), variation_terms=terms.get("variation", ""),
            termination_terms=terms.get("termination", ""), fund_management_terms=terms.get("fund_management", ""),
            prior_agreement_clause=terms.get("prior_agreement", ""),
            consultation_closed_on=parse_date(closed_on) if closed_on else None,
            consultation_exemption_reason=consultation.get("exemption_reason", ""),
            predecessor=checks.predecessor, held_by=checks.held_by,
            **optional,
        )
    parties = {}
    for index, entry in enumerate(document["parties"]):
        with at(f"parties[{index}]", PARTY_PATHS):
            parties[entry["organisation"]] = party_add(
                actor=actor, agreement=agreement, organisation=checks.organisations[entry["organisation"]],
                name_in_agreement=entry.get("name", ""), is_host=entry.get("host", False),
                requires_prior_agreement=entry.get("requires_prior_agreement"),
            )

    loading = Loading(actor=actor, agreement=agreement, parties=parties, schedules={})
    for index, entry in enumerate(document.get("schedules", [])):
        path, lead = f"schedules[{index}]", entry.get("lead_commissioner")
        with at(path, SCHEDULE_PATHS):
            schedule = schedule_create(
                actor=actor, agreement=agreement, title=entry["title"], number=entry["number"],
                funding_type=entry.get("funding_type", "pooled"),
                lead_commissioner=None if lead is None else parties[lead],
                aims_and_outcomes=entry.get("aims_and_outcomes", ""),
                nhs_functions="\n".join(entry.get("nhs_functions", [])),
                health_related_functions="\n".join(entry.get("health_related_functions", [])),
                eligible_people=entry.get("eligible_people", ""), services=entry.get("services", ""),
                resources=entry.get("resources", ""),
            )
        loading.schedules[entry["number"]] = schedule
        for part in file_parts(in_schedule=True):
            part.load(loading=loading, path=f"{path}.{part.key}", entries=entry.get(part.key, []), owner=schedule)

    for index, entry in enumerate(document.get("approvals", [])):
        with at(f"approvals[{index}]", APPROVAL_PATHS):
            approval_record(
                actor=actor, agreement=agreement, party=parties[entry["party"]],
                decided_on=parse_date(entry["decided_on"]), decision_maker=entry["decision_maker"],
                reference=entry.get("reference", ""),
            )

    for part in file_parts(in_schedule=False):
        part.load(loading=loading, path=part.key, entries=document.get(part.key, []), owner=agreement)

    history = document.get("history", [])
    for index, entry in enumerate(history):
        moment = parse_moment(entry["at"])
        _transition(actor=actor, agreement=agreement, path=f"history[{index}]", before=entry["from"],
                    after=entry["to"], reason=entry["reason"], end_reason=entry.get("end_reason") or "",
                    on=timezone.localdate(moment), at=moment)
    if not history:
        route = _shortest_path(data.get("status", AgreementStatus.DRAFT))
        for before, after in zip(route, route[1:], strict=False):
            _transition(actor=actor, agreement=agreement, path="agreement.status", before=before, after=after,
                        reason=LOADED_REASON,
                        end_reason=(data.get("end_reason") or "") if after == AgreementStatus.ENDED else "")
    return Agreement.objects.get(pk=agreement.pk)


def agreement_load(*, actor, document: dict) -> Agreement:
    """Create the agreement a file describes, or raise :class:`AgreementFileError` listing every problem.

    ``actor`` is the user loading it (who needs the permission to manage agreements and whose organisation, or one
    it succeeded, must be a party), or ``None`` for the system operator. The whole file is checked first; then the
    agreement is built as a draft through the services and its history replayed, in one transaction, so a file
    with any problem leaves the register as it was.
    """
    unstorable = text_problems(document)
    if unstorable:  # before anything reads it: text no database can store, or nesting no file needs
        raise AgreementFileError([FileProblem(where, what) for where, what in unstorable])
    if actor is not None:
        _check_may_load(actor, mapping(document))
    problems = schema_problems(document)
    if not isinstance(document, dict):
        raise AgreementFileError(problems)
    checks = FileChecks(document=document, reported=problems, actor=actor)
    problems += checks.run()
    if problems:
        raise AgreementFileError(problems)
    with transaction.atomic():
        return _build(actor=actor, document=document, checks=checks)
