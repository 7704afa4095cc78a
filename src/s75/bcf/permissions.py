"""The permissions of the Better Care Fund app, as ``has_perm`` takes them; declared on ``BcfYear.Meta``."""

MANAGE_PLAN = "bcf.manage_plan"
ASSURE_PLAN = "bcf.assure_plan"
VIEW_NATIONAL = "bcf.view_national"
