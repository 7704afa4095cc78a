"""The permissions of the settlement app, as ``has_perm`` takes them; declared on ``SettlementRun.Meta``."""

SETTLE_FUND = "settlement.settle_fund"
APPROVE_SETTLEMENT = "settlement.approve_settlement"
