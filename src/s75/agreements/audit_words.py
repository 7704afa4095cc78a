"""How the audit trail words the acts of this app's services (registered in ``AgreementsConfig.ready``)."""

from s75.audit.values import date_words, value_words
from s75.audit.wording import ActionWords, changed_fields, listed

from .models import Agreement, AgreementStatus, EndReason


def _moved(event) -> str:
    to_status = AgreementStatus(event.after["status"]).label
    text = f"moved the agreement from {AgreementStatus(event.before['status']).label} to {to_status}"
    end_reason = event.after.get("end_reason")
    return f"{text} ({EndReason(end_reason).label.lower()})" if end_reason else text


def _decision(pk) -> str:
    return value_words(pk, name="renewal_decision", model=Agreement)


SCHEDULE_LABELS = {"nhs_functions": "NHS functions", "lead_commissioner_id": "Lead commissioner"}

AGREEMENT_WORDS = (
    ActionWords("agreement_create", "Agreement created", lambda event: f"created the agreement {event.object_repr}"),
    ActionWords("agreement_update", "Agreement's details changed",
                lambda event: f"changed {changed_fields(event)} of the agreement"),
    ActionWords("party_add", "Partner added", lambda event: (
        f"added {event.after['name_in_agreement']} as a partner" + (" and the host" if event.after["is_host"] else "")
    ), labels={"organisation_id": "Organisation", "position": "Place in the list of partners"}),
    ActionWords("party_update", "Partner's details changed",
                lambda event: f"changed {changed_fields(event)} of the partner {event.object_repr}"),
    ActionWords("schedule_create", "Schedule added", lambda event: f"added {event.object_repr}",
                labels=SCHEDULE_LABELS),
    ActionWords("schedule_update", "Schedule changed",
                lambda event: f"changed {changed_fields(event, SCHEDULE_LABELS)} of {event.object_repr}",
                labels=SCHEDULE_LABELS),
    ActionWords("approval_record", "Partner's approval recorded", lambda event: (
        f"recorded that {event.object_repr} ({event.after['decision_maker']})"
    ), labels={"party_id": "Partner", "decision_id": "Board decision"}),
    ActionWords("approval_withdraw", "Partner's approval withdrawn",
                lambda event: f"withdrew the approval recorded as “{event.object_repr}”",
                labels={"party_id": "Partner", "decision_id": "Board decision"}),
    ActionWords("agreement_transition", "Status changed", _moved),
    ActionWords("renewal_alert_send", "Renewal alert sent", lambda event: (
        f"sent the renewal alert to {listed(event.after['recipients'])}" if event.after["recipients"]
        else "raised the renewal alert (no one had an email address to send it to)"
    ), labels={"sent_on": "Sent on"}),
    ActionWords("variation_record", "Variation recorded", lambda event: (
        f"recorded {event.object_repr}, in force from {date_words(event.after['effective_from'])}: "
        f"{event.after['description']}"
    ), labels={"effective_from": "In force from"}),
    ActionWords("agreement_renew", "Renewal drafted",
                lambda event: f"drafted the renewal {event.object_repr} ({event.after['renewal']})",
                labels={"renewal": "Reference of the renewal", "decision": "Board decision"},
                values={"decision": _decision}),
)
