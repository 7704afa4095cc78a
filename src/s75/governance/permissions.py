"""The permissions of the governance app, as ``has_perm`` takes them; declared on ``Board.Meta``."""

MANAGE_GOVERNANCE = "governance.manage_governance"
RECORD_DECISION = "governance.record_decision"
