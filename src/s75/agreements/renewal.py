"""Renewal: a draft successor agreement made from the agreement's own document.

The renewal keeps the schedules, terms and risk-share terms, moves each party to whoever carries its functions
on the new start date (Luton CCG becomes the Bedfordshire, Luton and Milton Keynes ICB), and leaves out the
contributions, approvals and history, which belong to the new term. It is loaded through the same checks as
any agreement file, so a renewal can never hold what a file could not. A renewal may cite the recorded board
decision to renew, which must be evidence for it on the agreement renewed (``evidence``).
"""

import copy
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from s75.audit.services import audit_record
from s75.core.errors import Problem
from s75.core.money import format_percent
from s75.organisations.selectors import organisation_get_by_code, organisation_successors_as_at

from .document import agreement_document
from .evidence import decision_evidence_unmet
from .file_loading import agreement_load
from .file_reading import AgreementFileError
from .lifecycle import renewal_unmet
from .models import Agreement, AgreementStatus
from .services import ChangeRefused


def _successor_codes(document: dict, on: date) -> dict[str, str]:
    """Each party's code mapped to its successor's code on ``on`` (the first, where a body was split)."""
    codes = {}
    for party in document["parties"]:
        organisation = organisation_get_by_code(code=party["organisation"])
        codes[party["organisation"]] = organisation_successors_as_at(organisation=organisation, as_at=on)[0].code
    return codes


def _renewal_document(document: dict, *, reference: str, title: str, start_date: date, end_date: date) -> dict:
    renewal = copy.deepcopy(document)
    codes = _successor_codes(document, start_date)
    details = renewal["agreement"]
    details.update(
        reference=reference, title=title or details["title"], status=AgreementStatus.DRAFT, end_reason=None,
        predecessor=document["agreement"]["reference"],
        consultation={"closed_on": None, "exemption_reason": ""},
    )
    details["term"].update(start=start_date.isoformat(), end=end_date.isoformat())
    parties, seen = [], set()
    for party in renewal["parties"]:
        code = codes[party["organisation"]]
        if code in seen:  # two predecessors merged into one successor: it joins once
            continue
        seen.add(code)
        if code != party["organisation"]:
            party.update(organisation=code, name=organisation_get_by_code(code=code).name)
        parties.append(party)
    renewal["parties"] = parties
    for schedule in renewal["schedules"]:
        schedule["contributions"] = []
        if schedule["lead_commissioner"]:
            schedule["lead_commissioner"] = codes[schedule["lead_commissioner"]]
    # Terms for particular years of the old term do not carry over; the terms for every year do.
    renewal["risk_share"] = [terms for terms in renewal["risk_share"] if terms["year"] is None]
    for terms in renewal["risk_share"]:
        merged: dict[str, dict] = {}
        for term in terms["parties"]:
            code = codes[term["party"]]
            if code not in merged:
                merged[code] = {**term, "party": code}
                continue
            # Merged partners: their fixed shares add up; their caps are for the new partner to agree afresh.
            first = merged[code]
            if first["fixed_percent"] is not None or term["fixed_percent"] is not None:
                total = Decimal(first["fixed_percent"] or 0) + Decimal(term["fixed_percent"] or 0)
                first["fixed_percent"] = format_percent(total)
            first.update(cap=None, cap_percent=None)
        terms["parties"] = list(merged.values())
    renewal.update(approvals=[], history=[])
    return renewal


# Where in the renewal's file a problem lies → the argument of ``agreement_renew`` that put it there.
RENEWAL_FIELDS = {"agreement.reference": "reference", "agreement.title": "title", "agreement.term.start": "start_date",
                  "agreement.term.end": "end_date"}


def agreement_renew(
    *, actor, agreement: Agreement, reference: str, start_date: date, end_date: date, title: str = "",
    decision: Model | None = None,
) -> Agreement:
    """A draft renewal of ``agreement`` for the new term, linked to it as its predecessor; ``decision`` is the
    recorded board decision that authorised the renewal, if one is cited."""
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        problems = renewal_unmet(locked)
        if start_date <= locked.start_date:
            problems.append(Problem("a renewal starts after the agreement it renews", "start_date"))
        if decision is not None:
            problems += [Problem(problem, "decision") for problem in decision_evidence_unmet(
                decision=decision, agreement=locked, on=timezone.localdate(), act="the renewal")]
        if problems:
            raise ChangeRefused(problems)
        document = _renewal_document(
            agreement_document(agreement=locked), reference=reference, title=title, start_date=start_date,
            end_date=end_date,
        )
        try:
            renewal = agreement_load(actor=actor, document=document)
        except AgreementFileError as refused:
            raise ChangeRefused([Problem(problem.message, RENEWAL_FIELDS.get(problem.path))
                                 for problem in refused.errors]) from refused
        if decision is not None:
            renewal.renewal_decision = decision
            renewal.save(update_fields=["renewal_decision"])
        audit_record(actor=actor, action="agreement_renew", obj=renewal, agreement=locked,
                     after={"renewal": renewal.reference, "decision": decision.pk if decision else None})
    return renewal
