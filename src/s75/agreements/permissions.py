"""The permissions of the agreements app, as ``has_perm`` takes them; declared on ``Agreement.Meta``."""

MANAGE_AGREEMENT = "agreements.manage_agreement"
TRANSITION_AGREEMENT = "agreements.transition_agreement"
VARY_AGREEMENT = "agreements.vary_agreement"
