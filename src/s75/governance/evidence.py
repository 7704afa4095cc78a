"""The rule that makes a recorded decision evidence for an act on an agreement.

A partner's approval, a lifecycle move (approval, coming into force, ending, renewal) or a variation may cite the
board decision that authorised it. A cited decision must be on that agreement, have the outcome *approved*, and be
dated (by its meeting) no later than the act. The lifecycle table and the agreement services call this through the
hook ``s75.agreements.evidence``, where ``GovernanceConfig.ready`` registers it.
"""

from datetime import date

from .models import Decision, DecisionOutcome


def decision_evidence_unmet(*, decision: Decision, agreement, on: date, act: str) -> list[str]:
    """What stops ``decision`` authorising ``act`` (e.g. "the approval") on ``agreement`` on ``on``; empty when it
    holds. Each problem names the condition that is unmet."""
    cited = f"the cited decision ({decision})"
    unmet = []
    if decision.agreement_id != agreement.pk:
        unmet.append(f"{cited} is on another agreement ({decision.agreement}): a decision cited as evidence must "
                     "be on this agreement")
    if decision.outcome != DecisionOutcome.APPROVED:
        unmet.append(f"{cited} was {decision.get_outcome_display().lower()}, not approved: only an approved "
                     "decision is evidence")
    if decision.decided_on > on:
        unmet.append(f"{cited} was made on {decision.decided_on:%d %B %Y}, after {act} on {on:%d %B %Y}: a "
                     "decision cited as evidence must be dated no later than the act")
    return unmet
