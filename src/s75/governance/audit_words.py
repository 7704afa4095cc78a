"""How the audit trail words the acts of this app's services (registered in ``GovernanceConfig.ready``)."""

from s75.audit.values import value_words
from s75.audit.wording import ActionWords

from .models import BoardMember, DecisionOutcome, DecisionSubject, Paper


def _decision(event) -> str:
    after = event.after
    return (f"recorded the decision of {event.object_repr}: {DecisionSubject(after['subject']).label}, "
            f"{DecisionOutcome(after['outcome']).label.lower()}")


GOVERNANCE_WORDS = (
    ActionWords("board_create", "Board set up", lambda event: f"set up the board {event.after['name']}",
                labels={"organisation_id": "Organisation", "agreements": "Agreements it oversees"}),
    ActionWords("board_member_add", "Board member added", lambda event: (
        f"added {event.object_repr} to "
        f"{value_words(event.after['board_id'], name='board_id', model=BoardMember)}"
    ), labels={"board_id": "Board", "organisation_id": "Organisation", "from_date": "Member from",
               "to_date": "Member until"}),
    ActionWords("meeting_create", "Meeting added", lambda event: f"added the meeting {event.object_repr}",
                labels={"board_id": "Board", "held_on": "Held on"}),
    ActionWords("paper_add", "Paper added", lambda event: (
        f"added the paper “{event.after['title']}” to "
        f"{value_words(event.after['meeting_id'], name='meeting_id', model=Paper)}"
    ), labels={"meeting_id": "Meeting", "url": "Address"}),
    ActionWords("decision_record", "Board decision recorded", _decision,
                labels={"meeting_id": "Meeting", "variation_id": "Variation"}),
)
