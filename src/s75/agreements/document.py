"""An agreement as one plain document: the agreement file format (``docs/agreement-file.md``).

The same document is what ``s75 export-agreement`` writes, what ``s75 load-agreement`` reads, and what each
variation keeps of the agreement before and after it. Amounts are exact pounds as text (``"44500.00"``);
parties are named by their organisation's ODS or ONS code. The parts other apps own (each schedule's
contributions, the risk-share terms) are written by them, through ``file_parts``.
"""

import json

import yaml

from .file_parts import file_parts
from .models import Agreement

FORMAT = "s75-agreement/1"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _parts_of(owner, code_of: dict[int, str], *, in_schedule: bool) -> dict:
    """The parts other apps keep of a schedule or of the agreement (``file_parts``), each under its key."""
    return {part.key: part.write(owner=owner, code_of=code_of) for part in file_parts(in_schedule=in_schedule)}


def agreement_document(*, agreement: Agreement) -> dict:
    """The whole agreement as plain data, in the order a reader expects."""
    parties = list(agreement.parties.select_related("organisation"))
    code_of = {party.pk: party.organisation.code for party in parties}
    schedules = list(agreement.schedules.prefetch_related("contributions__funding_stream"))
    return {
        "format": FORMAT,
        "agreement": {
            "reference": agreement.reference,
            "title": agreement.title,
            "summary": agreement.summary,
            "legal_basis": agreement.legal_bases,
            "flexibilities": [name for name in ("pooled_fund", "lead_commissioning", "integrated_provision")
                              if getattr(agreement, name)],
            "better_care_fund": agreement.is_better_care_fund,
            "term": {
                "start": agreement.start_date.isoformat(),
                "end": agreement.end_date.isoformat(),
                "extension_months_available": agreement.extension_months_available,
                "renewal_notice_months": agreement.renewal_notice_months,
            },
            "status": agreement.status,
            "end_reason": agreement.end_reason or None,
            "pooled_fund_manager": {
                "name": agreement.pooled_fund_manager_name,
                "title": agreement.pooled_fund_manager_title,
                "email": agreement.pooled_fund_manager_email,
            },
            "terms": {
                "contribution_variation": agreement.contribution_variation_terms,
                "review": agreement.review_terms,
                "variation": agreement.variation_terms,
                "termination": agreement.termination_terms,
                "fund_management": agreement.fund_management_terms,
                "prior_agreement": agreement.prior_agreement_clause,
            },
            "consultation": {
                "closed_on": agreement.consultation_closed_on.isoformat() if agreement.consultation_closed_on else None,
                "exemption_reason": agreement.consultation_exemption_reason,
            },
            "predecessor": agreement.predecessor.reference if agreement.predecessor_id else None,
        },
        "parties": [
            {
                "organisation": party.organisation.code,
                "name": party.name_in_agreement,
                "host": party.is_host,
                "requires_prior_agreement": party.requires_prior_agreement,
            }
            for party in parties
        ],
        "schedules": [
            {
                "number": schedule.number,
                "title": schedule.title,
                "funding_type": schedule.funding_type,
                "lead_commissioner": code_of.get(schedule.lead_commissioner_id),
                "aims_and_outcomes": schedule.aims_and_outcomes,
                "nhs_functions": _lines(schedule.nhs_functions),
                "health_related_functions": _lines(schedule.health_related_functions),
                "eligible_people": schedule.eligible_people,
                "services": schedule.services,
                "resources": schedule.resources,
                **_parts_of(schedule, code_of, in_schedule=True),
            }
            for schedule in schedules
        ],
        "approvals": [
            {
                "party": code_of[approval.party_id],
                "decided_on": approval.decided_on.isoformat(),
                "decision_maker": approval.decision_maker,
                "reference": approval.reference,
            }
            for approval in agreement.approvals.order_by("decided_on", "party__position")
        ],
        **_parts_of(agreement, code_of, in_schedule=False),
        "history": [
            {
                "from": transition.from_status,
                "to": transition.to_status,
                "end_reason": transition.end_reason or None,
                "reason": transition.reason,
                "at": transition.at.isoformat(),
            }
            for transition in agreement.transitions.all()
        ],
    }


class _Dumper(yaml.SafeDumper):
    """Block style, with text of several lines written as a literal block so it reads as it was typed."""


def _text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def agreement_file_text(document: dict, *, file_format: str) -> str:
    """``document`` as an agreement file's text: YAML, or JSON when ``file_format`` is "json"."""
    if file_format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
