from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "s75.governance"
    label = "governance"

    def ready(self):
        # Agreements sit below governance, so they ask for these rules through a hook rather than import them.
        from s75.agreements.evidence import EvidenceRules, evidence_rules_register

        from .evidence import decision_evidence_unmet
        from .selectors import decisions_citable_for

        evidence_rules_register(EvidenceRules(unmet=decision_evidence_unmet, citable=decisions_citable_for))

        # The audit trail sits below this app: it reads this app's acts in the words registered here.
        from s75.audit.wording import action_words_register

        from .audit_words import GOVERNANCE_WORDS

        action_words_register(*GOVERNANCE_WORDS)
