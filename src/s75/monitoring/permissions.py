"""The permission of the monitoring app, as ``has_perm`` takes it; declared on ``Consent.Meta``."""

RECORD_CONSENT = "monitoring.record_consent"
