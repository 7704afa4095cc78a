"""How the audit trail words the acts of this app's services (registered in ``OrganisationsConfig.ready``)."""

from s75.audit.values import date_words
from s75.audit.wording import ActionWords, changed_fields, event_object


def _succession(event) -> str:
    succession = event_object(event)
    return (f"recorded that {succession.successor} took on the functions of {succession.predecessor} from "
            f"{date_words(event.after['effective_on'])}")


ORGANISATION_WORDS = (
    ActionWords("organisation_create", "Organisation added",
                lambda event: f"added {event.object_repr} to the register of organisations",
                labels={"parent_id": "Part of", "valid_from": "In existence from", "valid_to": "In existence until"}),
    ActionWords("organisation_update", "Organisation's details changed",
                lambda event: f"changed {changed_fields(event)} of {event.object_repr}",
                labels={"parent_id": "Part of", "valid_from": "In existence from", "valid_to": "In existence until"}),
    ActionWords("succession_record", "Succession recorded", _succession, labels={"effective_on": "From"}),
)
