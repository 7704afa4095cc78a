"""The permission of the audit app, as ``has_perm`` takes it; declared on ``AuditEvent.Meta``."""

VIEW_AUDIT_TRAIL = "audit.view_audit_trail"
