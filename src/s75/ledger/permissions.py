"""The permissions of the ledger app, as ``has_perm`` takes them; declared on ``Fund.Meta``."""

POST_LEDGER = "ledger.post_ledger"
CLOSE_PERIOD = "ledger.close_period"
