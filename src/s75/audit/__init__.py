"""The audit trail: who changed what, when, with the record before and after."""
